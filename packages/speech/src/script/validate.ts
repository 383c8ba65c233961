/**
 * Checks a disclosure script (usually parsed JSON from the lender) and returns it typed, or throws
 * `SPEECH_SCRIPT_INVALID` listing every problem with a JSON path.
 *
 * Hand-written rather than a compiled JSON Schema validator at run time: Ajv compiles schemas with
 * `new Function`, which a lender's strict Content-Security-Policy (no 'unsafe-eval') forbids in
 * the H5 page. The published JSON Schema (schema/disclosure-script.schema.json) stays the
 * documented contract for editors and lender back ends; a unit test runs both on the same good
 * and bad scripts so they cannot drift apart. The checks a schema cannot express (unique ids,
 * declared variables, min ≤ max, key-term coverage) are done here only.
 */
import { DualrecError } from '@dualrec/evidence';
import {
  type DisclosureScript,
  INTEGER_UNITS,
  KEY_TERM_TOPICS,
  type KeyTermTopic,
  SCRIPT_FORMAT,
  SCRIPT_FORMAT_VERSION,
  TOPICS,
  VARIABLE_TYPES,
} from './types.js';

export interface ScriptProblem {
  /** JSON path of the offending value, e.g. `$.segments[2].maxDurationMs`. */
  path: string;
  message: string;
}

export interface ValidateScriptOptions {
  /** Key terms the script must present (default: all of KEY_TERM_TOPICS). Pass [] to skip. */
  requiredTopics?: readonly KeyTermTopic[];
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const MAX_TEXT = 2000;
const MAX_DURATION = 10 * 60_000;
const LANGUAGES = ['zh-CN', 'en'];
const SEGMENT_KEYS: Record<string, readonly string[]> = {
  prompt: [],
  'read-aloud': ['instruction', 'maxAttempts', 'maxCer'],
  question: ['accept', 'reject', 'tapFallback', 'maxAttempts'],
};
const COMMON_SEGMENT_KEYS = [
  'id',
  'kind',
  'text',
  'language',
  'topic',
  'minDurationMs',
  'maxDurationMs',
  'audioUrl',
];
const SCRIPT_KEYS = [
  '$schema',
  'format',
  'formatVersion',
  'id',
  'version',
  'language',
  'title',
  'variables',
  'onSegmentFailure',
  'segments',
];

/** Placeholders in a text: `{name}` or `{name:digits}`; `{{` and `}}` are literal braces. */
export function placeholders(text: string): Array<{ name: string; format: 'words' | 'digits'; raw: string }> {
  const found: Array<{ name: string; format: 'words' | 'digits'; raw: string }> = [];
  const stripped = text.replaceAll('{{', '').replaceAll('}}', '');
  for (const match of stripped.matchAll(/\{([^{}]*)\}/g)) {
    const [name, format = 'words'] = (match[1] as string).split(':');
    found.push({ name: name ?? '', format: format as 'words' | 'digits', raw: match[0] });
  }
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validateScript(input: unknown, options: ValidateScriptOptions = {}): DisclosureScript {
  const problems: ScriptProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });

