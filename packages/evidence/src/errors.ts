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
  BUNDLE_MALFORMED: {
    en: 'The evidence bundle is damaged or is not a dualrec evidence bundle.',
    'zh-CN': '证据包已损坏，或不是 dualrec 证据包。',
  },
  BUNDLE_INVALID: {
    en: 'The evidence bundle failed verification.',
    'zh-CN': '证据包校验未通过。',
  },
  RECORD_DECRYPT_FAILED: {
    en: 'Encrypted data could not be decrypted: it was changed, truncated or reordered, or the key is wrong.',
    'zh-CN': '加密数据无法解密：数据已被修改、截断或重排，或密钥不正确。',
  },
  KEY_INVALID: {
    en: 'A key is missing, malformed or of the wrong type.',
    'zh-CN': '密钥缺失、格式错误或类型不正确。',
  },
  KEY_NOT_RECIPIENT: {
    en: 'This private key is not one of the recipients of the evidence bundle.',
    'zh-CN': '此私钥不是该证据包的接收方。',
  },
  TICKET_INVALID: {
    en: 'The session ticket is invalid, expired or was not issued for this device.',
    'zh-CN': '会话票据无效、已过期，或不是为此设备签发的。',
  },
  EVIDENCE_LOG_INVALID: {
    en: 'The evidence log cannot accept this event.',
    'zh-CN': '证据日志无法记录此事件。',
  },
  FILE_UNREADABLE: {
    en: 'The file could not be read.',
    'zh-CN': '无法读取文件。',
  },
  TOOL_NOT_FOUND: {
    en: 'A required external program is not installed.',
    'zh-CN': '未安装所需的外部程序。',
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
  MODEL_FORMAT_INVALID: {
    en: 'A Kaldi model file is damaged or not in the expected format.',
    'zh-CN': 'Kaldi 模型文件已损坏或格式不正确。',
  },
  MODEL_FORMAT_UNSUPPORTED: {
    en: 'The model uses a component or data type this reader does not support.',
    'zh-CN': '模型使用了本读取器不支持的组件或数据类型。',
  },
  MODEL_LOAD_FAILED: {
    en: 'The on-device model could not be loaded. Check the network and try again.',
    'zh-CN': '设备端模型加载失败，请检查网络后重试。',
  },
  TELEMETRY_GUARD_FAILED: {
    en: 'A third-party library would send usage data off the device and could not be stopped.',
    'zh-CN': '第三方库试图将使用数据发送到设备之外，且无法阻止。',
  },
  OCR_IMAGE_INVALID: {
    en: 'The image could not be read. Take a new photo of the ID card.',
    'zh-CN': '无法读取图片，请重新拍摄身份证。',
  },
  OCR_IMAGE_TOO_SMALL: {
    en: 'The image is too small to read an ID card from.',
    'zh-CN': '图片太小，无法识别身份证。',
  },
  OCR_IMAGE_TOO_LARGE: {
    en: 'The image is too large to process.',
    'zh-CN': '图片过大，无法处理。',
  },
  OCR_READER_CLOSED: {
    en: 'The ID card reader has been closed.',
    'zh-CN': '身份证识别器已关闭。',
  },
  SPEECH_SCRIPT_INVALID: {
    en: 'The disclosure script is malformed.',
    'zh-CN': '告知话术脚本格式错误。',
  },
  SPEECH_TERMS_INVALID: {
    en: 'The loan terms do not fit the disclosure script.',
    'zh-CN': '借款条款与告知话术脚本不匹配。',
  },
  SPEECH_AUDIO_FAILED: {
    en: 'The microphone audio could not be analysed on this device.',
    'zh-CN': '无法在此设备上分析麦克风音频。',
  },
  ASR_FAILED: {
    en: 'The on-device speech recogniser failed.',
    'zh-CN': '设备端语音识别失败。',
  },
  FACE_ANALYZER_CLOSED: {
    en: 'The face analyzer has been closed.',
    'zh-CN': '人脸分析器已关闭。',
  },
  FACE_FRAME_INVALID: {
    en: 'The camera frame could not be analysed (no picture yet, or an unsupported source).',
    'zh-CN': '无法分析摄像头画面（尚无画面，或画面来源不受支持）。',
  },
  FACE_WORKER_FAILED: {
    en: 'Face analysis stopped working on this device.',
    'zh-CN': '人脸分析在此设备上运行失败。',
  },
  FACE_MATCH_NO_FACE: {
    en: 'No face could be found in the photo to compare. Hold the photo steady, face the camera, and remove glasses or a mask.',
    'zh-CN': '照片中未找到可比对的人脸。请保持照片稳定、正对镜头，并摘下眼镜或口罩。',
  },
  FACE_MATCH_IMAGE_INVALID: {
    en: 'The image for face comparison is empty, too small or not an image.',
    'zh-CN': '用于人脸比对的图像为空、过小或不是图像。',
  },
  FACE_MATCH_MISMATCH: {
    en: 'The face in front of the camera does not match the reference photo.',
    'zh-CN': '镜头前的人脸与参照照片不一致。',
  },
  FACE_MATCH_CLOSED: {
    en: 'The face matcher has been closed.',
    'zh-CN': '人脸比对器已关闭。',
  },
  LIVENESS_CONFIG_INVALID: {
    en: 'The liveness check settings are invalid.',
    'zh-CN': '活体检测配置无效。',
  },
  LIVENESS_LOCKED_OUT: {
    en: 'Too many failed liveness attempts. Please wait a few minutes and try again.',
    'zh-CN': '活体检测失败次数过多，请稍等几分钟后再试。',
  },
  // Capture (@dualrec/capture): support check, camera and microphone, recorder, chunk store, recovery.
  CAPTURE_UNSUPPORTED: {
    en: 'This browser cannot record video here. Open the link in the system browser (Chrome or Safari) over HTTPS.',
    'zh-CN': '当前浏览器无法在此录制视频。请在系统浏览器（Chrome 或 Safari）中通过 HTTPS 打开链接。',
  },
  CAMERA_PERMISSION_DENIED: {
    en: 'Camera or microphone access was refused. Allow camera and microphone for this page in the browser or app settings, then try again.',
    'zh-CN': '摄像头或麦克风权限被拒绝。请在浏览器或应用设置中允许此页面使用摄像头和麦克风，然后重试。',
  },
  CAMERA_NOT_FOUND: {
    en: 'No usable camera was found. Connect or enable a camera, or try another device.',
    'zh-CN': '未找到可用的摄像头。请连接或启用摄像头，或换一台设备。',
  },
  MICROPHONE_NOT_FOUND: {
    en: 'No usable microphone was found. Connect or enable a microphone, or try another device.',
    'zh-CN': '未找到可用的麦克风。请连接或启用麦克风，或换一台设备。',
  },
  CAMERA_IN_USE: {
    en: 'The camera or microphone is being used by another app. Close other apps that use the camera (video calls, camera), then try again.',
    'zh-CN': '摄像头或麦克风正被其他应用占用。请关闭正在使用摄像头的应用（视频通话、相机等）后重试。',
  },
  CAMERA_ENDED: {
    en: 'The camera or microphone stopped during recording. Keep this page in front and do not switch apps; the recording so far is kept.',
    'zh-CN': '录制过程中摄像头或麦克风已停止。请保持此页面在前台，不要切换应用；已录制的内容会被保留。',
  },
  RECORDER_UNSUPPORTED: {
    en: 'This browser cannot record in any supported video format. Open the link in the system browser (Chrome or Safari).',
    'zh-CN': '当前浏览器不支持任何可用的视频录制格式。请在系统浏览器（Chrome 或 Safari）中打开链接。',
  },
  RECORDER_FAILED: {
    en: 'Recording stopped unexpectedly. Try again; the recording so far is kept.',
    'zh-CN': '录制意外中断。请重试；已录制的内容会被保留。',
  },
  STORAGE_UNAVAILABLE: {
    en: 'This browser cannot store the recording safely (private mode or storage disabled). Leave private mode or open the link in the system browser.',
    'zh-CN': '当前浏览器无法安全保存录像（无痕模式或存储被禁用）。请退出无痕模式，或在系统浏览器中打开链接。',
  },
  STORAGE_QUOTA_EXCEEDED: {
    en: 'The phone is out of storage space for the recording. Free some space (delete photos or apps), then continue; the recording so far is kept.',
    'zh-CN': '手机存储空间不足，无法继续保存录像。请清理空间（删除照片或应用）后继续；已录制的内容会被保留。',
  },
  CAPTURE_SESSION_NOT_FOUND: {
    en: 'The saved recording session could not be found on this device.',
    'zh-CN': '在此设备上找不到已保存的录制会话。',
  },
  // Session controller (@dualrec/sdk).
  SESSION_TICKET_FAILED: {
    en: 'The session could not be started with the lender. Check the network and try again.',
    'zh-CN': '无法向机构申请本次双录，请检查网络后重试。',
  },
  SESSION_UNSUPPORTED: {
    en: 'This browser cannot do the recording. Open the link in the system browser (Chrome, Safari) and try again.',
    'zh-CN': '当前浏览器无法完成双录，请在系统浏览器（如 Chrome、Safari）中打开链接后重试。',
  },
  SESSION_CONSENT_DECLINED: {
    en: 'You did not consent to face and voice processing; please use one of the other ways to apply.',
    'zh-CN': '您未同意采集人脸与声音信息，请通过其他方式办理。',
  },
  SESSION_STEP_FAILED: {
    en: 'This step was not completed. Please try again.',
    'zh-CN': '本步骤未完成，请重试。',
  },
  // Lender server and upload (@dualrec/server, @dualrec/upload).
  TIMESTAMP_FAILED: {
    en: 'The time-stamping authority did not issue a time-stamp.',
    'zh-CN': '时间戳服务未能签发时间戳。',
  },
  UPLOAD_FAILED: {
    en: 'The recording could not be sent. It is kept on this phone and will be sent when the network is back; keep this page open or come back later.',
    'zh-CN': '录像暂未发送成功，已保存在本机，网络恢复后会继续发送。请保持页面打开或稍后再回来。',
  },
  UPLOAD_REJECTED: {
    en: 'The lender received the recording but could not accept it as evidence. Please contact the lender.',
    'zh-CN': '机构已收到录像，但未能将其作为有效凭证接收，请联系机构。',
  },
  UPLOAD_RECEIPT_MISMATCH: {
    en: 'The lender received different data from what this phone sent. Please try sending again.',
    'zh-CN': '机构收到的数据与本机发送的不一致，请重新发送。',
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
