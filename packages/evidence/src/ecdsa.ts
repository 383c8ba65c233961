/**
 * Canonical (low-S) ECDSA P-256 signatures. An ECDSA signature `(r, s)` and `(r, n − s)` are both
 * valid for the same message and key, so without a rule one signed manifest exists as two
 * `manifest.jws` files (and an RFC 3161 token over one no longer matches the other). WebCrypto
 * signs with a random `s`; dualrec normalises it to `s ≤ n/2` after signing and verifiers reject
 * any other `s` (docs/bundle-format.md §8, `SIGNATURE_NOT_CANONICAL`).
 */
import { fromBase64UrlStrict, toBase64Url } from './bytes.js';
import { DualrecError } from './errors.js';

/** The order n of the P-256 group (FIPS 186-4 D.1.2.3). */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_ORDER = P256_ORDER >> 1n;

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function toBytes32(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/**
 * True when a 64-byte JOSE ES256 signature `r || s` has `s ≤ n/2` (n the P-256 order).
 *
 * @example
 * ```ts
 * isLowS(fromBase64UrlStrict(jws.split('.')[2]!)!); // true for every signature dualrec makes
 * ```
 */
export function isLowS(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const s = toBigInt(signature.subarray(32));
  return s >= 1n && s <= HALF_ORDER;
}

/**
 * The low-S form of a 64-byte ES256 signature: `s` replaced by `n − s` when `s > n/2`, otherwise
 * the same bytes. Both verify for the same message and key.
 *
 * @example
 * ```ts
 * const canonical = normalizeLowS(new Uint8Array(await crypto.subtle.sign(ecdsa, key, data)));
 * ```
 */
export function normalizeLowS(signature: Uint8Array): Uint8Array {
  if (signature.length !== 64)
    throw new DualrecError('BAD_USAGE', { detail: 'an ES256 signature is 64 bytes (r || s)' });
  const s = toBigInt(signature.subarray(32));
  if (s === 0n || s >= P256_ORDER)
    throw new DualrecError('BAD_USAGE', { detail: 'not an ES256 signature: S is outside 1 … n − 1' });
  if (s <= HALF_ORDER) return signature;
  const out = new Uint8Array(64);
  out.set(signature.subarray(0, 32), 0);
  out.set(toBytes32(P256_ORDER - s), 32);
  return out;
}

/**
 * Rewrites the signature part of a compact ES256 JWS (`header.payload.signature`, payload may be
 * empty for detached content) to its low-S form.
 *
 * @example
 * ```ts
 * const ticket = toLowSCompact(await new SignJWT(claims).setProtectedHeader(h).sign(key));
 * ```
 */
export function toLowSCompact(compact: string): string {
  const dot = compact.lastIndexOf('.');
  const signature = fromBase64UrlStrict(compact.slice(dot + 1));
  if (dot < 0 || !signature || signature.length !== 64)
    throw new DualrecError('BAD_USAGE', { detail: 'not a compact ES256 JWS' });
  return `${compact.slice(0, dot + 1)}${toBase64Url(normalizeLowS(signature))}`;
}
