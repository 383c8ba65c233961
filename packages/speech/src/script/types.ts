/**
 * The disclosure script format, version 1 (docs/disclosure-scripts.md; JSON Schema in
 * schema/disclosure-script.schema.json). A lender writes one script per product and language;
 * the SDK fills it with one applicant's loan terms and walks it segment by segment.
 */
import type { SpeechLanguage } from '../text/numbers.js';

export const SCRIPT_FORMAT = 'dualrec.disclosure-script';
export const SCRIPT_FORMAT_VERSION = 1;

/** Key terms a consumer-loan disclosure must present (checked by `validateScript` by default). */
export const KEY_TERM_TOPICS = [
  'amount',
  'apr',
  'total-cost',
  'schedule',
  'fees',
  'cooling-off',
  'risk',
] as const;
export type KeyTermTopic = (typeof KEY_TERM_TOPICS)[number];
export const TOPICS = [...KEY_TERM_TOPICS, 'identity', 'consent', 'other'] as const;
export type Topic = (typeof TOPICS)[number];

export type VariableType = 'money' | 'percent' | 'integer' | 'date' | 'text';
export const VARIABLE_TYPES: readonly VariableType[] = ['money', 'percent', 'integer', 'date', 'text'];
/** Units an integer variable is read with (十二个月 / twelve months). */
export const INTEGER_UNITS = ['none', 'month', 'day', 'year', 'installment', 'time'] as const;
export type IntegerUnit = (typeof INTEGER_UNITS)[number];

export interface VariableDeclaration {
  type: VariableType;
  /** For `integer`: the unit it is read with. Default `none`. */
  unit?: IntegerUnit;
  /** For `money`: ISO 4217 code. Only CNY is read aloud in version 1. */
  currency?: 'CNY';
  description?: string;
}

interface SegmentBase {
  /** Unique within the script; it names the segment in the evidence log. */
  id: string;
  /** Text with `{variable}` (read as words) or `{variable:digits}` (shown as digits) placeholders. */
  text: string;
  /** Overrides the script's language for this segment. */
  language?: SpeechLanguage;
  /** Which key term this segment presents (for the coverage check and the auditor's report). */
  topic?: Topic;
  /** The segment lasts at least this long (prompts stay on screen; answers are not cut short). */
  minDurationMs?: number;
  /** Listening stops after this long. */
  maxDurationMs?: number;
  /** A pre-recorded audio file for this prompt, used where speech synthesis has no voice. Only for texts without variables. */
  audioUrl?: string;
}

export interface PromptSegment extends SegmentBase {
  kind: 'prompt';
}

export interface ReadAloudSegment extends SegmentBase {
  kind: 'read-aloud';
  /** What the system says before the applicant reads (e.g. "请朗读屏幕上的文字"). Default per language. */
  instruction?: string;
  /** Attempts before the segment fails (default 3). */
  maxAttempts?: number;
  /** With a recogniser: the largest CER that passes (default 0.35). */
  maxCer?: number;
}

export interface QuestionSegment extends SegmentBase {
  kind: 'question';
  /** Phrases that mean yes (e.g. "同意", "是的"). */
  accept: string[];
  /** Phrases that mean no (e.g. "不同意"). A rejection ends the flow with outcome `rejected`. */
  reject: string[];
  /** Offer on-screen buttons when the answer cannot be machine-checked (default true). */
  tapFallback?: boolean;
  /** Attempts before falling back to the buttons, or failing (default 3). */
  maxAttempts?: number;
}

export type ScriptSegment = PromptSegment | ReadAloudSegment | QuestionSegment;
export type SegmentKind = ScriptSegment['kind'];

export interface DisclosureScript {
  $schema?: string;
  format: typeof SCRIPT_FORMAT;
  formatVersion: typeof SCRIPT_FORMAT_VERSION;
  /** Stable identifier of the script (the ticket names it). */
  id: string;
  /** The lender's version of this script; a changed text needs a new version. */
  version: string;
  language: SpeechLanguage;
  title: string;
  variables: Record<string, VariableDeclaration>;
  /**
   * What happens when a read-aloud segment fails all its attempts: `end-flow` (default) ends the
   * session as `failed`; `continue-flagged` records it as flagged for human review and goes on.
   */
  onSegmentFailure?: 'end-flow' | 'continue-flagged';
  segments: ScriptSegment[];
}

/** Loan terms keyed by variable name: decimal strings or numbers, ISO dates, plain text. */
export type LoanTerms = Record<string, string | number>;
