/**
 * Numbers as they are read aloud, in zh-CN and en.
 *
 * Hand-written rather than taken from a library: the best-kept candidate on npm (to-words 5.7.0)
 * renders zh-CN 18 as "十 八", 10000 as "万" and 10500 as "万 五 百" (spaces, no leading 一, no
 * 零 for the gap), and reads en 17.99 as "Seventeen Point Ninety Nine", while a rate is read
 * "seventeen point nine nine". The disclosure text is what the applicant reads aloud and what
 * recognisers are scored against, so it must be the natural spoken form, exactly.
 *
 * All inputs are decimal strings (or safe integers) so money never passes through binary floats.
 */
import { DualrecError } from '@dualrec/evidence';

export type SpeechLanguage = 'zh-CN' | 'en';

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Parses a non-negative decimal given as a string or a finite number into digit strings. */
export function parseDecimal(value: string | number): { integer: string; fraction: string } {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new DualrecError('SPEECH_TERMS_INVALID', {
      detail: `"${String(value)}" is not a non-negative decimal number.`,
      context: { value },
    });
  }
  const integer = (match[1] as string).replace(/^0+(?=\d)/, '');
  if (integer.length > 16) {
    throw new DualrecError('SPEECH_TERMS_INVALID', {
      detail: `"${String(value)}" is too large to read aloud.`,
      context: { value },
    });
  }
  return { integer, fraction: match[2] ?? '' };
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value) || value < 0) return String(value);
  if (Number.isInteger(value)) {
    if (!Number.isSafeInteger(value)) return 'unsafe';
    return value.toString();
  }
  // Shortest round-trip form; exponent forms (1e-7) are rejected by the caller's pattern.
  return value.toString();
}

// ---------------------------------------------------------------- zh-CN

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;
const ZH_SMALL_UNITS = ['', '十', '百', '千'] as const;
const ZH_BIG_UNITS = ['', '万', '亿', '万亿'] as const;

/** Reads one group of up to four digits (0–9999); `leadingZero` means a higher group came before. */
function zhGroup(n: number, leadingZero: boolean): string {
  const digits = [Math.floor(n / 1000), Math.floor(n / 100) % 10, Math.floor(n / 10) % 10, n % 10];
  let out = '';
  let pendingZero = leadingZero;
  for (let i = 0; i < 4; i++) {
    const d = digits[i] as number;
    if (d === 0) {
      if (out !== '') pendingZero = true;
      continue;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    out += (ZH_DIGITS[d] as string) + ZH_SMALL_UNITS[3 - i];
  }
  return out;
}

/**
 * A whole number in Chinese as it is said: 10 → 十, 15 → 十五, 110 → 一百一十, 10500 → 一万零五百,
 * 200000 → 二十万. (二 rather than 两 before 千/万: both are heard, and 二 is what every ASR
 * normalises to; the CER normaliser maps 两 → 二 so a reader saying 两万 is not penalised.)
 */
export function zhInteger(integer: string): string {
  const digits = integer.replace(/^0+(?=\d)/, '');
  if (digits === '0') return '零';
  const groups: number[] = [];
  for (let end = digits.length; end > 0; end -= 4) {
    groups.unshift(Number(digits.slice(Math.max(0, end - 4), end)));
  }
  let out = '';
  let zeroGap = false;
  groups.forEach((group, index) => {
    const unit = ZH_BIG_UNITS[groups.length - 1 - index] as string;
    if (group === 0) {
      if (out !== '') zeroGap = true;
      return;
    }
    const needsZero = out !== '' && (zeroGap || group < 1000);
    out += zhGroup(group, needsZero) + unit;
    zeroGap = false;
  });
  // 一十X at the very start is said 十X.
  return out.startsWith('一十') ? out.slice(1) : out;
}

/** A decimal in Chinese: 17.99 → 十七点九九, 0.5 → 零点五. */
export function zhDecimal(value: string | number): string {
  const { integer, fraction } = parseDecimal(value);
  const whole = zhInteger(integer);
  if (!fraction) return whole;
  return `${whole}点${[...fraction].map((d) => ZH_DIGITS[Number(d)]).join('')}`;
}

/** 18 → 百分之十八, 17.99 → 百分之十七点九九. */
export function zhPercent(value: string | number): string {
  return `百分之${zhDecimal(value)}`;
}

/**
 * Yuan amounts as a loan officer reads them: 10000 → 一万元, 10500.50 → 一万零五百元五角,
 * 3.05 → 三元零五分. Fractions beyond fen are refused rather than rounded.
 */
export function zhMoney(value: string | number): string {
  const { integer, fraction } = moneyParts(value);
  const jiao = Number(fraction[0] ?? '0');
  const fen = Number(fraction[1] ?? '0');
  let out = `${zhInteger(integer)}元`;
  if (jiao === 0 && fen === 0) return out;
  if (jiao > 0) out += `${ZH_DIGITS[jiao]}角`;
  if (fen > 0) out += `${jiao === 0 ? '零' : ''}${ZH_DIGITS[fen]}分`;
  return out;
}

function moneyParts(value: string | number): { integer: string; fraction: string } {
  const parts = parseDecimal(value);
  if (parts.fraction.length > 2 && /[1-9]/.test(parts.fraction.slice(2))) {
    throw new DualrecError('SPEECH_TERMS_INVALID', {
      detail: `Money amount "${String(value)}" has more than two decimal places.`,
      context: { value },
    });
  }
  return { integer: parts.integer, fraction: parts.fraction.slice(0, 2) };
}

/** 2026-12-15 → 二〇二六年十二月十五日 (years digit by digit, as they are said). */
export function zhDate(iso: string): string {
  const { year, month, day } = parseDate(iso);
  const yearWords = [...year].map((d) => (d === '0' ? '〇' : ZH_DIGITS[Number(d)])).join('');
  return `${yearWords}年${zhInteger(String(month))}月${zhInteger(String(day))}日`;
}

// ---------------------------------------------------------------- en

const EN_ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
] as const;
const EN_TENS = [
  '',
  '',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'seventy',
  'eighty',
  'ninety',
] as const;
const EN_SCALES = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion'] as const;

