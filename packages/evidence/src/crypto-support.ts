/**
 * Does this runtime's native WebCrypto have every algorithm the format needs? The SDK asks before
 * a session: where something is missing it falls back to guided plain recording (DESIGN principle
 * 6) instead of producing an unverifiable bundle.
 *
 * Why webcrypto-liner is not loaded here: everything below is native in node ≥ 20 and in current
 * Chrome / Android WebView, Safari / iOS WebKit, Firefox and WeChat's current X5/XWeb kernels, in
 * secure (HTTPS) contexts. Where it is missing — `crypto.subtle` is undefined on plain-HTTP pages,
 * and Chromium-based WebViews from before HKDF shipped (Chrome 60) lack HKDF — the liner does not
 * help: it implements neither HKDF nor replaces `globalThis.crypto`, which jose calls directly.
 * (It also reads `window` at import time, so it must never be imported in node.)
 */
import { asBufferSource, utf8 } from './bytes.js';

export type CryptoCapability = 'subtle' | 'SHA-256' | 'HKDF' | 'AES-GCM' | 'ECDSA P-256' | 'ECDH P-256';

export interface CryptoSupport {
  ok: boolean;
  missing: CryptoCapability[];
}

async function works(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}

/** Probes each algorithm with a real operation (feature lists in browsers are not trustworthy). */
export async function checkCryptoSupport(
  crypto: Crypto | undefined = globalThis.crypto,
): Promise<CryptoSupport> {
  const subtle = crypto?.subtle;
  if (!subtle || typeof crypto.getRandomValues !== 'function') {
    return { ok: false, missing: ['subtle', 'SHA-256', 'HKDF', 'AES-GCM', 'ECDSA P-256', 'ECDH P-256'] };
  }
  const data = asBufferSource(utf8('dualrec'));
  const checks: [CryptoCapability, () => Promise<unknown>][] = [
    ['SHA-256', () => subtle.digest('SHA-256', data)],
    [
      'HKDF',
      async () => {
        const key = await subtle.importKey('raw', data, 'HKDF', false, ['deriveBits']);
        return subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: data, info: data }, key, 128);
      },
    ],
    [
      'AES-GCM',
      async () => {
        const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']);
        return subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, data);
      },
    ],
    [
      'ECDSA P-256',
      async () => {
        const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
          'sign',
          'verify',
        ]);
        return subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, data);
      },
    ],
    [
      'ECDH P-256',
      async () => {
        const pair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
        return subtle.deriveBits({ name: 'ECDH', public: pair.publicKey }, pair.privateKey, 256);
      },
    ],
  ];
  const missing: CryptoCapability[] = [];
  for (const [name, probe] of checks) if (!(await works(probe))) missing.push(name);
  return { ok: missing.length === 0, missing };
}
