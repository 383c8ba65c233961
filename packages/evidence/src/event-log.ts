/**
 * The append-only, hash-chained event log (events.jsonl).
 *
 * Each line is the RFC 8785 canonical JSON of one event followed by "\n". `prev` is the lowercase
 * hex SHA-256 of the previous line's bytes (without its "\n"); the first event's `prev` is the
 * SHA-256 of "dualrec-events/1:" + session id, which ties the chain to its session. Deleting,
 * inserting or reordering lines breaks the chain; the manifest records the last line's hash and the
 * count, so cutting the tail is caught too.
 *
 * Personal data (OCR fields, transcripts) goes in `sealed`: the base64url of an RFC 8188 body (the
 * bundle content key, its own salt) whose plaintext is the canonical JSON of an object.
 */
import { concatBytes, decodeUtf8Strict, fromBase64UrlStrict, toBase64Url, utf8 } from './bytes.js';
import { canonicalize, type JsonValue, parseCanonical } from './canonical-json.js';
import { sha256Hex } from './digest.js';
import { DualrecError } from './errors.js';
import type { VerifyReason } from './reasons.js';
import { openRecords, sealBytes } from './records.js';

export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
/** A chain must start with this event and end with SESSION_END (see docs/bundle-format.md §5). */
export const SESSION_START = 'session.start';
export const SESSION_END = 'session.end';
/** One event's payload for each script segment the applicant read or confirmed. */
export const SPEECH_SEGMENT = 'speech.segment';
export const MAX_EVENT_LINE_BYTES = 256 * 1024;

export interface EvidenceEvent {
  seq: number;
  /** Milliseconds since the session started, from a monotonic clock (integer, never decreasing). */
  t: number;
  /** Wall-clock time as RFC 3339 UTC with milliseconds (the device's claim; not trusted alone). */
  wall: string;
  type: string;
  payload: { [key: string]: JsonValue };
  /** base64url RFC 8188 body holding personal fields; absent when the event has none. */
  sealed?: string;
  prev: string;
}

export interface EventClock {
  /** Monotonic milliseconds (e.g. performance.now()). */
  monotonic(): number;
  /** Wall-clock milliseconds since the epoch (e.g. Date.now()). */
  wall(): number;
}

export const systemClock: EventClock = {
  monotonic: () => globalThis.performance.now(),
  wall: () => Date.now(),
};

export async function genesisHash(sessionId: string): Promise<string> {
  return sha256Hex(`dualrec-events/1:${sessionId}`);
}

export interface EvidenceLogOptions {
  sessionId: string;
  /** Needed only to append events with sealed (personal) fields. */
  contentKey?: Uint8Array;
  clock?: EventClock;
  /**
   * Persistence hook, awaited for each event before it joins the log: if it throws (storage full),
   * the append fails and the log stays as it was, so memory and storage never disagree.
   */
  onLine?: (line: string, event: EvidenceEvent) => void | Promise<void>;
}

export interface RestoreLogOptions extends EvidenceLogOptions {
  /**
   * Milliseconds of `t` to add after the last restored event. Default: the wall time elapsed since
   * that event (never negative), since the monotonic clock restarted with the page.
   */
  gapMs?: number;
}

