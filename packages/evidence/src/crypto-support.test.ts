import { describe, expect, it } from 'vitest';
import { checkCryptoSupport, ensureCryptoSupport } from './crypto-support.js';

describe('checkCryptoSupport', () => {
  it('node 20 has every algorithm natively', async () => {
    expect(await checkCryptoSupport()).toEqual({ ok: true, missing: [] });
  });

  it('names what a runtime lacks: no subtle at all, or a subtle without HKDF', async () => {
    expect((await checkCryptoSupport({} as Crypto)).missing).toContain('subtle');
    const subtle = globalThis.crypto.subtle;
    const withoutHkdf = new Proxy(subtle, {
      get(target, property) {
        if (property === 'importKey') {
          return (format: KeyFormat, key: BufferSource, algorithm: AlgorithmIdentifier, ...rest: never[]) => {
            if (algorithm === 'HKDF')
              return Promise.reject(new DOMException('not supported', 'NotSupportedError'));
            return (target.importKey as (...a: unknown[]) => Promise<CryptoKey>)(
              format,
              key,
              algorithm,
              ...rest,
            );
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const oldWebView = {
      subtle: withoutHkdf,
      getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto),
    } as Crypto;
    expect(await checkCryptoSupport(oldWebView)).toEqual({ ok: false, missing: ['HKDF'] });
  });
});

/** node's WebCrypto with one algorithm (by its `name` in generateKey/importKey) rejected. */
function without(name: string): Crypto {
  const native = globalThis.crypto;
  const named = (algorithm: unknown) =>
    (typeof algorithm === 'string' ? algorithm : (algorithm as { name?: string })?.name) === name;
  const subtle = new Proxy(native.subtle, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const algorithm = property === 'importKey' ? args[2] : args[0];
        if ((property === 'generateKey' || property === 'importKey') && named(algorithm)) {
          return Promise.reject(new DOMException('not supported', 'NotSupportedError'));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { subtle, getRandomValues: native.getRandomValues.bind(native) } as Crypto;
}

describe('ensureCryptoSupport (webcrypto-liner, loaded lazily)', () => {
  it('does not load the liner when native WebCrypto is complete', async () => {
    let loads = 0;
    const target = { crypto: globalThis.crypto };
    const support = await ensureCryptoSupport({
      target,
      loadLiner: async () => {
        loads++;
        return { crypto: globalThis.crypto };
      },
    });
    expect(support).toMatchObject({ ok: true, provider: 'native', nativeMissing: [] });
    expect(loads).toBe(0);
    expect(target.crypto).toBe(globalThis.crypto);
  });

  it('lines a subtle without ECDSA: loads the liner once, checks it and installs it on the target', async () => {
    let loads = 0;
    const lacking = without('ECDSA');
    const liner = globalThis.crypto; // stands in for webcrypto-liner's complete Crypto
    const target = { crypto: lacking };
    const support = await ensureCryptoSupport({
      target,
      loadLiner: async () => {
        loads++;
        return { crypto: liner };
      },
    });
    expect(support).toEqual({
      ok: true,
      missing: [],
      provider: 'webcrypto-liner',
      nativeMissing: ['ECDSA P-256'],
    });
    expect(loads).toBe(1);
    expect(target.crypto).toBe(liner);
  });

  it('leaves the gap when no loader is given (the optional peer is not installed)', async () => {
    const target = { crypto: without('ECDH') };
    const support = await ensureCryptoSupport({ target });
    expect(support).toMatchObject({ ok: false, missing: ['ECDH P-256'], provider: 'native' });
  });

  it('never loads the liner for gaps it cannot fill (HKDF, no subtle)', async () => {
    let loads = 0;
    const loadLiner = async () => {
      loads++;
      return { crypto: globalThis.crypto };
    };
    const hkdf = await ensureCryptoSupport({ target: { crypto: without('HKDF') }, loadLiner });
    expect(hkdf).toMatchObject({ ok: false, missing: ['HKDF'], provider: 'native' });
    const insecure = await ensureCryptoSupport({ target: { crypto: {} as Crypto }, loadLiner });
    expect(insecure.ok).toBe(false);
    expect(insecure.missing).toContain('subtle');
    expect(loads).toBe(0);
  });

  it('reports a liner that fails to load or is itself incomplete, and installs nothing', async () => {
    const lacking = without('AES-GCM');
    const target = { crypto: lacking };
    const failed = await ensureCryptoSupport({
      target,
      loadLiner: () => Promise.reject(new Error('Cannot find module webcrypto-liner')),
    });
    expect(failed).toMatchObject({ ok: false, missing: ['AES-GCM'], provider: 'native' });
    expect(failed.linerError).toMatch(/could not be loaded.*Cannot find module/);
    const incomplete = await ensureCryptoSupport({
      target,
      loadLiner: async () => ({ crypto: without('AES-GCM') }),
    });
    expect(incomplete.linerError).toBe('webcrypto-liner lacks: AES-GCM');
    expect(target.crypto).toBe(lacking);
  });
});

describe('ensureCryptoSupport with the real webcrypto-liner (devDependency here)', () => {
  it('fills a missing ECDSA P-256 in JS: a signature made through the lined crypto verifies natively', async () => {
    const lacking = without('ECDSA');
    const target = { crypto: lacking };
    const support = await ensureCryptoSupport({
      target,
      loadLiner: async () => {
        const liner = (await import('webcrypto-liner/build/index.es.js' as string)) as {
          crypto: Crypto;
          setCrypto: (native: Crypto) => void;
        };
        // In a browser the liner takes `self.crypto` as its native crypto when imported; node has
        // no `self`, so hand it the lacking one.
        liner.setCrypto(lacking);
        return liner;
      },
    });
    expect(support).toMatchObject({ ok: true, provider: 'webcrypto-liner', nativeMissing: ['ECDSA P-256'] });
    const lined = target.crypto;
    const data = new TextEncoder().encode('dualrec');
    const pair = await lined.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const signature = await lined.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, data);
    const jwk = await lined.subtle.exportKey('jwk', pair.publicKey);
    const nativePublic = await globalThis.crypto.subtle.importKey(
      'jwk',
      jwk,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    expect(
      await globalThis.crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        nativePublic,
        signature,
        data,
      ),
    ).toBe(true);
  });
});
