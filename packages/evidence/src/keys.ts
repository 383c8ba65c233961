/**
 * Keys. Every key in the format is EC P-256:
 * - the lender's encryption key (ECDH-ES+A256KW recipients of the content key),
 * - the lender's ticket-signing key (ES256 session tickets),
 * - the per-session device key (ES256 manifest signature), created non-extractable in browsers so
 *   that script on the page cannot copy it; its public half is exported into the manifest.
 * JWKs carry `kid` = RFC 7638 thumbprint so bundles and tickets can name keys without ambiguity.
 */
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  importJWK,
  importPKCS8,
  importSPKI,
  type CryptoKey as JoseCryptoKey,
  type JWK,
} from 'jose';
import { DualrecError } from './errors.js';

export type KeyPurpose = 'encryption' | 'ticket-signing' | 'device-signing';

/** A public EC P-256 JWK as it appears in bundles (no private members). */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid?: string;
  alg?: string;
  use?: string;
}

export interface PrivateJwk extends PublicJwk {
  d: string;
}

export interface KeyPairJwk {
  publicJwk: PublicJwk;
  privateJwk: PrivateJwk;
}

const ALG: Record<KeyPurpose, { alg: string; use: 'enc' | 'sig' }> = {
  encryption: { alg: 'ECDH-ES+A256KW', use: 'enc' },
  'ticket-signing': { alg: 'ES256', use: 'sig' },
  'device-signing': { alg: 'ES256', use: 'sig' },
};

function algorithmFor(purpose: KeyPurpose): EcKeyGenParams {
  return purpose === 'encryption'
    ? { name: 'ECDH', namedCurve: 'P-256' }
    : { name: 'ECDSA', namedCurve: 'P-256' };
}

function usagesFor(purpose: KeyPurpose, part: 'private' | 'public' | 'pair'): KeyUsage[] {
  if (purpose === 'encryption') return part === 'public' ? [] : ['deriveBits'];
  if (part === 'private') return ['sign'];
  if (part === 'public') return ['verify'];
  return ['sign', 'verify'];
}

/** RFC 7638 thumbprint (SHA-256, base64url) of the public part. */
export async function jwkThumbprint(jwk: PublicJwk): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'sha256');
}

