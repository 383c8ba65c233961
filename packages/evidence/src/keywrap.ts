/**
 * Wrapping the bundle's content key to its recipients: one JWE in General JSON Serialization
 * (RFC 7516 §7.2.1), `enc` A256GCM, one `recipients` entry per lender public key with
 * `alg` ECDH-ES+A256KW (RFC 7518 §4.6) and `kid` = the key's RFC 7638 thumbprint. The plaintext is
 * the raw 32-byte input keying material (IKM) of the RFC 8188 records.
 */
import { GeneralEncrypt, type GeneralJWE, generalDecrypt } from 'jose';
import { randomBytes } from './bytes.js';
import { DualrecError } from './errors.js';
import { importPrivateJwk, importPublicJwk, jwkThumbprint, type PrivateJwk, type PublicJwk } from './keys.js';

export const CONTENT_KEY_LENGTH = 32;
export const KEY_WRAP_ALG = 'ECDH-ES+A256KW';
export const KEY_WRAP_ENC = 'A256GCM';
/** The JWE `cty`, so the object cannot be mistaken for another JWE of the lender's. */
export const CONTENT_KEY_CTY = 'application/dualrec-content-key';

export type WrappedContentKey = GeneralJWE;

/** A fresh random content key (the RFC 8188 IKM for every file of one bundle). */
export function generateContentKey(): Uint8Array {
  return randomBytes(CONTENT_KEY_LENGTH);
}

export async function wrapContentKey(
  contentKey: Uint8Array,
  recipients: readonly PublicJwk[],
): Promise<GeneralJWE> {
  if (contentKey.length !== CONTENT_KEY_LENGTH) {
    throw new DualrecError('BAD_USAGE', { detail: `content key must be ${CONTENT_KEY_LENGTH} bytes` });
  }
  if (recipients.length === 0)
    throw new DualrecError('BAD_USAGE', { detail: 'at least one recipient is required' });
  const jwe = new GeneralEncrypt(contentKey).setProtectedHeader({ enc: KEY_WRAP_ENC, cty: CONTENT_KEY_CTY });
  const seen = new Set<string>();
  for (const recipient of recipients) {
    const kid = await jwkThumbprint(recipient);
    if (seen.has(kid)) throw new DualrecError('BAD_USAGE', { detail: `recipient ${kid} listed twice` });
    seen.add(kid);
    jwe
      .addRecipient(await importPublicJwk(recipient, 'encryption'))
      .setUnprotectedHeader({ alg: KEY_WRAP_ALG, kid });
  }
  return jwe.encrypt();
}

/** The thumbprints the JWE names as recipients (readable without any key). */
export function recipientKeyIds(jwe: GeneralJWE): string[] {
  return (jwe.recipients ?? [])
    .map((r) => r.header?.kid)
    .filter((kid): kid is string => typeof kid === 'string');
}

/** Unwraps with one recipient's private key; KEY_NOT_RECIPIENT if the key is not listed. */
export async function unwrapContentKey(jwe: GeneralJWE, privateJwk: PrivateJwk): Promise<Uint8Array> {
  const kid = await jwkThumbprint(privateJwk);
  if (!(jwe.recipients ?? []).some((r) => r.header?.kid === kid)) {
    throw new DualrecError('KEY_NOT_RECIPIENT', { detail: `no recipient with kid ${kid}`, context: { kid } });
  }
  const key = await importPrivateJwk(privateJwk, 'encryption');
  try {
    const { plaintext, protectedHeader } = await decryptForRecipient(jwe, key, kid, {
      keyManagementAlgorithms: [KEY_WRAP_ALG],
      contentEncryptionAlgorithms: [KEY_WRAP_ENC],
    });
    const extra = Object.keys(protectedHeader ?? {}).filter((m) => !['enc', 'cty', 'epk'].includes(m));
    if (
      protectedHeader?.cty !== CONTENT_KEY_CTY ||
      plaintext.length !== CONTENT_KEY_LENGTH ||
      extra.length > 0
    ) {
      throw new DualrecError('RECORD_DECRYPT_FAILED', {
        detail: extra.length
          ? `JWE protected header member(s) ${extra.join(', ')} not allowed (only enc, cty, epk)`
          : 'wrapped object is not a dualrec content key',
      });
    }
    return plaintext;
  } catch (cause) {
    if (cause instanceof DualrecError) throw cause;
    throw new DualrecError('RECORD_DECRYPT_FAILED', {
      detail: 'the content key could not be unwrapped',
      cause,
      context: { reason: 'KEY_UNWRAP_FAILED' },
    });
  }
}

/**
 * Decrypts a General JSON JWE with the key of the recipient whose `kid` is given. Only that
 * recipient's entry is tried: a damaged entry of another recipient is not this reader's concern,
 * and trying every entry with one key would only add failure modes. (Tested against the
 * multi-recipient example of RFC 7520 §5.13.)
 */
export async function decryptForRecipient(
  jwe: GeneralJWE,
  key: CryptoKey,
  kid: string,
  algorithms: { keyManagementAlgorithms: string[]; contentEncryptionAlgorithms: string[] },
): Promise<{ plaintext: Uint8Array; protectedHeader: Record<string, unknown> | undefined }> {
  const mine = (jwe.recipients ?? []).filter((r) => r.header?.kid === kid);
  if (mine.length !== 1) {
    throw new DualrecError('KEY_NOT_RECIPIENT', {
      detail: `no single recipient with kid ${kid}`,
      context: { kid },
    });
  }
  const result = await generalDecrypt({ ...jwe, recipients: mine }, key, algorithms);
  return {
    plaintext: result.plaintext,
    protectedHeader: result.protectedHeader as Record<string, unknown> | undefined,
  };
}
