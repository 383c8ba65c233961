/**
 * What to tell the applicant now, in zh-CN or en, from the liveness state: the most important
 * quality problem first (a second person, no face, too dark…), then the current challenge, then
 * what the step is waiting for. The SDK's UI shows this text (and may speak it); it switches on
 * `key` for icons and analytics, never on the text.
 */
import { CHALLENGE_PROMPTS, type ChallengeKind } from './challenges.js';
import type { FailureReason, LivenessState } from './machine.js';
import { FEEDBACK_MESSAGES, type FeedbackCode } from './quality.js';

export type PromptLanguage = 'zh-CN' | 'en';

export type PromptKey =
  | `feedback:${FeedbackCode}`
  | `challenge:${ChallengeKind}`
  | `failed:${FailureReason}`
  | 'hold-still'
  | 'look-naturally'
  | 'passed'
  | 'locked-out'
  | 'idle';

export interface LivenessPrompt {
  key: PromptKey;
  text: string;
}

type Texts = { en: string; 'zh-CN': string };

const STEP_TEXT: Record<'hold-still' | 'look-naturally' | 'passed' | 'locked-out' | 'idle', Texts> = {
  idle: { en: 'Get ready to check your face.', 'zh-CN': '准备进行人脸检测。' },
  'hold-still': { en: 'Hold still and look at the camera.', 'zh-CN': '请保持不动，正视摄像头。' },
  'look-naturally': {
    en: 'Look at the camera naturally for a few seconds.',
    'zh-CN': '请自然地看着摄像头几秒钟。',
  },
  passed: { en: 'Face check complete.', 'zh-CN': '人脸检测完成。' },
  'locked-out': {
    en: 'Too many failed attempts. Please wait a few minutes and try again.',
    'zh-CN': '失败次数过多，请稍等几分钟后再试。',
  },
};

export const FAILURE_MESSAGES: Record<FailureReason, Texts> = {
  'positioning-timeout': {
    en: 'We could not see your face clearly. Please try again.',
    'zh-CN': '未能清楚地看到您的面部，请重试。',
  },
  'challenge-timeout': {
    en: 'The action was not detected in time. Please try again.',
    'zh-CN': '未能及时检测到指定动作，请重试。',
  },
  'face-lost': {
    en: 'Your face left the picture. Please try again.',
    'zh-CN': '您的面部离开了画面，请重试。',
  },
  'multiple-faces': {
    en: 'Another person was in view. Only the applicant may be in view.',
    'zh-CN': '画面中出现了其他人，只能有申请人本人。',
  },
  'passive-failed': {
    en: 'We could not confirm a live person. Please try again in good light.',
    'zh-CN': '未能确认为真人，请在光线充足处重试。',
  },
  cancelled: { en: 'The face check was cancelled.', 'zh-CN': '人脸检测已取消。' },
};

/** Feedback that outranks the challenge prompt: the challenge cannot be judged until it is fixed. */
const BLOCKING: readonly FeedbackCode[] = [
  'no-face',
  'multiple-faces',
  'too-dark',
  'too-bright',
  'face-occluded',
];

export function livenessPrompt(state: LivenessState, language: PromptLanguage = 'zh-CN'): LivenessPrompt {
  const feedback = 'feedback' in state ? state.feedback : [];
  const first = feedback[0];
  const fromFeedback = (code: FeedbackCode): LivenessPrompt => ({
    key: `feedback:${code}`,
    text: FEEDBACK_MESSAGES[code][language],
  });
  switch (state.name) {
    case 'idle':
      return { key: 'idle', text: STEP_TEXT.idle[language] };
    case 'positioning':
    case 'baseline':
      return first ? fromFeedback(first) : { key: 'hold-still', text: STEP_TEXT['hold-still'][language] };
    case 'challenge': {
      const blocking = feedback.find((c) => BLOCKING.includes(c));
      if (blocking) return fromFeedback(blocking);
      return { key: `challenge:${state.kind}`, text: CHALLENGE_PROMPTS[state.kind][language] };
    }
    case 'observing':
    case 'passive-wait': {
      const blocking = feedback.find((c) => BLOCKING.includes(c));
      if (blocking) return fromFeedback(blocking);
      return { key: 'look-naturally', text: STEP_TEXT['look-naturally'][language] };
    }
    case 'passed':
      return { key: 'passed', text: STEP_TEXT.passed[language] };
    case 'failed':
      return { key: `failed:${state.reason}`, text: FAILURE_MESSAGES[state.reason][language] };
    case 'locked-out':
      return { key: 'locked-out', text: STEP_TEXT['locked-out'][language] };
  }
}
