/**
 * Does this runtime's WebCrypto have every algorithm the format needs? The SDK asks before a
 * session: where something is missing it falls back to guided plain recording (DESIGN principle
 * 6) instead of producing an unverifiable bundle.
 *
 * Where webcrypto-liner helps, and where not: everything below is native in node ≥ 20 and in
 * current Chrome / Android WebView, Safari / iOS WebKit, Firefox and WeChat's X5/XWeb kernels, in
 * secure (HTTPS) contexts. A WebView whose `crypto.subtle` works but lacks one of SHA-256, AES-GCM,
 * ECDSA P-256 or ECDH P-256 (old or vendor-patched WebViews) can be lined: the liner implements
 * those in JS and passes everything else through to the native subtle. It cannot help when
 * `crypto.subtle` is absent (plain-HTTP pages: HKDF would still be missing, and a page that is not
 * a secure context cannot use the camera anyway) or when HKDF is missing (Chromium WebViews before
 * Chrome 60): the liner has no HKDF. {@link ensureCryptoSupport} loads it only for the first case,
 * by a loader the app passes, so the package itself never imports webcrypto-liner (an optional
 * peer dependency: its `elliptic` dependency is a GitHub URL that plain `npm install` cannot fetch
 * without SSH access, and it reads `window` when imported, so it must never be loaded in node).
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

/** What webcrypto-liner implements in JS; a gap outside this list cannot be lined. */
export const LINER_CAPABILITIES: readonly CryptoCapability[] = [
  'SHA-256',
  'AES-GCM',
  'ECDSA P-256',
  'ECDH P-256',
];

/** The part of the `webcrypto-liner` module {@link ensureCryptoSupport} uses. */
export interface CryptoLinerModule {
  crypto: Crypto;
}

export interface EnsureCryptoOptions {
  /**
   * Loads webcrypto-liner, called only when the native check finds gaps the liner fills. Pass
   * `() => import('webcrypto-liner/build/index.es.js')` after installing the optional peer
   * dependency `webcrypto-liner`; without it no gap is lined.
   */
  loadLiner?: () => Promise<CryptoLinerModule>;
  /** Where `crypto` lives and is replaced by the liner (default `globalThis`). */
  target?: { crypto?: Crypto };
}

export interface EnsuredCryptoSupport extends CryptoSupport {
  /** `'native'`, or `'webcrypto-liner'` when the liner was loaded and installed on the target. */
  provider: 'native' | 'webcrypto-liner';
  /** What the native WebCrypto lacked (empty when native is complete). */
  nativeMissing: CryptoCapability[];
  /** Why the liner was not used although it was needed, if so. */
  linerError?: string;
}

/**
 * {@link checkCryptoSupport}, and where the native WebCrypto lacks only what webcrypto-liner
 * implements ({@link LINER_CAPABILITIES}), load the liner lazily, check it the same way and, if it
 * is complete, install it as `target.crypto` (jose and this package call `globalThis.crypto`).
 * The liner's keys live in JS memory where it replaces a native algorithm, so the result says
 * which provider is in use; the SDK records it in the session's device facts.
 *
 * @example
 * ```ts
 * import { ensureCryptoSupport } from '@dualrec/evidence/crypto-support';
 * const support = await ensureCryptoSupport({
 *   loadLiner: () => import('webcrypto-liner/build/index.es.js'),
 * });
 * if (!support.ok) showPlainRecording(support.missing);
 * ```
 */
export async function ensureCryptoSupport(options: EnsureCryptoOptions = {}): Promise<EnsuredCryptoSupport> {
  const target = options.target ?? (globalThis as { crypto?: Crypto });
  const native = await checkCryptoSupport(target.crypto);
  const result = { ...native, provider: 'native' as const, nativeMissing: native.missing };
  if (native.ok || !native.missing.every((c) => LINER_CAPABILITIES.includes(c)) || !options.loadLiner) {
    return result;
  }
  let liner: Crypto;
  try {
    liner = (await options.loadLiner()).crypto;
  } catch (error) {
    return { ...result, linerError: `webcrypto-liner could not be loaded: ${String(error)}` };
  }
  const lined = await checkCryptoSupport(liner);
  if (!lined.ok) {
    return { ...result, linerError: `webcrypto-liner lacks: ${lined.missing.join(', ')}` };
  }
  Object.defineProperty(target, 'crypto', {
    value: liner,
    configurable: true,
    writable: true,
    enumerable: true,
  });
  return { ok: true, missing: [], provider: 'webcrypto-liner', nativeMissing: native.missing };
}
