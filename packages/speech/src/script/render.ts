/**
 * Fills a script with one applicant's loan terms. The result is exactly what is shown and said;
 * its canonical JSON (RFC 8785) and SHA-256 go into the evidence log, so an auditor can prove
 * which words the applicant saw.
 */
import { canonicalize, DualrecError, sha256Hex } from '@dualrec/evidence';
import {
  enDate,
  enInteger,
  enMoney,
  enPercent,
  parseDecimal,
  type SpeechLanguage,
  zhDate,
  zhInteger,
  zhMoney,
  zhPercent,
} from '../text/numbers.js';
import { expectedReadingMs } from '../text/reading-time.js';
import type {
  DisclosureScript,
  IntegerUnit,
  LoanTerms,
  ScriptSegment,
  SegmentKind,
  Topic,
  VariableDeclaration,
} from './types.js';
import { placeholders, validateScript } from './validate.js';

export interface RenderedSegment {
  id: string;
  kind: SegmentKind;
  language: SpeechLanguage;
  topic: Topic | null;
  /** The text with every placeholder filled. */
  text: string;
  /** For read-aloud: what the system says first. For others: null. */
  instruction: string | null;
  minDurationMs: number;
  maxDurationMs: number;
  maxAttempts: number;
  /** Expected time to read `text` aloud at a normal pace (elder mode expects 1.5×). */
  expectedReadingMs: number;
  audioUrl: string | null;
  accept: string[] | null;
  reject: string[] | null;
  tapFallback: boolean | null;
  maxCer: number | null;
}

export interface RenderedScript {
  scriptId: string;
  scriptVersion: string;
  formatVersion: 1;
  language: SpeechLanguage;
  title: string;
  onSegmentFailure: 'end-flow' | 'continue-flagged';
  segments: RenderedSegment[];
}

export interface RenderOptions {
  /** Per-segment pre-recorded prompt audio made for this applicant (e.g. by server-side TTS). */
  promptAudio?: Record<string, string>;
}

/** Defaults that make a segment usable without every field spelled out. */
export const SEGMENT_DEFAULTS = {
  prompt: { minDurationMs: 0, maxDurationMs: 60_000 },
  'read-aloud': { minDurationMs: 1_000, maxDurationMs: 60_000, maxAttempts: 3, maxCer: 0.35 },
  question: { minDurationMs: 0, maxDurationMs: 10_000, maxAttempts: 3 },
} as const;

const DEFAULT_INSTRUCTION: Record<SpeechLanguage, string> = {
  'zh-CN': '请面对镜头，大声朗读屏幕上的文字。',
  en: 'Please face the camera and read the text on the screen aloud.',
};

const ZH_UNITS: Record<IntegerUnit, string> = {
  none: '',
  month: '个月',
  day: '天',
  year: '年',
  installment: '期',
  time: '次',
};
const EN_UNITS: Record<IntegerUnit, [string, string]> = {
  none: ['', ''],
  month: ['month', 'months'],
  day: ['day', 'days'],
  year: ['year', 'years'],
  installment: ['installment', 'installments'],
  time: ['time', 'times'],
};

function termError(name: string, detail: string, value?: unknown): DualrecError {
  return new DualrecError('SPEECH_TERMS_INVALID', {
    detail: `${name}: ${detail}`,
    context: { variable: name, value },
  });
}

/** Formats one term for the text: `words` as it is read aloud, `digits` as it is printed. */
export function formatTerm(
  name: string,
  declaration: VariableDeclaration,
  value: string | number | undefined,
  language: SpeechLanguage,
  format: 'words' | 'digits',
): string {
  if (value === undefined || value === null) throw termError(name, 'no value was given for this variable');
  try {
    switch (declaration.type) {
      case 'text': {
        if (typeof value !== 'string' || value.trim() === '')
          throw termError(name, 'must be a non-empty string', value);
        if (/[{}]/.test(value)) throw termError(name, 'must not contain braces', value);
        return value.trim();
      }
      case 'money': {
        const { integer, fraction } = parseDecimal(value);
        if (format === 'digits') {
          const cents = `${fraction}00`.slice(0, 2);
          return `¥${integer.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`;
        }
        return language === 'zh-CN' ? zhMoney(value) : enMoney(value);
      }
      case 'percent': {
        parseDecimal(value);
        if (format === 'digits') return `${String(value).trim()}%`;
        return language === 'zh-CN' ? zhPercent(value) : enPercent(value);
      }
      case 'integer': {
        const { integer, fraction } = parseDecimal(value);
        if (fraction && /[1-9]/.test(fraction)) throw termError(name, 'must be a whole number', value);
        const unit = declaration.unit ?? 'none';
        if (format === 'digits') {
          if (language === 'zh-CN') return `${integer}${ZH_UNITS[unit]}`;
          return unit === 'none' ? integer : `${integer} ${EN_UNITS[unit][integer === '1' ? 0 : 1]}`;
        }
        if (language === 'zh-CN') return `${zhInteger(integer)}${ZH_UNITS[unit]}`;
        const words = enInteger(integer);
        return unit === 'none' ? words : `${words} ${EN_UNITS[unit][integer === '1' ? 0 : 1]}`;
      }
      case 'date': {
        if (typeof value !== 'string') throw termError(name, 'must be a YYYY-MM-DD string', value);
        const words = language === 'zh-CN' ? zhDate(value) : enDate(value);
        return format === 'digits' ? value : words;
      }
    }
  } catch (error) {
    if (error instanceof DualrecError && error.context.variable === undefined)
      throw termError(name, error.detail ?? error.message, value);
    throw error;
  }
}