/** Builds events.jsonl in memory (events are small; media never goes through here). */
export class EvidenceLog {
  readonly sessionId: string;
  private readonly clock: EventClock;
  private readonly contentKey: Uint8Array | undefined;
  private startMonotonic: number;
  private readonly onLine: EvidenceLogOptions['onLine'];
  private readonly lines: string[] = [];
  private readonly appended: EvidenceEvent[] = [];
  private head: string | null = null;
  private lastT = 0;
  private ended = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: EvidenceLogOptions) {
    if (typeof options.sessionId !== 'string' || options.sessionId === '') {
      throw new DualrecError('BAD_USAGE', { detail: 'sessionId must be a non-empty string' });
    }
    this.sessionId = options.sessionId;
    this.clock = options.clock ?? systemClock;
    this.contentKey = options.contentKey;
    this.startMonotonic = this.clock.monotonic();
    this.onLine = options.onLine;
  }

  /**
   * Rebuilds a log from lines persisted earlier (after a reload), re-checking the whole chain, and
   * continues it: the next event gets the next `seq`, chains to the last line, and its `t` goes on
   * from the last event's `t` plus the gap (see RestoreLogOptions.gapMs). `onLine` is not called
   * for the restored lines.
   */
  static async restore(lines: readonly string[], options: RestoreLogOptions): Promise<EvidenceLog> {
    const log = new EvidenceLog(options);
    if (lines.length === 0) return log;
    const bytes = utf8(lines.map((line) => `${line}\n`).join(''));
    const check = await checkEventLog(bytes, options.sessionId);
    // An unfinished log legitimately lacks session.end; anything else is damage.
    const problems = check.reasons.filter(
      (r) => !(r.code === 'EVENTS_INCOMPLETE' && r.detail === `no ${SESSION_END} event`),
    );
    if (problems.length > 0 || check.events.length !== lines.length) {
      throw new DualrecError('EVIDENCE_LOG_INVALID', {
        detail: `cannot restore: ${problems.map((r) => r.detail).join('; ') || 'unreadable lines'}`,
        context: { reasons: problems },
      });
    }
    const last = check.events[check.events.length - 1];
    if (last) {
      const elapsed = log.clock.wall() - Date.parse(last.wall);
      const gap = options.gapMs ?? Math.max(0, Number.isFinite(elapsed) ? elapsed : 0);
      if (!(gap >= 0)) throw new DualrecError('BAD_USAGE', { detail: 'gapMs must be ≥ 0' });
      log.startMonotonic = log.clock.monotonic() - (last.t + gap);
      log.lastT = last.t;
      log.head = check.lastHash;
      log.ended = last.type === SESSION_END;
      // Loops, not push(...): a long log spread into one call overflows the call stack.
      for (const line of lines) log.lines.push(line);
      for (const event of check.events) log.appended.push(event);
    }
    return log;
  }

  get count(): number {
    return this.lines.length;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Appends one event. Calls are serialised, so concurrent callers get consecutive sequence
   * numbers in call order.
   */
  append(
    type: string,
    payload: { [key: string]: JsonValue } = {},
    options: { sealed?: { [key: string]: JsonValue } } = {},
  ): Promise<EvidenceEvent> {
    const run = this.queue.then(() => this.appendNow(type, payload, options.sealed));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(
    type: string,
    payload: { [key: string]: JsonValue },
    sealed: { [key: string]: JsonValue } | undefined,
  ): Promise<EvidenceEvent> {
    if (this.ended)
      throw new DualrecError('EVIDENCE_LOG_INVALID', { detail: `"${type}" after ${SESSION_END}` });
    if (!EVENT_TYPE_PATTERN.test(type)) {
      throw new DualrecError('EVIDENCE_LOG_INVALID', {
        detail: `event type "${type}" is not dotted lowercase`,
      });
    }
    if (this.lines.length === 0 && type !== SESSION_START) {
      throw new DualrecError('EVIDENCE_LOG_INVALID', { detail: `the first event must be ${SESSION_START}` });
    }
    if (this.lines.length > 0 && type === SESSION_START) {
      throw new DualrecError('EVIDENCE_LOG_INVALID', {
        detail: `${SESSION_START} may only be the first event`,
      });
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new DualrecError('EVIDENCE_LOG_INVALID', { detail: 'payload must be an object' });
    }
    const t = Math.round(this.clock.monotonic() - this.startMonotonic);
    if (!(t >= this.lastT)) {
      throw new DualrecError('EVIDENCE_LOG_INVALID', { detail: 'the monotonic clock went backwards' });
    }
    const event: EvidenceEvent = {
      seq: this.lines.length,
      t,
      wall: new Date(this.clock.wall()).toISOString(),
      type,
      payload,
      prev: this.head ?? (await genesisHash(this.sessionId)),
    };
    if (sealed !== undefined) {
      if (!this.contentKey) {
        throw new DualrecError('BAD_USAGE', { detail: 'sealed fields need the log to have a contentKey' });
      }
      event.sealed = toBase64Url(await sealBytes(this.contentKey, utf8(canonicalize(sealed))));
    }
    let line: string;
    try {
      line = canonicalize(event);
    } catch (cause) {
      throw new DualrecError('EVIDENCE_LOG_INVALID', { detail: (cause as Error).message, cause });
    }
    if (utf8(line).length > MAX_EVENT_LINE_BYTES) {
      throw new DualrecError('EVIDENCE_LOG_INVALID', {
        detail: `event line exceeds ${MAX_EVENT_LINE_BYTES} bytes`,
      });
    }
    const head = await sha256Hex(line);
    if (this.onLine) await this.onLine(line, event);
    this.lines.push(line);
    this.appended.push(event);
    this.head = head;
    this.lastT = t;
    if (type === SESSION_END) this.ended = true;
    return event;
  }

  /** Waits for pending appends, then returns the hash of the last line. */
  async lastHash(): Promise<string> {
    await this.queue;
    return this.head ?? (await genesisHash(this.sessionId));
  }

  /** Waits for pending appends, then returns the events appended so far. */
  async events(): Promise<readonly EvidenceEvent[]> {
    await this.queue;
    return [...this.appended];
  }

  /** Waits for pending appends, then returns the canonical lines (without "\n"). */
  async toLines(): Promise<readonly string[]> {
    await this.queue;
    return [...this.lines];
  }

  /** Waits for pending appends, then returns events.jsonl. */
  async toBytes(): Promise<Uint8Array> {
    await this.queue;
    return utf8(this.lines.map((line) => `${line}\n`).join(''));
  }
}

export interface EventLogCheck {
  events: EvidenceEvent[];
  reasons: VerifyReason[];
  /** SHA-256 of the last well-formed line (genesis for an empty log). */
  lastHash: string;
}

function eventShapeProblem(value: JsonValue): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const allowed = new Set(['seq', 't', 'wall', 'type', 'payload', 'sealed', 'prev']);
  for (const key of Object.keys(value)) if (!allowed.has(key)) return `unknown member "${key}"`;
  const e = value as Record<string, JsonValue>;
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 0) return '"seq" must be a non-negative integer';
  if (!Number.isSafeInteger(e.t) || (e.t as number) < 0) return '"t" must be a non-negative integer';
  if (typeof e.wall !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(e.wall)) {
    return '"wall" must be RFC 3339 UTC with milliseconds';
  }
  if (Number.isNaN(Date.parse(e.wall))) return '"wall" is not a real date';
  if (typeof e.type !== 'string' || !EVENT_TYPE_PATTERN.test(e.type))
    return '"type" must be dotted lowercase';
  if (typeof e.payload !== 'object' || e.payload === null || Array.isArray(e.payload)) {
    return '"payload" must be an object';
  }
  if (e.sealed !== undefined && (typeof e.sealed !== 'string' || fromBase64UrlStrict(e.sealed) === null)) {
    return '"sealed" must be base64url';
  }
  if (typeof e.prev !== 'string' || !/^[0-9a-f]{64}$/.test(e.prev))
    return '"prev" must be 64 lowercase hex digits';
  return null;
}

