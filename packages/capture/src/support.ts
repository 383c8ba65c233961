/**
 * `@dualrec/capture/support`: can this browser run a session, and how? Loaded before anything
 * heavy (it imports only the WebCrypto probe), so a lender can show the right screen on the first
 * paint — and never download the face or OCR engines on a phone that cannot use them.
 *
 * Every check probes the real feature (a real IndexedDB open, a real WebCrypto operation, a real
 * `WebAssembly.validate`) because feature lists and user-agent strings lie in in-app WebViews; the
 * user agent is used only to name known problem environments and to give the right advice.
 */
import {
  type CryptoCapability,
  type CryptoLinerModule,
  ensureCryptoSupport,
} from '@dualrec/evidence/crypto-support';

export type SupportMode = 'full' | 'record-only' | 'unsupported';

export type SupportReasonCode =
  | 'INSECURE_CONTEXT'
  | 'NO_GET_USER_MEDIA'
  | 'NO_MEDIA_RECORDER'
  | 'NO_RECORDING_FORMAT'
  | 'NO_WEBCRYPTO'
  | 'NO_INDEXEDDB'
  | 'LOW_STORAGE'
  | 'NO_WASM'
  | 'NO_WASM_SIMD'
  | 'IN_APP_WEBVIEW'
  | 'IOS_WEBVIEW_TOO_OLD';

/** blocker → unsupported; degrade → record-only (no on-device ML); warning → informational. */
export type SupportSeverity = 'blocker' | 'degrade' | 'warning';

export interface SupportReason {
  code: SupportReasonCode;
  severity: SupportSeverity;
  /** What the applicant can do, per locale. */
  advice: { en: string; 'zh-CN': string };
  detail?: string;
}

export interface SupportReport {
  mode: SupportMode;
  reasons: SupportReason[];
  secureContext: boolean;
  getUserMedia: boolean;
  mediaRecorder: boolean;
  /** Recording MIME types this browser accepts, in the recorder's order of preference. */
  mimeTypes: string[];
  wasm: boolean;
  wasmSimd: boolean;
  /** `provider` says whether webcrypto-liner had to fill a gap (`loadCryptoLiner`). */
  webCrypto: { ok: boolean; missing: CryptoCapability[]; provider: 'native' | 'webcrypto-liner' };
  indexedDB: boolean;
  /** navigator.storage.estimate(), bytes; null where the browser does not say. */
  storage: { quota: number; usage: number; available: number } | null;
  environment: {
    inApp: 'wechat' | 'qq' | 'alipay' | 'weibo' | 'dingtalk' | 'other-webview' | null;
    ios: string | null;
    android: string | null;
  };
}

/** The recorder's MIME fallback chain (webm first: smaller; mp4 for Safari / iOS). */
export const RECORDING_MIME_TYPES = [
  'video/webm;codecs=vp9,opus',
  'video/webm;codecs=vp8,opus',
  'video/webm',
  'video/mp4;codecs=avc1,mp4a',
  'video/mp4',
] as const;

export interface SupportOptions {
  /** Injectable environment (tests): defaults to the page's globals. */
  navigator?: Navigator;
  isSecureContext?: boolean;
  indexedDB?: IDBFactory | null;
  mediaRecorder?: { isTypeSupported(type: string): boolean } | null;
  crypto?: Crypto;
  /**
   * Loads webcrypto-liner where the native WebCrypto lacks only what it implements; the lined
   * crypto then replaces `globalThis.crypto` (see `ensureCryptoSupport` in @dualrec/evidence).
   */
  loadCryptoLiner?: () => Promise<CryptoLinerModule>;
  /** Below this many free bytes of storage the report warns (default 200 MB ≈ 20 min of video). */
  warnStorageBytes?: number;
  /** Below this it is a blocker (default 30 MB ≈ 3 min of video at ~1.2 Mbit/s). */
  minStorageBytes?: number;
}

const OPEN_IN_BROWSER = {
  en: 'Open this link in the system browser (Chrome or Safari).',
  'zh-CN': '请在系统浏览器（Chrome 或 Safari）中打开此链接。',
};