  const nonEmptyString = (value: unknown, path: string, max = MAX_TEXT) => {
    if (typeof value !== 'string' || value.trim() === '') problem(path, 'must be a non-empty string');
    else if (value.length > max) problem(path, `must be at most ${max} characters`);
  };
  const unknownKeys = (value: Record<string, unknown>, allowed: readonly string[], path: string) => {
    for (const key of Object.keys(value))
      if (!allowed.includes(key)) problem(`${path}.${key}`, 'is not a known property');
  };
  const duration = (value: unknown, path: string) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DURATION)
      problem(path, `must be an integer number of milliseconds from 0 to ${MAX_DURATION}`);
  };

  if (!isRecord(input)) {
    throw new DualrecError('SPEECH_SCRIPT_INVALID', {
      detail: 'The script must be a JSON object.',
      context: { problems: [{ path: '$', message: 'must be an object' }] },
    });
  }
  unknownKeys(input, SCRIPT_KEYS, '$');
  if (input.format !== SCRIPT_FORMAT) problem('$.format', `must be "${SCRIPT_FORMAT}"`);
  if (input.formatVersion !== SCRIPT_FORMAT_VERSION)
    problem(
      '$.formatVersion',
      `must be ${SCRIPT_FORMAT_VERSION} (this SDK reads version ${SCRIPT_FORMAT_VERSION} only)`,
    );
  if (typeof input.id !== 'string' || !ID.test(input.id))
    problem('$.id', 'must be 1–64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');
  nonEmptyString(input.version, '$.version', 64);
  if (!LANGUAGES.includes(input.language as string)) problem('$.language', 'must be "zh-CN" or "en"');
  nonEmptyString(input.title, '$.title', 200);
  if (
    input.onSegmentFailure !== undefined &&
    !['end-flow', 'continue-flagged'].includes(input.onSegmentFailure as string)
  )
    problem('$.onSegmentFailure', 'must be "end-flow" or "continue-flagged"');

  const declared = new Set<string>();
  if (!isRecord(input.variables)) problem('$.variables', 'must be an object (use {} when there are none)');
  else {
    for (const [name, declaration] of Object.entries(input.variables)) {
      const path = `$.variables.${name}`;
      if (!VARIABLE_NAME.test(name))
        problem(path, 'name must be a letter followed by letters, digits or "_" (at most 40)');
      if (!isRecord(declaration)) {
        problem(path, 'must be an object');
        continue;
      }
      declared.add(name);
      unknownKeys(declaration, ['type', 'unit', 'currency', 'description'], path);
      if (!VARIABLE_TYPES.includes(declaration.type as never))
        problem(`${path}.type`, `must be one of ${VARIABLE_TYPES.join(', ')}`);
      if (declaration.unit !== undefined) {
        if (declaration.type !== 'integer') problem(`${path}.unit`, 'is only allowed for integer variables');
        else if (!INTEGER_UNITS.includes(declaration.unit as never))
          problem(`${path}.unit`, `must be one of ${INTEGER_UNITS.join(', ')}`);
      }
      if (declaration.currency !== undefined) {
        if (declaration.type !== 'money') problem(`${path}.currency`, 'is only allowed for money variables');
        else if (declaration.currency !== 'CNY')
          problem(`${path}.currency`, 'must be "CNY" (the only currency read aloud)');
      }
      if (declaration.description !== undefined)
        nonEmptyString(declaration.description, `${path}.description`, 500);
    }
  }

  const topics = new Set<string>();
  if (!Array.isArray(input.segments) || input.segments.length === 0)
    problem('$.segments', 'must be a non-empty array');
  else if (input.segments.length > 200) problem('$.segments', 'must have at most 200 segments');
  else {
    const ids = new Map<string, number>();
    input.segments.forEach((segment: unknown, index: number) => {
      const path = `$.segments[${index}]`;
      if (!isRecord(segment)) {
        problem(path, 'must be an object');
        return;
      }
      const kind = segment.kind as string;
      if (!(kind in SEGMENT_KEYS)) {
        problem(`${path}.kind`, 'must be "prompt", "read-aloud" or "question"');
        return;
      }
      unknownKeys(segment, [...COMMON_SEGMENT_KEYS, ...(SEGMENT_KEYS[kind] as string[])], path);
      if (typeof segment.id !== 'string' || !ID.test(segment.id))
        problem(`${path}.id`, 'must be a valid id (a-z, 0-9, ".", "_", "-")');
      else if (ids.has(segment.id))
        problem(`${path}.id`, `duplicates the id of segments[${ids.get(segment.id)}]`);
      else ids.set(segment.id, index);
      nonEmptyString(segment.text, `${path}.text`);
      if (typeof segment.text === 'string') {
        for (const placeholder of placeholders(segment.text)) {
          if (!declared.has(placeholder.name))
            problem(
              `${path}.text`,
              `uses ${placeholder.raw}, but "${placeholder.name}" is not declared in $.variables`,
            );
          if (!['words', 'digits'].includes(placeholder.format))
            problem(
              `${path}.text`,
              `${placeholder.raw}: the format after ":" must be "digits" (or nothing for words)`,
            );
        }
        if (
          /[{}]/.test(
            segment.text
              .replaceAll('{{', '')
              .replaceAll('}}', '')
              .replace(/\{[^{}]*\}/g, ''),
          )
        )
          problem(`${path}.text`, 'has an unmatched "{" or "}" (write "{{" or "}}" for a literal brace)');
        if (segment.audioUrl !== undefined && placeholders(segment.text).length > 0)
          problem(
            `${path}.audioUrl`,
            "is only allowed for texts without variables (a recording cannot say this applicant's terms)",
          );
      }
      if (segment.language !== undefined && !LANGUAGES.includes(segment.language as string))
        problem(`${path}.language`, 'must be "zh-CN" or "en"');
      if (segment.topic !== undefined) {
        if (!TOPICS.includes(segment.topic as never))
          problem(`${path}.topic`, `must be one of ${TOPICS.join(', ')}`);
        else topics.add(segment.topic as string);
      }
      duration(segment.minDurationMs, `${path}.minDurationMs`);
      duration(segment.maxDurationMs, `${path}.maxDurationMs`);
      if (
        typeof segment.minDurationMs === 'number' &&
        typeof segment.maxDurationMs === 'number' &&
        segment.minDurationMs > segment.maxDurationMs
      )
        problem(`${path}.minDurationMs`, 'must not exceed maxDurationMs');
      if (segment.audioUrl !== undefined) {
        if (typeof segment.audioUrl !== 'string' || !/^(\/|\.\/|https:\/\/)[^\s]*$/.test(segment.audioUrl))
          problem(`${path}.audioUrl`, "must be an https: URL or a path on the page's own origin");
      }
      if (segment.maxAttempts !== undefined) {
        const n = segment.maxAttempts;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10)
          problem(`${path}.maxAttempts`, 'must be an integer from 1 to 10');
      }
      if (kind === 'read-aloud') {
        if (segment.instruction !== undefined)
          nonEmptyString(segment.instruction, `${path}.instruction`, 500);
        if (
          segment.maxCer !== undefined &&
          (typeof segment.maxCer !== 'number' || segment.maxCer < 0 || segment.maxCer > 1)
        )
          problem(`${path}.maxCer`, 'must be a number from 0 to 1');
      }
      if (kind === 'question') {
        for (const key of ['accept', 'reject'] as const) {
          const list = segment[key];
          if (!Array.isArray(list) || list.length === 0)
            problem(`${path}.${key}`, 'must be a non-empty array of phrases');
          else for (const [i, phrase] of list.entries()) nonEmptyString(phrase, `${path}.${key}[${i}]`, 100);
        }
        if (Array.isArray(segment.accept) && Array.isArray(segment.reject)) {
          const accept = new Set(segment.accept.map((p) => String(p).trim().toLowerCase()));
          for (const phrase of segment.reject)
            if (accept.has(String(phrase).trim().toLowerCase()))
              problem(`${path}.reject`, `"${phrase}" is in both accept and reject`);
        }
        if (segment.tapFallback !== undefined && typeof segment.tapFallback !== 'boolean')
          problem(`${path}.tapFallback`, 'must be true or false');
      }
    });
    if (!input.segments.some((s: unknown) => isRecord(s) && s.kind === 'read-aloud'))
      problem(
        '$.segments',
        'must contain at least one read-aloud segment (the applicant reads the disclosure)',
      );
    if (!input.segments.some((s: unknown) => isRecord(s) && s.kind === 'question'))
      problem('$.segments', 'must contain at least one question segment (the applicant confirms)');
  }
  for (const topic of options.requiredTopics ?? KEY_TERM_TOPICS) {
    if (Array.isArray(input.segments) && !topics.has(topic))
      problem(
        '$.segments',
        `no segment presents the key term "${topic}" (set "topic": "${topic}" on the segment that does)`,
      );
  }

  if (problems.length > 0) {
    throw new DualrecError('SPEECH_SCRIPT_INVALID', {
      detail: problems.map((p) => `${p.path} ${p.message}`).join('; '),
      context: { problems },
    });
  }
  return input as unknown as DisclosureScript;
}
