/** What the runner says when it asks again, by the reason the last attempt failed. */
import type { RenderedSegment } from '../script/render.js';
import type { SpeechLanguage } from '../text/numbers.js';
import type { AttemptReason } from './judge.js';

const READ: Record<SpeechLanguage, Partial<Record<AttemptReason, string>> & { default: string }> = {
  'zh-CN': {
    'no-speech': '没有听到您的声音，请对着手机大声朗读屏幕上的文字。',
    'too-short': '朗读不完整，请完整朗读屏幕上的全部文字。',
    'speech-fragmented': '请连贯地朗读屏幕上的文字。',
    'mouth-not-visible': '请保持面部完整出现在画面中，再朗读一遍。',
    'mouth-not-moving': '请由您本人面对镜头朗读。',
    'lip-sync-mismatch': '请由您本人面对镜头朗读。',
    'text-mismatch': '朗读内容与屏幕文字不一致，请逐字朗读。',
    default: '请再朗读一遍屏幕上的文字。',
  },
  en: {
    'no-speech': 'We could not hear you. Please read the text on the screen aloud, towards the phone.',
    'too-short': 'Please read all of the text on the screen.',
    'speech-fragmented': 'Please read the text in one go.',
    'mouth-not-visible': 'Please keep your whole face in the frame and read it again.',
    'mouth-not-moving': 'Please read it yourself, facing the camera.',
    'lip-sync-mismatch': 'Please read it yourself, facing the camera.',
    'text-mismatch': 'That did not match the text. Please read it word for word.',
    default: 'Please read the text on the screen again.',
  },
};

const ANSWER: Record<
  SpeechLanguage,
  { noSpeech: string; unclear: (a: string, r: string) => string; default: string }
> = {
  'zh-CN': {
    noSpeech: '没有听到您的回答，请大声回答。',
    unclear: (a, r) => `没有听清您的回答，请回答“${a}”或“${r}”。`,
    default: '请再回答一次。',
  },
  en: {
    noSpeech: 'We did not hear an answer. Please answer aloud.',
    unclear: (a, r) => `Sorry, we did not catch that. Please answer "${a}" or "${r}".`,
    default: 'Please answer again.',
  },
};

export function repromptText(segment: RenderedSegment, reason: AttemptReason | undefined): string {
  if (segment.kind === 'question') {
    const m = ANSWER[segment.language];
    if (reason === 'no-speech') return m.noSpeech;
    if (reason === 'answer-unclear') return m.unclear(segment.accept?.[0] ?? '', segment.reject?.[0] ?? '');
    return m.default;
  }
  const m = READ[segment.language];
  return (reason && m[reason]) ?? m.default;
}