/** Strips everything but the public EC members and checks their shape. */
export function toPublicJwk(value: unknown): PublicJwk {
  const jwk = value as Partial<PublicJwk> | null;
  if (
    typeof jwk !== 'object' ||
    jwk === null ||
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256' ||
    typeof jwk.x !== 'string' ||
    typeof jwk.y !== 'string' ||
    !/^[A-Za-z0-9_-]{43}$/.test(jwk.x) ||
    !/^[A-Za-z0-9_-]{43}$/.test(jwk.y)
  ) {
    throw new DualrecError('KEY_INVALID', { detail: 'expected an EC P-256 public JWK' });
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

function toPrivateJwk(value: unknown): PrivateJwk {
  const pub = toPublicJwk(value);
  const d = (value as { d?: unknown }).d;
  if (typeof d !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(d)) {
    throw new DualrecError('KEY_INVALID', { detail: 'expected an EC P-256 private JWK (with "d")' });
  }
  return { ...pub, d };
}

async function describe(publicJwk: PublicJwk, purpose: KeyPurpose): Promise<PublicJwk> {
  const { alg, use } = ALG[purpose];
  return { ...toPublicJwk(publicJwk), kid: await jwkThumbprint(publicJwk), alg, use };
}

/** A new key pair with both halves as JWKs (for lender keys, which live in files or a KMS). */
export async function generateKeyPairJwk(purpose: KeyPurpose): Promise<KeyPairJwk> {
  const pair = (await globalThis.crypto.subtle.generateKey(
    algorithmFor(purpose),
    true,
    usagesFor(purpose, 'pair'),
  )) as CryptoKeyPair;
  const publicJwk = await describe((await exportJWK(pair.publicKey)) as PublicJwk, purpose);
  const privateJwk = toPrivateJwk(await exportJWK(pair.privateKey));
  return {
    publicJwk,
    privateJwk: { ...privateJwk, kid: publicJwk.kid, alg: publicJwk.alg, use: publicJwk.use },
  };
}

export interface DeviceKey {
  /** Signs the manifest. Non-extractable unless `extractable` was requested (tests, CLI samples). */
  privateKey: CryptoKey;
  publicJwk: PublicJwk;
  /** RFC 7638 thumbprint: the value the lender puts in the ticket's `cnf.jkt`. */
  thumbprint: string;
}

/** The per-session device signing key. Keep `extractable` false in browsers. */
export async function generateDeviceKey(options: { extractable?: boolean } = {}): Promise<DeviceKey> {
  const pair = (await globalThis.crypto.subtle.generateKey(
    algorithmFor('device-signing'),
    options.extractable ?? false,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const exported = toPublicJwk(await exportJWK(pair.publicKey));
  const publicJwk = await describe(exported, 'device-signing');
  return { privateKey: pair.privateKey, publicJwk, thumbprint: publicJwk.kid as string };
}

export async function importPublicJwk(jwk: unknown, purpose: KeyPurpose): Promise<CryptoKey> {
  const checked = toPublicJwk(jwk);
  const { alg } = ALG[purpose];
  try {
    return (await importJWK({ ...checked, alg }, alg)) as CryptoKey;
  } catch (cause) {
    throw new DualrecError('KEY_INVALID', { detail: 'public key is not a point on P-256', cause });
  }
}

export async function importPrivateJwk(jwk: unknown, purpose: KeyPurpose): Promise<CryptoKey> {
  const checked = toPrivateJwk(jwk);
  const { alg } = ALG[purpose];
  try {
    return (await importJWK({ ...checked, alg }, alg)) as CryptoKey;
  } catch (cause) {
    throw new DualrecError('KEY_INVALID', { detail: 'private key could not be imported', cause });
  }
}

/** SPKI PEM of a public JWK (for tools that want PEM, such as openssl). */
export async function publicJwkToPem(jwk: PublicJwk, purpose: KeyPurpose): Promise<string> {
  const key = await importJWK({ ...toPublicJwk(jwk), alg: ALG[purpose].alg }, ALG[purpose].alg, {
    extractable: true,
  });
  return exportSPKI(key as JoseCryptoKey);
}

/** PKCS#8 PEM of a private JWK. */
export async function privateJwkToPem(jwk: PrivateJwk, purpose: KeyPurpose): Promise<string> {
  const key = await importJWK({ ...toPrivateJwk(jwk), alg: ALG[purpose].alg }, ALG[purpose].alg, {
    extractable: true,
  });
  return exportPKCS8(key as JoseCryptoKey);
}

export async function pemToPublicJwk(pem: string, purpose: KeyPurpose): Promise<PublicJwk> {
  try {
    const key = await importSPKI(pem, ALG[purpose].alg, { extractable: true });
    return describe(toPublicJwk(await exportJWK(key)), purpose);
  } catch (cause) {
    if (cause instanceof DualrecError) throw cause;
    throw new DualrecError('KEY_INVALID', { detail: 'not a P-256 SPKI PEM public key', cause });
  }
}

export async function pemToPrivateJwk(pem: string, purpose: KeyPurpose): Promise<PrivateJwk> {
  try {
    const key = await importPKCS8(pem, ALG[purpose].alg, { extractable: true });
    const jwk = toPrivateJwk(await exportJWK(key));
    const described = await describe(jwk, purpose);
    return { ...jwk, kid: described.kid, alg: described.alg, use: described.use };
  } catch (cause) {
    if (cause instanceof DualrecError) throw cause;
    throw new DualrecError('KEY_INVALID', { detail: 'not a P-256 PKCS#8 PEM private key', cause });
  }
}

export type { JWK };
