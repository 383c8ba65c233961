/**
 * Every word the applicant sees, in zh-CN and en, with simpler wording for elder mode where the
 * standard sentence is long. Error messages come from @dualrec/evidence's ERROR_MESSAGES by code.
 * A unit test checks both locales have every key and every placeholder.
 */
export type UiLocale = 'zh-CN' | 'en';

import type { CardProblem } from './views.js';

const zh = {
  'app.title': '视频双录',
  'app.progress': '第 {current} 步，共 {total} 步',
  'step.support': '检查设备',
  'step.consent': '授权同意',
  'step.id-front': '拍摄身份证人像面',
  'step.id-back': '拍摄身份证国徽面',
  'step.liveness': '活体检测',
  'step.recording': '录音录像',
  'step.seal': '加密封存',
  'step.upload': '上传',
  'support.checking': '正在检查您的设备能否完成双录…',
  'support.recordOnly': '您的设备无法在本机完成人脸检测，将仅录像，由工作人员稍后人工审核。',
  'consent.title': '个人信息处理授权（人脸与声音）',
  'consent.body':
    '为核实您本人的身份并留存您已知悉借款风险与费用的证明，{lender}将在本次申请中采集并处理您的人脸图像、视频和声音，以及您的身份证照片与信息。这些信息属于敏感个人信息。',
  'consent.purpose': '用途：身份核验、风险告知确认、监管要求的录音录像留存。',
  'consent.onDevice': '人脸与语音检测在您的手机上完成；录像在上传前即已加密，只有{lender}能够解密。',
  'consent.retention': '保存期限：{retention}，期满后删除。',
  'consent.alternative': '如您不同意，可选择到网点办理或联系客服人工办理，不影响您申请借款。',
  'consent.accept': '我已阅读并同意',
  'consent.decline': '不同意，选择其他方式',
  'consent.declined': '您未同意采集人脸与声音信息。您可以通过以下方式继续办理：',
  'id.instruction': '请将身份证{side}放在光线充足处，对准框内拍摄，避免反光和遮挡。',
  'id.side.front': '人像面',
  'id.side.back': '国徽面',
  'id.take': '拍摄 / 选择照片',
  'id.reading': '正在识别证件…',
  'id.loading': '正在加载证件识别模型…',
  'id.check': '请核对识别结果',
  'id.confirm': '信息正确，下一步',
  'id.retake': '重新拍摄',
  'id.field.name': '姓名',
  'id.field.idNumber': '身份证号',
  'id.field.sex': '性别',
  'id.field.birth': '出生',
  'id.field.address': '住址',
  'id.field.issuer': '签发机关',
  'id.field.validity': '有效期限',
  'id.notFound': '没有找到证件，请将证件完整放入画面后重拍。',
  'id.wrongSide': '这是证件的另一面，请拍摄{side}。',
  'id.tooSmall': '证件在照片中太小，请靠近一些，让证件占满框内后重拍。',
  'id.blurry': '照片模糊，请拿稳手机、对准焦点后重拍。',
  'id.glare': '证件有反光，请稍微倾斜证件避开光源后重拍。',
  'id.tooDark': '光线太暗，请到明亮处重拍。',
  'id.glareOver': '有的内容被反光遮住，没能识别（标记的项）。请避开光源重拍，或核对后继续。',
  'liveness.loading': '正在加载人脸检测模型…',
  'liveness.instruction': '请正对屏幕，将面部放入圆框内，按提示完成动作。',
  'liveness.passed': '活体检测通过',
  'liveness.failed': '活体检测未通过',
  'face-match.checking': '正在比对您的人脸与身份证照片…',
  'face-match.matched': '人脸与身份证照片一致',
  'face-match.mismatch': '人脸与身份证照片不一致。请摘下眼镜或口罩，正对镜头，再试一次。',
  'face-match.no-reference-face': '身份证照片中未找到人脸。请重新拍摄身份证正面，拿稳，避免反光。',
  'recording.instruction': '录像已开始，请保持面部在画面内。',
  'recording.rec': '录制中',
  'recording.readAloud': '请大声朗读：',
  'recording.listen': '请听：',
  'recording.answer': '请按问题作答（说出答案），或点击下方按钮：',
  'recording.done': '我读完了',
  'recording.yes': '是，我确认',
  'recording.no': '否',
  'recording.again': '没有听清，请再说一遍。',
  'seal.working': '正在加密并签名证据…',
  'upload.working': '正在上传…',
  'upload.offline': '网络已断开，恢复后将自动继续上传，已上传部分不会重传。',
  'complete.title': '双录完成',
  'complete.body': '您的录像已加密上传，感谢配合。',
  'complete.bodyLocal': '您的录像已在本机加密封存，感谢配合。',
  'complete.receipt': '回执编号',
  'complete.fingerprint': '封存指纹',
  'action.start': '开始',
  'action.retry': '重试',
  'action.cancel': '退出',
  'action.pause': '暂停',
  'action.resume': '继续',
  'paused.title': '已暂停',
  'cancelled.title': '已退出',
  'error.title': '出现问题',
  'loading.percent': '{label} {percent}%',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.title': 'Video verification',
  'app.progress': 'Step {current} of {total}',
  'step.support': 'Device check',
  'step.consent': 'Consent',
  'step.id-front': 'ID card: photo side',
  'step.id-back': 'ID card: emblem side',
  'step.liveness': 'Liveness check',
  'step.recording': 'Recording',
  'step.seal': 'Sealing',
  'step.upload': 'Upload',
  'support.checking': 'Checking that your device can do the recording…',
  'support.recordOnly':
    'Your device cannot run the face checks itself. We will record only, and a staff member will review it later.',
  'consent.title': 'Consent to process your face and voice',
  'consent.body':
    'To confirm it is really you and to keep proof that you were told the risks and costs of this loan, {lender} will collect and process images and video of your face, your voice, and your ID card photo and details. These are sensitive personal information.',
  'consent.purpose':
    'Purpose: identity check, confirmation of the risk disclosure, recording kept as regulators require.',
  'consent.onDevice':
    'Face and speech checks run on your phone; the recording is encrypted before it leaves it and only {lender} can decrypt it.',
  'consent.retention': 'Kept for: {retention}, then deleted.',
  'consent.alternative':
    'If you do not agree, you can apply at a branch or through customer service instead; your application is not affected.',
  'consent.accept': 'I have read this and agree',
  'consent.decline': 'I do not agree — other options',
  'consent.declined': 'You did not agree to face and voice processing. You can continue another way:',
  'id.instruction':
    'Place the {side} of your ID card in good light inside the frame. Avoid glare and covering it.',
  'id.side.front': 'photo side',
  'id.side.back': 'emblem side',
  'id.take': 'Take / choose a photo',
  'id.reading': 'Reading the card…',
  'id.loading': 'Loading the card reader…',
  'id.check': 'Please check what we read',
  'id.confirm': 'This is correct — next',
  'id.retake': 'Take again',
  'id.field.name': 'Name',
  'id.field.idNumber': 'ID number',
  'id.field.sex': 'Sex',
  'id.field.birth': 'Born',
  'id.field.address': 'Address',
  'id.field.issuer': 'Issued by',
  'id.field.validity': 'Valid',
  'id.notFound': 'No card found. Put the whole card in the picture and take it again.',
  'id.wrongSide': 'This is the other side of the card: take the {side}.',
  'id.tooSmall': 'The card is too small in the photo: move closer so it fills the frame, and take it again.',
  'id.blurry': 'The photo is blurry: hold the phone still, let it focus, and take it again.',
  'id.glare': 'There is glare on the card: tilt it away from the light and take it again.',
  'id.tooDark': 'It is too dark: move to a brighter place and take it again.',
  'id.glareOver':
    'Glare hid some of the card (the marked items). Take it again away from the light, or check them and go on.',
  'liveness.loading': 'Loading face detection…',
  'liveness.instruction': 'Face the screen, keep your face inside the oval and follow the prompts.',
  'liveness.passed': 'Liveness check passed',
  'liveness.failed': 'Liveness check not passed',
  'face-match.checking': 'Comparing your face with the ID card photo…',
  'face-match.matched': 'Your face matches the ID card photo',
  'face-match.mismatch':
    'Your face does not match the ID card photo. Remove glasses or a mask, face the camera and try again.',
  'face-match.no-reference-face':
    'No face was found in the ID card photo. Photograph the front again, holding the card steady, without glare.',
  'recording.instruction': 'Recording has started. Keep your face in the picture.',
  'recording.rec': 'Recording',
  'recording.readAloud': 'Please read aloud:',
  'recording.listen': 'Please listen:',
  'recording.answer': 'Answer the question aloud, or tap a button below:',
  'recording.done': 'I have finished reading',
  'recording.yes': 'Yes, I confirm',
  'recording.no': 'No',
  'recording.again': 'We did not catch that. Please say it again.',
  'seal.working': 'Encrypting and signing the evidence…',
  'upload.working': 'Uploading…',
  'upload.offline': 'You are offline. Upload continues by itself when you are back; nothing is sent twice.',
  'complete.title': 'All done',
  'complete.body': 'Your recording was encrypted and uploaded. Thank you.',
  'complete.bodyLocal': 'Your recording was encrypted and sealed on this device. Thank you.',
  'complete.receipt': 'Receipt',
  'complete.fingerprint': 'Seal fingerprint',
  'action.start': 'Start',
  'action.retry': 'Try again',
  'action.cancel': 'Quit',
  'action.pause': 'Pause',
  'action.resume': 'Continue',
  'paused.title': 'Paused',
  'cancelled.title': 'Stopped',
  'error.title': 'Something went wrong',
  'loading.percent': '{label} {percent}%',
};

