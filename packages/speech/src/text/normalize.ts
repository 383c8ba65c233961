/**
 * Text normalisation before comparing what was said with what was shown: the same words must
 * compare equal whatever the width (ＡＢＣ/ABC, １８/18), punctuation, case, spacing, or whether a
 * number was written in digits or words (18% / 百分之十八 / eighteen percent).
 */
import { decimalToWords, type SpeechLanguage } from './numbers.js';

// Unicode punctuation and symbols: everything that is not a letter, mark or number.
const NON_WORD = /[^\p{L}\p{M}\p{N}\s]/gu;
const HAN = /\p{Script=Han}/u;

/** Digits (with an optional decimal part and percent sign) become words in the text's language. */
function numbersToWords(text: string, language: SpeechLanguage): string {
  return text.replace(/(\d+(?:\.\d+)?)\s*(%|percent\b)?/g, (_match, num: string, percent?: string) => {
    const words = decimalToWords(num, language);
    if (!percent) return ` ${words} `;
    return language === 'zh-CN' ? `百分之${words}` : ` ${words} percent `;
  });
}

/**
 * Spoken variants that mean the same thing in Chinese: 两 is read where 二 is written (两万 = 二万),
 * 〇 and 零 are the same zero, and 幺 is how 一 is read in digit strings.
 */
const ZH_EQUIVALENTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/两/g, '二'],
  [/〇/g, '零'],
  [/幺/g, '一'],
];

export interface NormalizeOptions {
  /** Turn digits into words (default true). */
  numbers?: boolean;
}

/**
 * The comparable form of a text: NFKC (full-width → half-width), lower case, numbers as words,
 * punctuation removed, whitespace collapsed. For zh-CN all spaces go (Chinese has no word spaces, and
 * recognisers put them in arbitrarily); for en single spaces stay between words.
 */
export function normalizeText(
  text: string,
  language: SpeechLanguage,
  options: NormalizeOptions = {},
): string {
  let out = text.normalize('NFKC').toLowerCase();
  // A comma inside a number is a thousands separator (10,000), not punctuation between words.
  out = out.replace(/(\d),(?=\d{3}\b)/g, '$1');
  // ¥/￥ before an amount is read as 元 / yuan after it.
  out = out.replace(/[¥￥]\s*(\d+(?:\.\d+)?)/g, language === 'zh-CN' ? '$1元' : '$1 yuan');
  if (options.numbers !== false) out = numbersToWords(out, language);
  out = out.replace(NON_WORD, ' ');
  if (language === 'zh-CN') {
    for (const [pattern, replacement] of ZH_EQUIVALENTS) out = out.replace(pattern, replacement);
    // Keep spaces only between two Latin/digit tokens (e.g. "app id"), drop them next to Han.
    out = out
      .split(/\s+/)
      .filter(Boolean)
      .reduce((acc, token) => {
        if (!acc) return token;
        const last = acc.at(-1) as string;
        return HAN.test(last) || HAN.test(token[0] as string) ? acc + token : `${acc} ${token}`;
      }, '');
    return out;
  }
  // en: hyphens between words are spaces ("twenty-six" = "twenty six").
  return out.split(/\s+/).filter(Boolean).join(' ');
}

/** The units a CER counts: characters for Chinese (spaces ignored), characters for English too. */
export function comparisonUnits(normalized: string, language: SpeechLanguage): string[] {
  // Array.from splits by code point, so characters outside the BMP count once.
  if (language === 'zh-CN') return Array.from(normalized.replace(/\s+/g, ''));
  return Array.from(normalized);
}