/**
 * Checks events.jsonl: line format, consecutive `seq`, non-decreasing `t`, the hash chain from the
 * session's genesis, and that it starts with session.start and ends with session.end. Collects every
 * problem instead of stopping at the first, so a verdict shows the whole picture.
 */
export async function checkEventLog(
  bytes: Uint8Array,
  sessionId: string,
  file = 'events.jsonl',
  options: {
    /**
     * Stop after this many problems (default: never): the rest of the log is not checked and one
     * last EVENTS_MALFORMED reason says from which line. Bounds the cost of a hostile log.
     */
    maxReasons?: number;
  } = {},
): Promise<EventLogCheck> {
  const maxReasons = options.maxReasons ?? Number.POSITIVE_INFINITY;
  const reasons: VerifyReason[] = [];
  const events: EvidenceEvent[] = [];
  const genesis = await genesisHash(sessionId);
  let head = genesis;
  const text = decodeUtf8Strict(bytes);
  if (text === null) {
    return {
      events,
      reasons: [{ code: 'EVENTS_MALFORMED', file, why: 'events.utf8', detail: 'not valid UTF-8' }],
      lastHash: head,
    };
  }
  if (text.length > 0 && !text.endsWith('\n')) {
    reasons.push({
      code: 'EVENTS_MALFORMED',
      file,
      why: 'events.newline',
      detail: 'the last line does not end with "\\n"',
    });
  }
  const lines = text.length === 0 ? [] : text.replace(/\n$/, '').split('\n');
  let lastT = 0;
  let chainReported = false;
  for (let index = 0; index < lines.length; index++) {
    if (reasons.length >= maxReasons) {
      reasons.push({
        code: 'EVENTS_MALFORMED',
        file,
        why: 'events.stopped',
        values: { line: index + 1, lines: lines.length, problems: reasons.length },
        detail: `checking stopped at line ${index + 1} of ${lines.length} after ${reasons.length} problems; the rest was not checked`,
      });
      return { events, reasons, lastHash: head };
    }
    const line = lines[index] as string;
    const lineNo = index + 1;
    const lineBytes = utf8(line);
    const hash = await sha256Hex(lineBytes);
    if (lineBytes.length > MAX_EVENT_LINE_BYTES) {
      // Not parsed at all: the limit exists so that one line cannot cost unbounded work.
      reasons.push({
        code: 'EVENTS_MALFORMED',
        file,
        why: 'events.line.long',
        values: { line: lineNo, max: MAX_EVENT_LINE_BYTES },
        detail: `line ${lineNo} is longer than ${MAX_EVENT_LINE_BYTES} bytes`,
      });
      head = hash;
      continue;
    }
    const parsed = parseCanonical(lineBytes);
    if (!parsed.ok) {
      reasons.push({
        code: 'EVENTS_MALFORMED',
        file,
        why: 'events.line.json',
        values: { line: lineNo },
        detail: `line ${lineNo}: ${parsed.detail}`,
      });
      head = hash;
      continue;
    }
    const problem = eventShapeProblem(parsed.value);
    if (problem) {
      reasons.push({
        code: 'EVENTS_MALFORMED',
        file,
        why: 'events.line.shape',
        values: { line: lineNo },
        detail: `line ${lineNo}: ${problem}`,
      });
      head = hash;
      continue;
    }
    const event = parsed.value as unknown as EvidenceEvent;
    if (event.prev !== head && !chainReported) {
      // One report is enough: after the first break every later link is judged against a line the
      // attacker controls.
      chainReported = true;
      reasons.push({
        code: 'EVENTS_CHAIN_BROKEN',
        file,
        why: 'events.prev',
        values: { line: lineNo, seq: event.seq },
        detail: `line ${lineNo} (seq ${event.seq}): prev does not match the hash of the line before it`,
      });
    }
    if (event.seq !== index) {
      reasons.push({
        code: 'EVENTS_SEQUENCE',
        file,
        why: 'events.seq',
        values: { line: lineNo, seq: event.seq, expected: index },
        detail: `line ${lineNo} has seq ${event.seq}, expected ${index}`,
      });
    }
    if (event.t < lastT) {
      reasons.push({
        code: 'EVENTS_SEQUENCE',
        file,
        why: 'events.time',
        values: { line: lineNo },
        detail: `line ${lineNo}: t goes back from ${lastT} to ${event.t}`,
      });
    }
    lastT = event.t;
    head = hash;
    events.push(event);
  }
  if (events[0]?.type !== SESSION_START) {
    reasons.push({
      code: 'EVENTS_INCOMPLETE',
      file,
      why: 'events.first',
      detail: `the first event is not ${SESSION_START}`,
    });
  }
  const starts = events.filter((e) => e.type === SESSION_START).length;
  if (starts > 1)
    reasons.push({
      code: 'EVENTS_MALFORMED',
      file,
      why: 'events.starts',
      values: { count: starts },
      detail: `${SESSION_START} appears ${starts} times`,
    });
  const endIndex = events.findIndex((e) => e.type === SESSION_END);
  if (endIndex === -1) {
    reasons.push({
      code: 'EVENTS_INCOMPLETE',
      file,
      why: 'events.end.none',
      detail: `no ${SESSION_END} event`,
    });
  } else if (endIndex !== events.length - 1) {
    reasons.push({
      code: 'EVENTS_SEQUENCE',
      file,
      why: 'events.end.early',
      detail: `events follow ${SESSION_END}`,
    });
  }
  return { events, reasons, lastHash: head };
}

/** Decrypts an event's sealed fields with the bundle content key. */
export async function openSealedFields(
  event: EvidenceEvent,
  contentKey: Uint8Array,
): Promise<{ [key: string]: JsonValue }> {
  if (event.sealed === undefined) return {};
  const body = fromBase64UrlStrict(event.sealed);
  if (body === null)
    throw new DualrecError('BUNDLE_MALFORMED', { detail: `event ${event.seq}: sealed is not base64url` });
  const parts: Uint8Array[] = [];
  for await (const part of openRecords(contentKey, [body])) parts.push(part);
  const parsed = parseCanonical(concatBytes(parts));
  if (
    !parsed.ok ||
    typeof parsed.value !== 'object' ||
    parsed.value === null ||
    Array.isArray(parsed.value)
  ) {
    throw new DualrecError('BUNDLE_MALFORMED', {
      detail: `event ${event.seq}: sealed fields are not a canonical JSON object`,
    });
  }
  return parsed.value as { [key: string]: JsonValue };
}