/** Elder mode: shorter sentences, one instruction at a time. Keys not listed use the standard text. */
const elder: Record<UiLocale, Partial<Record<MessageKey, string>>> = {
  'zh-CN': {
    'consent.body':
      '{lender}要拍您的脸、录您的声音，还要拍您的身份证。这是为了确认是您本人在借款，并且您听清楚了借款的风险和费用。',
    'consent.onDevice': '录像会加密，只有{lender}能打开。',
    'id.instruction': '请拍身份证的{side}。放平，光线亮一点。',
    'liveness.instruction': '请看着屏幕，把脸放进圆圈里。',
    'face-match.mismatch': '和身份证上的照片对不上。请摘下眼镜和口罩，看着屏幕，再试一次。',
    'face-match.no-reference-face': '身份证上的照片没拍清楚。请把身份证拿稳，再拍一次。',
    'recording.instruction': '正在录像。请一直看着屏幕。',
    'recording.answer': '请说出您的回答，也可以点下面的按钮：',
  },
  en: {
    'consent.body':
      '{lender} will film your face, record your voice and photograph your ID card. This shows it is really you and that you heard the loan’s risks and costs.',
    'consent.onDevice': 'The recording is locked so only {lender} can open it.',
    'id.instruction': 'Take a photo of the {side} of your ID card. Hold it flat, in good light.',
    'liveness.instruction': 'Look at the screen. Put your face in the circle.',
    'face-match.mismatch':
      'This does not look like the photo on your ID card. Take off glasses and mask. Look at the screen and try again.',
    'face-match.no-reference-face':
      'The photo on your ID card is not clear. Hold the card still and take it again.',
    'recording.instruction': 'We are recording. Please keep looking at the screen.',
    'recording.answer': 'Say your answer, or tap a button below:',
  },
};

export const MESSAGES: Record<UiLocale, Record<MessageKey, string>> = { 'zh-CN': zh, en };

export function isUiLocale(value: unknown): value is UiLocale {
  return value === 'zh-CN' || value === 'en';
}

/** Looks a message up and fills `{name}` placeholders; unknown placeholders are left visible. */
export function translate(
  locale: UiLocale,
  key: MessageKey,
  values: Record<string, string | number> = {},
  options: { elderMode?: boolean } = {},
): string {
  const text = (options.elderMode ? elder[locale][key] : undefined) ?? MESSAGES[locale][key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** For the unit test: the elder variants, to check their placeholders match the standard text. */
export const ELDER_MESSAGES = elder;

/** The prompt for each reason a photo was not accepted. */
export const CARD_PROBLEM_MESSAGES: Record<CardProblem, MessageKey> = {
  'no-card': 'id.notFound',
  'wrong-side': 'id.wrongSide',
  'too-small': 'id.tooSmall',
  blurry: 'id.blurry',
  glare: 'id.glare',
  'too-dark': 'id.tooDark',
};
