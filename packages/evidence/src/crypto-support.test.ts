import { describe, expect, it } from 'vitest';
import { checkCryptoSupport } from './crypto-support.js';

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
