/**
 * checkSupport's decisions with an injected environment (node has no camera): each blocker gives
 * `unsupported` with its own code and advice in both languages; known WebViews are named; the
 * WebCrypto and WebAssembly probes are real.
 */
import { describe, expect, it } from 'vitest';
import { checkSupport, type SupportOptions } from './support.js';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';
const WECHAT =
  'Mozilla/5.0 (Linux; Android 12; V2055A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5015 MMWEBSDK/20230405 MicroMessenger/8.0.35.2360(0x28002339) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';
const IOS_APP_OLD =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 13_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

function env(overrides: Partial<SupportOptions> & { ua?: string; free?: number } = {}): SupportOptions {
  const free = overrides.free ?? 1e9;
  const navigator = {
    userAgent: overrides.ua ?? ANDROID_CHROME,
    mediaDevices: { getUserMedia: async () => ({}) },
    storage: { estimate: async () => ({ quota: free + 1000, usage: 1000 }) },
  } as unknown as Navigator;
  const fakeIdb = {
    open() {
      const request: Record<string, unknown> = { result: { close() {} } };
      queueMicrotask(() => (request.onsuccess as () => void)());
      return request;
    },
    deleteDatabase() {},
  } as unknown as IDBFactory;
  return {
    navigator,
    isSecureContext: true,
    indexedDB: fakeIdb,
    mediaRecorder: { isTypeSupported: (t: string) => t.startsWith('video/webm') },
    ...overrides,
  };
}

describe('checkSupport', () => {
  it('full on a capable phone browser, with the supported formats in preference order', async () => {
    const report = await checkSupport(env());
    expect(report.mode).toBe('full');
    expect(report.reasons).toEqual([]);
    expect(report.mimeTypes).toEqual([
      'video/webm;codecs=vp9,opus',
      'video/webm;codecs=vp8,opus',
      'video/webm',
    ]);
    expect(report.wasmSimd).toBe(true);
    expect(report.webCrypto.ok).toBe(true);
    expect(report.environment.android).toBe('10');
  });

  it.each([
    ['INSECURE_CONTEXT', { isSecureContext: false }],
    ['NO_MEDIA_RECORDER', { mediaRecorder: null }],
    ['NO_RECORDING_FORMAT', { mediaRecorder: { isTypeSupported: () => false } }],
    ['NO_INDEXEDDB', { indexedDB: null }],
    ['LOW_STORAGE', { free: 10e6 }],
    ['IOS_WEBVIEW_TOO_OLD', { ua: IOS_APP_OLD }],
  ] as const)('%s → unsupported with advice in en and zh-CN', async (code, overrides) => {
    const report = await checkSupport(env(overrides as Partial<SupportOptions>));
    expect(report.mode).toBe('unsupported');
    const reason = report.reasons.find((r) => r.code === code);
    expect(reason?.severity).toBe('blocker');
    expect(reason?.advice.en.length).toBeGreaterThan(10);
    expect(reason?.advice['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
  });

  it('no getUserMedia (old WebView) → unsupported, advice to open the system browser', async () => {
    const options = env();
    (options.navigator as unknown as { mediaDevices: unknown }).mediaDevices = undefined;
    const report = await checkSupport(options);
    expect(report.mode).toBe('unsupported');
    expect(report.reasons[0]?.code).toBe('NO_GET_USER_MEDIA');
    expect(report.reasons[0]?.advice['zh-CN']).toContain('系统浏览器');
  });

  it('WeChat is named, with a warning only; little storage is a warning before it is a blocker', async () => {
    const report = await checkSupport(env({ ua: WECHAT, free: 100e6 }));
    expect(report.mode).toBe('full');
    expect(report.environment.inApp).toBe('wechat');
    expect(report.reasons.map((r) => [r.code, r.severity])).toEqual([
      ['LOW_STORAGE', 'warning'],
      ['IN_APP_WEBVIEW', 'warning'],
    ]);
  });

  it('no WebCrypto → unsupported (a bundle could not be sealed)', async () => {
    const report = await checkSupport(env({ crypto: {} as Crypto }));
    expect(report.mode).toBe('unsupported');
    expect(report.reasons.map((r) => r.code)).toContain('NO_WEBCRYPTO');
  });
});
