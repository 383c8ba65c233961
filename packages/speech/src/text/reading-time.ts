/**
 * How long reading a text aloud should take, to judge a read-aloud's duration and to keep a
 * prompt on screen long enough when there is no voice to speak it.
 *
 * Rates: Mandarin read aloud runs at about 4–5 syllables (characters) a second; careful reading of
 * an unfamiliar legal text is slower, so 4/s is the expectation. English read aloud is about
 * 150 words a minute (2.5/s). Elder mode expects 1.5× as long.
 */

import { normalizeText } from './normalize.js';
import type { SpeechLanguage } from './numbers.js';

export const READING_RATE = { 'zh-CN': 4, en: 2.5 } as const;

/** Units read: Han characters plus Latin words for zh-CN; words for en. */
export function readingUnits(text: string, language: SpeechLanguage): number {
  const normalized = normalizeText(text, language);
  if (language === 'zh-CN') {
    const han = normalized.match(/\p{Script=Han}/gu)?.length ?? 0;
    const words = normalized
      .replace(/\p{Script=Han}/gu, ' ')
      .split(/\s+/)
      .filter(Boolean).length;
    return han + words;
  }
  return normalized.split(/\s+/).filter(Boolean).length;
}

export function expectedReadingMs(
  text: string,
  language: SpeechLanguage,
  options: { elderMode?: boolean } = {},
): number {
  const seconds = readingUnits(text, language) / READING_RATE[language];
  return Math.round(seconds * 1000 * (options.elderMode ? 1.5 : 1));
}