const ADVICE: Record<SupportReasonCode, SupportReason['advice']> = {
  INSECURE_CONTEXT: {
    en: 'This page must be opened over HTTPS. Contact the lender.',
    'zh-CN': '此页面必须通过 HTTPS 打开，请联系贷款机构。',
  },
  NO_GET_USER_MEDIA: OPEN_IN_BROWSER,
  NO_MEDIA_RECORDER: {
    en: 'This browser cannot record video. Update it, or open the link in Chrome or Safari.',
    'zh-CN': '当前浏览器无法录制视频。请升级浏览器，或在 Chrome 或 Safari 中打开链接。',
  },
  NO_RECORDING_FORMAT: OPEN_IN_BROWSER,
  NO_WEBCRYPTO: {
    en: 'This browser cannot encrypt the recording. Update it, or open the link in Chrome or Safari.',
    'zh-CN': '当前浏览器无法加密录像。请升级浏览器，或在 Chrome 或 Safari 中打开链接。',
  },
  NO_INDEXEDDB: {
    en: 'This browser cannot store the recording safely. Leave private mode, or open the link in the system browser.',
    'zh-CN': '当前浏览器无法安全保存录像。请退出无痕模式，或在系统浏览器中打开链接。',
  },
  LOW_STORAGE: {
    en: 'The phone is low on storage. Free some space (delete photos or apps) before you start.',
    'zh-CN': '手机存储空间不足。开始前请清理空间（删除照片或应用）。',
  },
  NO_WASM: {
    en: 'Automatic checks are not available in this browser; a guided recording will be reviewed by staff.',
    'zh-CN': '当前浏览器无法进行自动检测，将采用引导录制，由工作人员人工审核。',
  },
  NO_WASM_SIMD: {
    en: 'Automatic checks are not available in this browser; a guided recording will be reviewed by staff.',
    'zh-CN': '当前浏览器无法进行自动检测，将采用引导录制，由工作人员人工审核。',
  },
  IN_APP_WEBVIEW: {
    en: 'If the camera does not start, tap ··· and choose "Open in browser".',
    'zh-CN': '如果摄像头无法启动，请点击右上角 ··· 并选择“在浏览器中打开”。',
  },
  IOS_WEBVIEW_TOO_OLD: {
    en: 'This app cannot use the camera on this iOS version. Open the link in Safari, or update iOS.',
    'zh-CN': '此应用在当前 iOS 版本上无法使用摄像头。请在 Safari 中打开链接，或升级 iOS。',
  },
};

// The smallest module using a SIMD instruction (i8x16.splat + i8x16.popcnt, as wasm-feature-detect).
const SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
];
const WASM_PROBE = [0, 97, 115, 109, 1, 0, 0, 0];

function validates(bytes: number[]): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
}

/** Opens (and deletes) a probe database: private modes expose indexedDB but fail the open. */
function probeIndexedDb(factory: IDBFactory | null | undefined): Promise<boolean> {
  if (!factory) return Promise.resolve(false);
  return new Promise((resolve) => {
    const name = 'dualrec-support-probe';
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name);
    } catch {
      resolve(false);
      return;
    }
    request.onsuccess = () => {
      request.result.close();
      factory.deleteDatabase(name);
      resolve(true);
    };
    request.onerror = () => resolve(false);
    request.onblocked = () => resolve(false);
  });
}

function environmentOf(ua: string): SupportReport['environment'] {
  const inApp = /MicroMessenger/i.test(ua)
    ? 'wechat'
    : /\bQQ\//.test(ua)
      ? 'qq'
      : /AlipayClient/i.test(ua)
        ? 'alipay'
        : /Weibo/i.test(ua)
          ? 'weibo'
          : /DingTalk/i.test(ua)
            ? 'dingtalk'
            : /; wv\)/.test(ua)
              ? 'other-webview'
              : null;
  const ios = /(?:iPhone|iPad|iPod)[^)]*OS (\d+)_(\d+)/.exec(ua);
  const android = /Android (\d+(?:\.\d+)?)/.exec(ua);
  return {
    inApp,
    ios: ios ? `${ios[1]}.${ios[2]}` : null,
    android: android ? (android[1] as string) : null,
  };
}

