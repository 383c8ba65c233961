/**
 * manifest.jws: a JWS (RFC 7515) in compact serialisation with detached content (Appendix F):
 * `BASE64URL(header) ".." BASE64URL(signature)`, the content being the exact bytes of
 * manifest.json. ES256 with the per-session device key; header {"alg","kid","typ"} where kid is the
 * device key's RFC 7638 thumbprint. Detached so the manifest is stored once, readable as is.
 */
import { CompactSign, flattenedVerify } from 'jose';
import { decodeUtf8Strict, fromBase64UrlStrict, toBase64Url, utf8 } from './bytes.js';
import { isLowS, toLowSCompact } from './ecdsa.js';
import { importPublicJwk, jwkThumbprint, type PublicJwk } from './keys.js';

export const MANIFEST_JWS_TYP = 'dualrec-manifest+jws';

export async function signManifest(
  manifestBytes: Uint8Array,
  privateKey: CryptoKey,
  publicJwk: PublicJwk,
): Promise<string> {
  const kid = await jwkThumbprint(publicJwk);
  // Members in sorted order so the header is also RFC 8785 canonical.
  const compact = await new CompactSign(manifestBytes)
    .setProtectedHeader({ alg: 'ES256', kid, typ: MANIFEST_JWS_TYP })
    .sign(privateKey);
  // Low-S (ecdsa.ts): WebCrypto's s is random, and (r, n − s) would be a second valid spelling.
  const [header, , signature] = toLowSCompact(compact).split('.');
  return `${header}..${signature}`;
}

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      reason: 'SIGNATURE_MALFORMED' | 'SIGNATURE_INVALID' | 'SIGNATURE_NOT_CANONICAL';
      detail: string;
    };

/** Checks manifest.jws (its exact bytes) against manifest.json and the device key in the manifest. */
export async function checkManifestSignature(
  jwsBytes: Uint8Array,
  manifestBytes: Uint8Array,
  deviceKey: PublicJwk,
): Promise<SignatureCheck> {
  const text = decodeUtf8Strict(jwsBytes);
  const parts = text?.split('.');
  if (!text || !parts || parts.length !== 3 || parts[1] !== '') {
    return {
      ok: false,
      reason: 'SIGNATURE_MALFORMED',
      detail: 'expected BASE64URL(header)..BASE64URL(signature)',
    };
  }
  const [headerPart, , signaturePart] = parts as [string, string, string];
  const headerBytes = fromBase64UrlStrict(headerPart);
  const signature = fromBase64UrlStrict(signaturePart);
  // Strict decoding: a changed character must never decode to the same bytes.
  if (!headerBytes || !signature || signature.length !== 64) {
    return {
      ok: false,
      reason: 'SIGNATURE_MALFORMED',
      detail: 'header or signature is not canonical base64url',
    };
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(decodeUtf8Strict(headerBytes) ?? '') as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'SIGNATURE_MALFORMED', detail: 'header is not JSON' };
  }
  if (header.alg !== 'ES256' || header.typ !== MANIFEST_JWS_TYP || Object.keys(header).length !== 3) {
    return {
      ok: false,
      reason: 'SIGNATURE_MALFORMED',
      detail: `header must be exactly {alg: ES256, kid, typ: ${MANIFEST_JWS_TYP}}`,
    };
  }
  if (header.kid !== (await jwkThumbprint(deviceKey))) {
    return {
      ok: false,
      reason: 'SIGNATURE_INVALID',
      detail: 'kid is not the thumbprint of manifest.deviceKey',
    };
  }
  try {
    await verifyDetachedCompact(
      `${headerPart}..${signaturePart}`,
      manifestBytes,
      await importPublicJwk(deviceKey, 'device-signing'),
      ['ES256'],
    );
  } catch (error) {
    return {
      ok: false,
      reason: 'SIGNATURE_INVALID',
      detail: `signature does not verify: ${(error as Error).message}`,
    };
  }
  // Checked after the signature itself: a high S that verifies is the same signature spelled the
  // other way (r, n − s), i.e. a copy someone rewrote, not a forgery.
  if (!isLowS(signature)) {
    return {
      ok: false,
      reason: 'SIGNATURE_NOT_CANONICAL',
      detail: 'the signature verifies but its S is above n/2 (the low-S form is required, §8)',
    };
  }
  return { ok: true };
}

/**
 * Verifies a compact JWS with detached content (RFC 7515 Appendix F): the content is re-attached
 * as its base64url and checked by jose. Throws jose's error when the signature does not verify.
 * (Tested against RFC 7520 §4.3 with its payload detached, as §4.5 does.)
 */
export async function verifyDetachedCompact(
  jws: string,
  content: Uint8Array,
  key: CryptoKey | Uint8Array,
  algorithms: string[],
): Promise<void> {
  const [header, payload, signature, extra] = jws.split('.');
  if (header === undefined || payload !== '' || signature === undefined || extra !== undefined) {
    throw new TypeError('not a compact JWS with detached content');
  }
  await flattenedVerify({ protected: header, payload: toBase64Url(content), signature }, key, { algorithms });
}

export function encodeSignatureFile(jws: string): Uint8Array {
  return utf8(jws);
}