function enBelowThousand(n: number): string {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(EN_ONES[hundreds] as string, 'hundred');
  if (rest > 0) {
    if (rest < 20) words.push(EN_ONES[rest] as string);
    else {
      const tens = EN_TENS[Math.floor(rest / 10)] as string;
      words.push(rest % 10 ? `${tens}-${EN_ONES[rest % 10]}` : tens);
    }
  }
  return words.join(' ');
}

/** 10500 → "ten thousand five hundred" (American style: no "and"). */
export function enInteger(integer: string): string {
  const digits = integer.replace(/^0+(?=\d)/, '');
  if (digits === '0') return 'zero';
  const groups: number[] = [];
  for (let end = digits.length; end > 0; end -= 3) {
    groups.unshift(Number(digits.slice(Math.max(0, end - 3), end)));
  }
  const words: string[] = [];
  groups.forEach((group, index) => {
    if (group === 0) return;
    const scale = EN_SCALES[groups.length - 1 - index] as string;
    words.push(enBelowThousand(group) + (scale ? ` ${scale}` : ''));
  });
  return words.join(' ');
}

/** 17.99 → "seventeen point nine nine". */
export function enDecimal(value: string | number): string {
  const { integer, fraction } = parseDecimal(value);
  const whole = enInteger(integer);
  if (!fraction) return whole;
  return `${whole} point ${[...fraction].map((d) => EN_ONES[Number(d)]).join(' ')}`;
}

export function enPercent(value: string | number): string {
  return `${enDecimal(value)} percent`;
}

/** 10500.5 → "ten thousand five hundred yuan and fifty fen"; 1 → "one yuan". */
export function enMoney(value: string | number): string {
  const { integer, fraction } = moneyParts(value);
  const fen = Number(`${fraction}00`.slice(0, 2));
  const yuan = `${enInteger(integer)} yuan`;
  return fen ? `${yuan} and ${enInteger(String(fen))} fen` : yuan;
}

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const EN_ORDINAL_IRREGULAR: Record<string, string> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

/** 21 → "twenty-first". */
export function enOrdinal(n: number): string {
  const words = enInteger(String(n));
  const match = /([a-z]+)$/.exec(words);
  const last = match?.[1] ?? words;
  const head = words.slice(0, words.length - last.length);
  const ordinal =
    EN_ORDINAL_IRREGULAR[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return head + ordinal;
}

/** Years as they are said: 2026 → "twenty twenty-six", 2005 → "two thousand five", 1999 → "nineteen ninety-nine". */
export function enYear(year: number): string {
  if (year >= 2000 && year < 2010) return enInteger(String(year));
  const hi = Math.floor(year / 100);
  const lo = year % 100;
  if (lo === 0) return `${enInteger(String(hi))} hundred`;
  return `${enInteger(String(hi))} ${lo < 10 ? `oh ${enInteger(String(lo))}` : enInteger(String(lo))}`;
}

/** 2026-12-15 → "December fifteenth, twenty twenty-six". */
export function enDate(iso: string): string {
  const { year, month, day } = parseDate(iso);
  return `${EN_MONTHS[month - 1]} ${enOrdinal(day)}, ${enYear(Number(year))}`;
}

// ---------------------------------------------------------------- shared

function parseDate(iso: string): { year: string; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const year = match?.[1];
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  const valid =
    year !== undefined &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= new Date(Date.UTC(Number(year), month, 0)).getUTCDate();
  if (!valid) {
    throw new DualrecError('SPEECH_TERMS_INVALID', {
      detail: `"${iso}" is not a calendar date in YYYY-MM-DD form.`,
      context: { value: iso },
    });
  }
  return { year, month, day };
}

/** A decimal read in the given language (used for digits found inside text, e.g. by the CER normaliser). */
export function decimalToWords(value: string, language: SpeechLanguage): string {
  return language === 'zh-CN' ? zhDecimal(value) : enDecimal(value);
}