/** iOS WKWebView (an app's web view, not Safari) has getUserMedia only from iOS 14.3. */
function isOldIosWebView(ua: string, ios: string | null): boolean {
  if (ios === null || /Safari\//.test(ua)) return false;
  const [major, minor] = ios.split('.').map(Number) as [number, number];
  return major < 14 || (major === 14 && minor < 3);
}

export async function checkSupport(options: SupportOptions = {}): Promise<SupportReport> {
  const g = globalThis as typeof globalThis & { MediaRecorder?: typeof MediaRecorder };
  const nav = options.navigator ?? g.navigator;
  const ua = nav?.userAgent ?? '';
  const reasons: SupportReason[] = [];
  const add = (code: SupportReasonCode, severity: SupportSeverity, detail?: string) =>
    reasons.push({ code, severity, advice: ADVICE[code], ...(detail ? { detail } : {}) });

  const environment = environmentOf(ua);
  const secureContext = options.isSecureContext ?? g.isSecureContext === true;
  const getUserMedia = typeof nav?.mediaDevices?.getUserMedia === 'function';
  const recorder = options.mediaRecorder === undefined ? g.MediaRecorder : options.mediaRecorder;
  const mediaRecorder = typeof recorder?.isTypeSupported === 'function';
  const mimeTypes = mediaRecorder
    ? RECORDING_MIME_TYPES.filter((type) => {
        try {
          return recorder?.isTypeSupported(type) === true;
        } catch {
          return false;
        }
      })
    : [];
  const wasm = validates(WASM_PROBE);
  const wasmSimd = wasm && validates(SIMD_PROBE);
  const target = options.crypto ? { crypto: options.crypto } : (g as { crypto?: Crypto });
  const [ensured, indexedDB, estimate] = await Promise.all([
    ensureCryptoSupport({
      target,
      ...(options.loadCryptoLiner ? { loadLiner: options.loadCryptoLiner } : {}),
    }),
    probeIndexedDb(options.indexedDB === undefined ? g.indexedDB : options.indexedDB),
    nav?.storage?.estimate ? nav.storage.estimate().catch(() => null) : Promise.resolve(null),
  ]);
  const webCrypto = { ok: ensured.ok, missing: ensured.missing, provider: ensured.provider };
  const storage =
    estimate && typeof estimate.quota === 'number'
      ? {
          quota: estimate.quota,
          usage: estimate.usage ?? 0,
          available: Math.max(0, estimate.quota - (estimate.usage ?? 0)),
        }
      : null;

  if (!secureContext) add('INSECURE_CONTEXT', 'blocker');
  if (isOldIosWebView(ua, environment.ios)) add('IOS_WEBVIEW_TOO_OLD', 'blocker', `iOS ${environment.ios}`);
  if (!getUserMedia) add('NO_GET_USER_MEDIA', 'blocker');
  if (!mediaRecorder) add('NO_MEDIA_RECORDER', 'blocker');
  else if (mimeTypes.length === 0) add('NO_RECORDING_FORMAT', 'blocker');
  if (!webCrypto.ok) add('NO_WEBCRYPTO', 'blocker', `missing: ${webCrypto.missing.join(', ')}`);
  if (!indexedDB) add('NO_INDEXEDDB', 'blocker');
  if (storage) {
    const min = options.minStorageBytes ?? 30e6;
    const warn = options.warnStorageBytes ?? 200e6;
    if (storage.available < min) add('LOW_STORAGE', 'blocker', `${storage.available} bytes free`);
    else if (storage.available < warn) add('LOW_STORAGE', 'warning', `${storage.available} bytes free`);
  }
  if (!wasm) add('NO_WASM', 'degrade');
  else if (!wasmSimd) add('NO_WASM_SIMD', 'degrade');
  if (environment.inApp) add('IN_APP_WEBVIEW', 'warning', environment.inApp);

  const mode: SupportMode = reasons.some((r) => r.severity === 'blocker')
    ? 'unsupported'
    : reasons.some((r) => r.severity === 'degrade')
      ? 'record-only'
      : 'full';
  return {
    mode,
    reasons,
    secureContext,
    getUserMedia,
    mediaRecorder,
    mimeTypes,
    wasm,
    wasmSimd,
    webCrypto,
    indexedDB,
    storage,
    environment,
  };
}
