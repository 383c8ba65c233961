/**
 * The one error type every dualrec package throws.
 *
 * Callers switch on `code`, never on the message text: messages are for people and come in
 * zh-CN and en. The list of codes is the documented contract (docs/errors.md mirrors it); a
 * package that needs a new failure adds its code here so the whole SDK shares one vocabulary.
 */

/** Every error code, with the message shown to a person in each supported locale. */
export const ERROR_MESSAGES = {
  BAD_USAGE: {
    en: 'The call was made with invalid arguments.',
    'zh-CN': '调用参数无效。',
  },
  ASSET_NOT_FOUND: {
    en: 'A required model or runtime file could not be found in any configured source.',
    'zh-CN': '在所有配置的来源中都找不到所需的模型或运行时文件。',
  },
  ASSET_HASH_MISMATCH: {
    en: 'A model or runtime file does not match its pinned SHA-256 hash.',
    'zh-CN': '模型或运行时文件与固定的 SHA-256 哈希不符。',
  },
  ASSET_FETCH_FAILED: {
    en: 'A model or runtime file could not be downloaded.',
    'zh-CN': '无法下载模型或运行时文件。',
  },
  ASSET_FORMAT_INVALID: {
    en: 'A model file is not in the expected format.',
    'zh-CN': '模型文件格式不正确。',
  },
  MODEL_LOAD_FAILED: {
    en: 'The on-device model could not be loaded. Check the network and try again.',
    'zh-CN': '设备端模型加载失败，请检查网络后重试。',
  },
  TELEMETRY_GUARD_FAILED: {
    en: 'A third-party library would send usage data off the device and could not be stopped.',
    'zh-CN': '第三方库试图将使用数据发送到设备之外，且无法阻止。',
  },
  ABORTED: {
    en: 'The operation was cancelled.',
    'zh-CN': '操作已取消。',
  },
} as const satisfies Record<string, { en: string; 'zh-CN': string }>;

export type DualrecErrorCode = keyof typeof ERROR_MESSAGES;
export type Locale = 'en' | 'zh-CN';

export interface DualrecErrorOptions {
  /** What went wrong in detail, for logs and developers (English, may name files and values). */
  detail?: string;
  /** The underlying error, if any. */
  cause?: unknown;
  /** Machine-readable context: file names, expected and actual values, HTTP status… */
  context?: Record<string, unknown>;
}

export class DualrecError extends Error {
  override readonly name = 'DualrecError';
  readonly code: DualrecErrorCode;
  readonly detail: string | undefined;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: DualrecErrorCode, options: DualrecErrorOptions = {}) {
    const base = ERROR_MESSAGES[code].en;
    super(options.detail ? `${base} ${options.detail}` : base, { cause: options.cause });
    this.code = code;
    this.detail = options.detail;
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }

  /** The message to show a person, in their language (the detail is for developers, not shown). */
  localizedMessage(locale: Locale): string {
    return ERROR_MESSAGES[this.code][locale];
  }
}

/** Narrowing helper that also works across realms (workers, duplicated bundles). */
export function isDualrecError(value: unknown, code?: DualrecErrorCode): value is DualrecError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  if (candidate.name !== 'DualrecError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}
