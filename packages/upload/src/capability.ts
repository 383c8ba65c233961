/**
 * The upload capability: an upload URL alone is not enough to touch an upload. At creation the
 * client sends a random per-upload secret in the tus `Upload-Metadata` (`uploadSecret`); the
 * server keeps only its SHA-256 and wants the secret itself, in the `Dualrec-Upload-Secret`
 * header, on every HEAD, PATCH and DELETE of that upload and on GET …/receipt. The secret is
 * remembered with the upload URL (tus-js-client's URL storage: localStorage in browsers, the
 * `--state` file for `dualrec upload`), so a resume after a reload or restart still has it.
 */
import { toBase64Url } from '@dualrec/evidence';

/** Request header carrying the upload's secret. */
export const UPLOAD_SECRET_HEADER = 'Dualrec-Upload-Secret';
/** `Upload-Metadata` key carrying the secret at creation. */
export const UPLOAD_SECRET_METADATA = 'uploadSecret';

/**
 * A fresh upload secret: 32 random bytes, base64url (43 characters).
 *
 * @example
 * ```ts
 * const secret = newUploadSecret();
 * const metadata = { sessionId, ticket, [UPLOAD_SECRET_METADATA]: secret };
 * ```
 */
export function newUploadSecret(): string {
  return toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/** The secret remembered with a previous upload, or null (an upload stored without one). */
export function storedUploadSecret(
  previous: { metadata?: Record<string, string> } | null | undefined,
): string | null {
  const secret = previous?.metadata?.[UPLOAD_SECRET_METADATA];
  return typeof secret === 'string' && /^[A-Za-z0-9_-]{43,128}$/.test(secret) ? secret : null;
}