function fill(text: string, script: DisclosureScript, terms: LoanTerms, language: SpeechLanguage): string {
  let out = text;
  for (const placeholder of placeholders(text)) {
    const declaration = script.variables[placeholder.name] as VariableDeclaration;
    const value = Object.hasOwn(terms, placeholder.name) ? terms[placeholder.name] : undefined;
    out = out.replace(
      placeholder.raw,
      formatTerm(placeholder.name, declaration, value, language, placeholder.format),
    );
  }
  return out.replaceAll('{{', '{').replaceAll('}}', '}');
}

/**
 * Validates `script`, checks `terms` against its declared variables (every variable a value, no
 * value without a variable: a typo must not pass silently), and returns the rendered script.
 */
export function renderScript(script: unknown, terms: LoanTerms, options: RenderOptions = {}): RenderedScript {
  const valid = validateScript(script);
  for (const name of Object.keys(terms)) {
    if (!Object.hasOwn(valid.variables, name))
      throw termError(name, 'is not a variable of this script', terms[name]);
  }
  for (const name of Object.keys(valid.variables)) {
    if (!Object.hasOwn(terms, name)) throw termError(name, 'no value was given for this variable');
  }
  const segments = valid.segments.map((segment: ScriptSegment): RenderedSegment => {
    const language = segment.language ?? valid.language;
    const defaults = SEGMENT_DEFAULTS[segment.kind];
    const text = fill(segment.text, valid, terms, language);
    const minDurationMs = segment.minDurationMs ?? defaults.minDurationMs;
    return {
      id: segment.id,
      kind: segment.kind,
      language,
      topic: segment.topic ?? null,
      text,
      instruction:
        segment.kind === 'read-aloud' ? (segment.instruction ?? DEFAULT_INSTRUCTION[language]) : null,
      minDurationMs,
      maxDurationMs: Math.max(minDurationMs, segment.maxDurationMs ?? defaults.maxDurationMs),
      maxAttempts:
        segment.kind === 'prompt' ? 1 : (segment.maxAttempts ?? SEGMENT_DEFAULTS[segment.kind].maxAttempts),
      expectedReadingMs: expectedReadingMs(text, language),
      audioUrl: options.promptAudio?.[segment.id] ?? segment.audioUrl ?? null,
      accept: segment.kind === 'question' ? [...segment.accept] : null,
      reject: segment.kind === 'question' ? [...segment.reject] : null,
      tapFallback: segment.kind === 'question' ? (segment.tapFallback ?? true) : null,
      maxCer:
        segment.kind === 'read-aloud' ? (segment.maxCer ?? SEGMENT_DEFAULTS['read-aloud'].maxCer) : null,
    };
  });
  return {
    scriptId: valid.id,
    scriptVersion: valid.version,
    formatVersion: 1,
    language: valid.language,
    title: valid.title,
    onSegmentFailure: valid.onSegmentFailure ?? 'end-flow',
    segments,
  };
}

/** The canonical JSON of a rendered script and its SHA-256, as recorded in the evidence log. */
export async function fingerprintScript(
  rendered: RenderedScript,
): Promise<{ canonical: string; sha256: string }> {
  // The same RFC 8785 implementation and WebCrypto digest the evidence log uses.
  const canonical = canonicalize(rendered);
  return { canonical, sha256: await sha256Hex(canonical) };
}
