/**
 * The audit report as data: what an auditor needs to judge one bundle, derived from the
 * verification verdict, the manifest, the events (with their sealed fields when the bundle was
 * opened with the lender's key) and the decrypted media. Runtime-agnostic (node CLI, browser
 * console); the HTML in html.ts is one rendering of it.
 */
import type { JsonValue, Manifest, OpenedEvent, Verdict } from '@dualrec/evidence';
import {
  REPORT_MESSAGES,
  type ReportLocale,
  type ReportMessageKey,
  type ReportMessageOverrides,
  type ReportTranslator,
  reportTranslator,
  type TermKind,
} from './i18n.js';

export interface ReportMedia {
  name: string;
  role: string;
  mediaType: string;
  /** data: URL of the decrypted bytes; null when the bundle was not opened with a key. */
  dataUrl: string | null;
  size: number;
}

export interface ReportTimestamp {
  /** RFC 3161 genTime (ISO 8601). */
  genTime: string;
  tsa: string;
  /** true: checked against the TSA certificate; false: failed; null: not checked (no certificate). */
  verified: boolean | null;
  detail?: string;
}

export interface ReportInput {
  /** Shown in the title (a file name or upload id). */
  source: string;
  bundleSha256: string;
  bundleSize: number;
  verdict: Verdict;
  /** Events with sealed fields (opened with the lender's key), or null when not opened. */
  events: OpenedEvent[] | null;
  media: ReportMedia[];
  timestamp: ReportTimestamp | null;
  /** Ticket claims (read from the manifest's ticket, whose signature verify() checked). */
  ticketClaims: Record<string, unknown> | null;
  generatedAt: string;
}

export type Level = 'ok' | 'info' | 'warn' | 'fail';

export interface TimelineEntry {
  /** ms since session start (monotonic). */
  t: number;
  wall: string;
  /** The wall time as a time of day in the auditor's time zone. */
  localTime: string;
  type: string;
  level: Level;
  text: string;
  /** Recording time (ms) when the event maps onto the recording: click to seek. */
  recordingMs: number | null;
  part: number | null;
}

export interface SegmentRow {
  id: string;
  /** Codes (`kind`, `outcome`, `reasons`) and their words in the report's language. */
  kind: string;
  kindText: string;
  topic: string;
  /** The text as shown to the applicant (from the sealed script), when opened. */
  text: string | null;
  outcome: string;
  outcomeText: string;
  reasons: string[];
  reasonsText: string[];
  attempts: number;
  speech: string | null;
  lipSync: string | null;
  presence: string | null;
  /** Share of the segment with one frontal face (face.presence), null when not measured. */
  frontalPct: number | null;
  answer: string | null;
  recordingMs: number | null;
  part: number | null;
}

export interface CheckRow {
  /** Stable across languages: integrity, timestamp, decrypted, liveness, disclosure, presence, id-card, continuity. */
  id: string;
  name: string;
  level: Level;
  detail: string;
  /** Technical text from a checker (English, as the tool wrote it), shown apart from the wording. */
  technical?: string;
}

/** A verifier reason or notice: the codes for programs, `text` in the report's language. */
export interface ReasonRow {
  code: string;
  file: string | null;
  /** The verifier's own detail (technical, English). */
  detail: string;
  text: string;
  /** How the check failed, worded in the report's language from the verifier's `why` and `values`. */
  explained?: string;
}

export interface OcrRow {
  side: string;
  sideText: string;
  idNumberValid: boolean | null;
  fields: { name: string; label: string; value: string; status: string; statusText: string }[];
}

export interface ReportModel {
  locale: ReportLocale;
  /** The IANA time zone every date is shown in, and the sentence that says so. */
  timeZone: string;
  timeZoneLabel: string;
  title: string;
  generatedAt: string;
  generatedAtText: string;
  valid: boolean;
  opened: boolean;
  reasons: ReasonRow[];
  notices: ReasonRow[];
  checks: CheckRow[];
  facts: [string, string][];
  steps: { name: string; nameText: string; status: string; statusText: string; summary: string }[];
  timeline: TimelineEntry[];
  segments: SegmentRow[];
  ocr: OcrRow[];
  /** The liveness events in words, each with its event type (the code beside it). */
  liveness: { type: string; level: Level; text: string }[];
  interruptions: string[];
  media: ReportMedia[];
}

const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${Math.round(v)}%` : '—');
const num = (v: unknown, digits = 2) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—';
const str = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
const seconds = (ms: unknown, digits = 0) => num(Number(ms) / 1000, digits);
type Payload = { [key: string]: JsonValue };

/** One event as a sentence in the report's language (codes as words with the code beside them). */
function describe(tr: ReportTranslator, type: string, p: Payload): { level: Level; text: string } {
  const { t, term, terms } = tr;
  switch (type) {
    case 'session.start':
      return {
        level: 'info',
        text: t('event.session.start', {
          locale: term('locale', p.locale),
          elder: p.elderMode ? t('event.session.start.elder') : '',
          mode: term('supportMode', p.mode),
        }),
      };
    case 'support.report':
      return {
        level: p.mode === 'full' ? 'ok' : 'warn',
        text: t('event.support.report', { mode: term('supportMode', p.mode) }),
      };
    case 'consent.given':
      return {
        level: 'ok',
        text: t('event.consent.given', {
          scope: term('consentScope', p.scope),
          sha: str(p.textSha256).slice(0, 12),
        }),
      };
    case 'consent.declined':
      return { level: 'fail', text: t('event.consent.declined') };
    case 'ocr.card.captured':
      return {
        level: 'info',
        text: t('event.ocr.card.captured', {
          side: term('side', p.side),
          file: str((p.image as Payload | null)?.file),
        }),
      };
    case 'ocr.portrait.captured':
      return {
        level: 'info',
        text: t('event.ocr.portrait.captured', {
          file: str((p.image as Payload | null)?.file),
          how: t(p.fromOutline === true ? 'portraitFrom.outline' : 'portraitFrom.text'),
        }),
      };
    case 'ocr.card.result':
      return {
        level: p.found === false ? 'warn' : p.idNumberValid === false ? 'warn' : 'ok',
        text: t(
          p.idNumberValid === undefined
            ? 'event.ocr.card.result'
            : p.idNumberValid
              ? 'event.ocr.card.result.valid'
              : 'event.ocr.card.result.invalid',
          { side: term('side', p.side) },
        ),
      };
    case 'face.liveness.start':
      return {
        level: 'info',
        text: t('event.face.liveness.start', {
          mode: term('livenessMode', p.mode),
          challenges: terms('challenge', p.challenges),
        }),
      };
    case 'face.challenge.passed':
      return { level: 'ok', text: t('event.face.challenge.passed', { kind: term('challenge', p.kind) }) };
    case 'face.challenge.failed':
      return {
        level: 'warn',
        text: t('event.face.challenge.failed', {
          kind: term('challenge', p.kind),
          reason: term('livenessReason', p.reason),
        }),
      };
    case 'face.passive':
      return {
        level: p.live ? 'ok' : 'fail',
        text: t(p.live ? 'event.face.passive.live' : 'event.face.passive.notLive', {
          blinks: str(p.blinks),
          nonRigid: num(p.nonRigid, 3),
        }),
      };
    case 'face.liveness.result': {
      const reasons = Array.isArray(p.reasons) && p.reasons.length ? terms('livenessReason', p.reasons) : '';
      return {
        level: p.verdict === 'passed' ? 'ok' : 'fail',
        text: t(reasons ? 'event.face.liveness.result.reasons' : 'event.face.liveness.result', {
          verdict: term('livenessVerdict', p.verdict),
          reasons,
        }),
      };
    }
    case 'liveness.result':
      return {
        level: p.passed ? 'ok' : 'fail',
        text: t('event.liveness.result', {
          verdict: term('livenessVerdict', p.passed ? 'passed' : 'failed'),
          challenges: terms('challenge', p.challenges),
        }),
      };
    case 'ocr.result':
      return {
        level: p.idNumberChecksumValid === false ? 'warn' : 'ok',
        text: t('event.ocr.result', { side: term('side', p.side) }),
      };
    case 'face.best-frame':
      return { level: 'info', text: t('event.face.best-frame', { file: str(p.file), yaw: num(p.yaw, 1) }) };
    case 'face.match':
      return {
        level: p.decision === 'match' ? 'ok' : 'warn',
        text: t(p.decision === 'match' ? 'event.face.match.match' : 'event.face.match.no-match', {
          probe: str((p.probe as { file?: JsonValue } | undefined)?.file ?? null),
          reference: str((p.reference as { file?: JsonValue } | undefined)?.file ?? null),
          threshold: num(p.threshold, 2),
        }),
      };
    case 'face.match.skipped':
      return { level: 'warn', text: t('event.face.match.skipped') };
    case 'face.match.no-face':
      return { level: 'warn', text: t('event.face.match.no-face') };
    case 'face.multiple':
      return { level: 'warn', text: t('event.face.multiple') };
    case 'face.absent':
      return { level: 'warn', text: t('event.face.absent') };
    case 'face.presence':
      return {
        level: typeof p.oneFrontalPct === 'number' && p.oneFrontalPct < 80 ? 'warn' : 'ok',
        text: t('event.face.presence', {
          segment: str(p.segmentId),
          one: pct(p.onePresentPct),
          frontal: pct(p.oneFrontalPct),
          none: pct(p.noFacePct),
          multiple: pct(p.multiplePct),
        }),
      };
    case 'capture.camera.opened': {
      const v = p.video as Payload | null;
      return {
        level: 'info',
        text: t('event.capture.camera.opened', {
          width: str(v?.width),
          height: str(v?.height),
          fps: str(v?.frameRate),
          echo: term('onOff', p.echoCancellation ? 'on' : 'off'),
        }),
      };
    }
    case 'capture.recording.started':
      return {
        level: 'info',
        text: t('event.capture.recording.started', { part: str(p.part), type: str(p.mimeType) }),
      };
    case 'capture.recording.stopped':
      return {
        level: p.reason === 'stopped' ? 'info' : 'warn',
        text: t('event.capture.recording.stopped', {
          part: str(p.part),
          reason: term('stopReason', p.reason),
          seconds: seconds(p.durationMs),
        }),
      };
    case 'capture.recording.stats': {
      const a = p.audioLevel as Payload | null;
      return {
        level: Number(p.gaps) > 0 ? 'warn' : 'info',
        text: t('event.capture.recording.stats', {
          kbps: str(p.bitrateKbps),
          gaps: str(p.gaps),
          dbfs: str(a?.meanDbfs),
          silent: pct(Number(a?.silentFraction) * 100),
        }),
      };
    }
    case 'capture.recording.gap':
      // The recorder writes `ms` (the interval between two chunks); older builds wrote `gapMs`.
      return { level: 'warn', text: t('event.capture.recording.gap', { ms: str(p.ms ?? p.gapMs) }) };
    case 'capture.recording.format':
      return { level: 'info', text: t('event.capture.recording.format', { type: str(p.mimeType) }) };
    case 'capture.visibility':
      return p.state === 'hidden'
        ? { level: 'warn', text: t('event.capture.visibility.hidden') }
        : { level: 'info', text: t('event.capture.visibility.visible', { state: str(p.state) }) };
    case 'capture.devices.changed':
      return {
        level: 'warn',
        text: t('event.capture.devices.changed', {
          cameras: str(p.videoInputs),
          microphones: str(p.audioInputs),
        }),
      };
    case 'recording.degraded':
      return {
        level: 'warn',
        text: t('event.recording.degraded', { reason: term('degradedReason', p.reason) }),
      };
    case 'recording.start':
      return {
        level: 'info',
        text: t('event.recording.start', { file: str(p.file), type: str(p.mediaType) }),
      };
    case 'recording.stop':
      return {
        level: 'info',
        text: t('event.recording.stop', { file: str(p.file), size: str(p.size), records: str(p.records) }),
      };
    case 'face.challenge.start':
      return {
        level: 'info',
        text: t(Number(p.attempt) > 1 ? 'event.face.challenge.start.retry' : 'event.face.challenge.start', {
          index: Number(p.index) + 1,
          kind: term('challenge', p.kind),
          attempt: str(p.attempt),
        }),
      };
    case 'face.baseline':
      return { level: 'info', text: t('event.face.baseline') };
    case 'face.absent.end':
      return { level: 'warn', text: t('event.face.absent.end', { seconds: seconds(p.durationMs, 1) }) };
    case 'face.multiple.end':
      return {
        level: 'warn',
        text: t('event.face.multiple.end', { seconds: seconds(p.durationMs, 1), count: str(p.maxCount) }),
      };
    case 'ocr.card.rejected':
      return {
        level: 'warn',
        text: t('event.ocr.card.rejected', {
          side: term('side', p.side),
          reason: term('cardReject', p.reason),
          attempt: str(p.attempt),
        }),
      };
    case 'ocr.card.retake':
      return { level: 'info', text: t('event.ocr.card.retake', { side: term('side', p.side) }) };
    case 'ui.locale':
      return { level: 'info', text: t('event.ui.locale', { locale: term('locale', p.locale) }) };
    case 'ui.elder-mode':
      return { level: 'info', text: t(p.on ? 'event.ui.elder-mode.on' : 'event.ui.elder-mode.off') };
    case 'capture.interrupted':
      return {
        level: 'warn',
        text: t('event.capture.interrupted', {
          reason: term('interruptReason', p.reason),
          seconds: seconds(p.gapMs),
        }),
      };
    case 'capture.camera.ended':
      return { level: 'warn', text: t('event.capture.camera.ended', { kind: term('trackKind', p.kind) }) };
    case 'capture.segment.start':
      return {
        level: 'info',
        text: t('event.capture.segment.start', {
          segment: str(p.segmentId),
          seconds: seconds(p.at),
          part: str(p.part),
        }),
      };
    case 'capture.segment.end':
      return { level: 'info', text: t('event.capture.segment.end', { segment: str(p.segmentId) }) };
    case 'speech.segment': {
      // Synthetic samples write measurements only (no kind, no outcome).
      if (p.outcome === undefined)
        return { level: 'info', text: t('event.speech.segment.recorded', { segment: str(p.segmentId) }) };
      const reasons = Array.isArray(p.reasons) && p.reasons.length ? terms('speechReason', p.reasons) : '';
      return {
        level: p.outcome === 'passed' || p.outcome === 'shown' || p.outcome === 'confirmed' ? 'ok' : 'warn',
        text: t(reasons ? 'event.speech.segment.reasons' : 'event.speech.segment', {
          segment: str(p.segmentId),
          kind: term('segmentKind', p.kind),
          outcome: term('outcome', p.outcome),
          reasons,
        }),
      };
    }
    case 'speech.tap':
      return {
        level: 'ok',
        text: t('event.speech.tap', { choice: term('choice', p.choice), segment: str(p.segmentId) }),
      };
    case 'speech.reprompt':
      return {
        level: 'warn',
        text: t('event.speech.reprompt', {
          segment: str(p.segmentId),
          reason: term('speechReason', p.reason),
        }),
      };
    case 'speech.flow.end':
      return {
        level: p.outcome === 'completed' ? 'ok' : 'fail',
        text: t('event.speech.flow.end', { outcome: term('flowOutcome', p.outcome) }),
      };
    case 'session.step.failed':
      return {
        level: 'warn',
        text: t(p.retryable ? 'event.session.step.failed.retried' : 'event.session.step.failed', {
          step: term('step', p.step),
          code: term('error', p.code),
        }),
      };
    case 'session.end':
      return {
        level: p.status === 'completed' ? 'ok' : 'warn',
        text: t('event.session.end', { status: term('sessionStatus', p.status) }),
      };
    default:
      return { level: 'info', text: t('event.unknown') };
  }
}

/** A step summary's value in words: the codes it holds as terms, never raw JSON. */
function summaryValue(tr: ReportTranslator, key: string, value: JsonValue): string {
  const kind: Partial<Record<string, TermKind>> = {
    challenges: 'challenge',
    side: 'side',
    outcome: 'flowOutcome',
    mode: 'supportMode',
  };
  if (typeof value === 'boolean') return tr.word('value', value);
  if (Array.isArray(value))
    return value.length
      ? value.map((v) => (kind[key] ? tr.term(kind[key], v) : str(v))).join(tr.t('list.separator'))
      : tr.t('summary.none');
  if (typeof value === 'string' && kind[key]) return tr.term(kind[key], value);
  return str(value);
}

/** Events too frequent or too internal for the timeline (they stay in events.jsonl). */
const QUIET = new Set([
  'speech.prompt',
  'speech.segment.start',
  'speech.attempt',
  'face.feedback',
  'speech.script',
]);

/** How the report is worded: language, the auditor's time zone, the lender's own wording. */
export interface ReportOptions {
  /** Default zh-CN. */
  locale?: ReportLocale;
  /** IANA time zone for every date (default: this machine's or browser's). */
  timeZone?: string;
  messages?: ReportMessageOverrides;
}

/** Values of a verifier reason that are instants, shown in the auditor's time zone. */
const INSTANT_VALUES = new Set(['started', 'expired', 'issued', 'time']);

/** The verifier's `why` in words, or undefined for a code this catalogue does not know (a newer verifier). */
function explainReason(
  tr: ReportTranslator,
  why: string | undefined,
  values: Record<string, string | number> | undefined,
): string | undefined {
  const key = `why.${why}` as ReportMessageKey;
  if (!why || !(key in REPORT_MESSAGES.en)) return undefined;
  const shown: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    const whereKey = `why.where.${value}` as ReportMessageKey;
    shown[name] = INSTANT_VALUES.has(name)
      ? tr.date(String(value))
      : name === 'where' && whereKey in REPORT_MESSAGES.en
        ? tr.t(whereKey)
        : value;
  }
  return tr.t(key, shown);
}

const reasonRow = (
  tr: ReportTranslator,
  r: {
    code: string;
    file: string | null;
    detail: string;
    why?: string;
    values?: Record<string, string | number>;
  },
): ReasonRow => {
  const reason = tr.term('reason', r.code);
  const explained = explainReason(tr, r.why, r.values);
  return {
    code: r.code,
    file: r.file,
    detail: r.detail,
    text: r.file ? tr.t('reason.lineWithFile', { reason, file: r.file }) : tr.t('reason.line', { reason }),
    ...(explained ? { explained } : {}),
  };
};

/**
 * The report model for one bundle in one language.
 *
 * @example
 * ```ts
 * const model = buildReport(input, { locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
 * model.checks.find((c) => c.id === 'liveness')?.level; // 'ok'
 * ```
 */
export function buildReport(input: ReportInput, options: ReportOptions = {}): ReportModel {
  const locale = options.locale ?? 'zh-CN';
  const tr = reportTranslator(locale, {
    ...(options.messages ? { messages: options.messages } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
  const { t, term } = tr;
  const { verdict } = input;
  const manifest: Manifest | null = verdict.manifest;
  const events = input.events ?? [];
  const reasons = verdict.reasons.map((r) => reasonRow(tr, r));
  const notices = verdict.notices.map((n) => reasonRow(tr, n));
  const separator = t('list.separator');

  // Where each segment sits on the recording (capture markers carry recording-relative time).
  const segmentAt = new Map<string, { at: number; part: number }>();
  for (const e of events)
    if (e.type === 'capture.segment.start' && typeof e.payload.segmentId === 'string')
      segmentAt.set(e.payload.segmentId, { at: Number(e.payload.at), part: Number(e.payload.part) });
  // Recording start (session time) per part, to map other events onto the video.
  const partStart = new Map<number, number>();
  for (const e of events)
    if (e.type === 'capture.recording.started') partStart.set(Number(e.payload.part), e.t);

  const timeline: TimelineEntry[] = [];
  for (const e of events) {
    if (QUIET.has(e.type)) continue;
    const { level, text } = describe(tr, e.type, e.payload);
    let recordingMs: number | null = null;
    let part: number | null = null;
    // Capture markers (segment edges, gaps, any recorder marker) carry their exact recording time.
    if (
      e.type.startsWith('capture.') &&
      typeof e.payload.at === 'number' &&
      typeof e.payload.part === 'number'
    ) {
      recordingMs = e.payload.at;
      part = e.payload.part;
    } else {
      for (const [p, start] of partStart)
        if (e.t >= start) {
          part = p;
          recordingMs = e.t - start;
        }
    }
    timeline.push({
      t: e.t,
      wall: e.wall,
      localTime: tr.time(e.wall),
      type: e.type,
      level,
      text,
      recordingMs,
      part,
    });
  }

  // The script as shown (sealed in speech.script) and each segment's outcome.
  const scriptEvent = events.find((e) => e.type === 'speech.script');
  const shown = (scriptEvent?.sealedFields.script as Payload | undefined)?.segments as Payload[] | undefined;
  const segmentIds =
    (scriptEvent?.payload.segmentIds as string[] | undefined) ?? manifest?.script.segments ?? [];
  const segments: SegmentRow[] = segmentIds.map((id) => {
    const result = [...events]
      .reverse()
      .find((e) => e.type === 'speech.segment' && e.payload.segmentId === id);
    const attempt = [...events]
      .reverse()
      .find((e) => e.type === 'speech.attempt' && e.payload.segmentId === id);
    const presence = events.find((e) => e.type === 'face.presence' && e.payload.segmentId === id);
    const start = events.find((e) => e.type === 'speech.segment.start' && e.payload.segmentId === id);
    const text = shown?.find((s) => s.id === id)?.text;
    const sp = attempt?.payload.speech as Payload | undefined;
    const lip = attempt?.payload.lipSync as Payload | undefined;
    const tap = events.find((e) => e.type === 'speech.tap' && e.payload.segmentId === id);
    const kind = str(start?.payload.kind ?? result?.payload.kind);
    const outcome = str(result?.payload.outcome) || 'not-reached';
    const reasonCodes = Array.isArray(result?.payload.reasons) ? (result.payload.reasons as string[]) : [];
    const frontal = presence?.payload.oneFrontalPct;
    return {
      id,
      kind,
      kindText: kind ? term('segmentKind', kind) : '',
      topic: str(start?.payload.topic),
      text: typeof text === 'string' ? text : null,
      outcome,
      outcomeText: term('outcome', outcome),
      reasons: reasonCodes,
      reasonsText: reasonCodes.map((r) => term('speechReason', r)),
      attempts: Number(result?.payload.attempts ?? 0),
      speech: sp
        ? t('segment.speech', {
            ratio: pct(Number(sp.speechRatio) * 100),
            seconds: seconds(sp.durationMs),
            level: str(sp.speechLevelDb),
          })
        : null,
      lipSync: lip
        ? lip.issue
          ? t('segment.lipSyncIssue', { score: num(lip.score), issue: term('lipIssue', lip.issue) })
          : t('segment.lipSync', { score: num(lip.score) })
        : null,
      presence: presence
        ? t('segment.presence', {
            frontal: pct(presence.payload.oneFrontalPct),
            multiple: pct(presence.payload.multiplePct),
          })
        : null,
      frontalPct: typeof frontal === 'number' ? frontal : null,
      answer: tap
        ? t('segment.tapped', { choice: term('choice', tap.payload.choice) })
        : attempt?.payload.answer
          ? t('segment.answer', { answer: term('choice', attempt.payload.answer) })
          : null,
      recordingMs: segmentAt.get(id)?.at ?? null,
      part: segmentAt.get(id)?.part ?? null,
    };
  });

  const ocr: OcrRow[] = events
    .filter((e) => e.type === 'ocr.card.result' || e.type === 'ocr.result')
    .map((e) => {
      // ocr.card.result (the SDK): sealed { fields: { name: { value, status } } };
      // ocr.result (synthetic samples): sealed flat { name: value }.
      const nested = e.sealedFields.fields as Record<string, Payload> | undefined;
      const fields = nested
        ? Object.entries(nested).map(([name, f]) => ({
            name,
            label: term('field', name),
            value: str(f.value ?? f.text),
            status: str(f.status),
            statusText: f.status ? term('fieldStatus', f.status) : '',
          }))
        : Object.entries(e.sealedFields).map(([name, v]) => ({
            name,
            label: term('field', name),
            value: str(v),
            status: '',
            statusText: '',
          }));
      const valid = e.payload.idNumberValid ?? e.payload.idNumberChecksumValid;
      return {
        side: str(e.payload.side),
        sideText: term('side', e.payload.side),
        idNumberValid: typeof valid === 'boolean' ? valid : null,
        fields,
      };
    });

  const liveness = events
    .filter(
      (e) =>
        e.type.startsWith('face.liveness') ||
        e.type === 'face.passive' ||
        e.type.startsWith('face.challenge') ||
        e.type === 'liveness.result',
    )
    .map((e) => ({ type: e.type, ...describe(tr, e.type, e.payload) }));
  const interruptions = events
    .filter(
      (e) =>
        e.type === 'capture.interrupted' ||
        e.type === 'capture.recording.gap' ||
        e.type === 'capture.camera.ended' ||
        (e.type === 'capture.visibility' && e.payload.state === 'hidden'),
    )
    .map((e) =>
      t('interruption.line', { time: tr.date(e.wall), text: describe(tr, e.type, e.payload).text }),
    );

  const stamp = input.timestamp;
  const checks: CheckRow[] = [
    {
      id: 'integrity',
      name: t('check.integrity'),
      level: verdict.valid ? 'ok' : 'fail',
      detail: verdict.valid ? t('check.integrity.ok') : reasons.map((r) => r.text).join(separator),
    },
    {
      id: 'timestamp',
      name: t('check.timestamp'),
      level: stamp ? (stamp.verified === false ? 'fail' : stamp.verified ? 'ok' : 'warn') : 'warn',
      detail: stamp
        ? `${t('check.timestamp.detail', { time: tr.date(stamp.genTime), tsa: stamp.tsa })}${t(
            stamp.verified === null
              ? 'check.timestamp.notChecked'
              : stamp.verified
                ? 'check.timestamp.verified'
                : 'check.timestamp.invalid',
          )}`
        : t('check.timestamp.none'),
      ...(stamp?.verified === false && stamp.detail ? { technical: stamp.detail } : {}),
    },
    {
      id: 'decrypted',
      name: t('check.decrypted'),
      level: input.events ? 'ok' : 'warn',
      detail: input.events ? t('check.decrypted.ok') : t('check.decrypted.no'),
    },
  ];
  if (input.events) {
    const live = events.find((e) => e.type === 'face.liveness.result' || e.type === 'liveness.result');
    const livePassed = live?.payload.verdict === 'passed' || live?.payload.passed === true;
    checks.push({
      id: 'liveness',
      name: t('check.liveness'),
      level: livePassed ? 'ok' : live ? 'fail' : 'warn',
      detail: live ? describe(tr, live.type, live.payload).text : t('check.liveness.none'),
    });
    const flow = events.find((e) => e.type === 'speech.flow.end');
    checks.push({
      id: 'disclosure',
      name: t('check.disclosure'),
      level: flow?.payload.outcome === 'completed' ? 'ok' : 'fail',
      detail: flow
        ? t('check.disclosure.detail', {
            outcome: term('flowOutcome', flow.payload.outcome),
            reached: segments.filter((s) => s.outcome !== 'not-reached').length,
            total: segments.length,
          })
        : t('check.disclosure.none'),
    });
    const presenceLow = segments.filter((s) => s.frontalPct !== null && s.frontalPct < 80);
    // A segment without a face.presence event was not measured (e.g. recording.degraded: no face
    // model): that is not evidence that the applicant was visible.
    const unmeasured = segments.filter((s) => s.outcome !== 'not-reached' && !s.presence);
    const degraded = events.find((e) => e.type === 'recording.degraded');
    const flagged = presenceLow.length || unmeasured.length || segments.length === 0;
    checks.push({
      id: 'presence',
      name: t('check.presence'),
      level: flagged ? 'warn' : 'ok',
      detail: flagged
        ? [
            presenceLow.length
              ? t('check.presence.low', { segments: presenceLow.map((s) => s.id).join(separator) })
              : '',
            unmeasured.length
              ? degraded
                ? t('check.presence.unmeasuredWhy', {
                    segments: unmeasured.map((s) => s.id).join(separator),
                    reason: term('degradedReason', degraded.payload.reason),
                  })
                : t('check.presence.unmeasured', { segments: unmeasured.map((s) => s.id).join(separator) })
              : '',
            segments.length === 0 ? t('check.presence.noSegments') : '',
          ]
            .filter(Boolean)
            .join(t('list.clauses'))
        : t('check.presence.ok'),
    });
    checks.push({
      id: 'id-card',
      name: t('check.idCard'),
      level: ocr.length === 0 ? 'warn' : ocr.every((o) => o.idNumberValid !== false) ? 'ok' : 'fail',
      detail: ocr.length
        ? ocr
            .map((o) =>
              t(
                o.idNumberValid === null
                  ? 'check.idCard.unknown'
                  : o.idNumberValid
                    ? 'check.idCard.valid'
                    : 'check.idCard.invalid',
                { side: o.sideText },
              ),
            )
            .join(separator)
        : t('check.idCard.none'),
    });
    checks.push({
      id: 'continuity',
      name: t('check.continuity'),
      level: interruptions.length ? 'warn' : 'ok',
      detail: interruptions.length ? interruptions.join(t('list.clauses')) : t('check.continuity.ok'),
    });
  }

  const claims = input.ticketClaims ?? {};
  const facts: [string, string][] = [
    [
      t('fact.bundle'),
      t('fact.bundle.value', { source: input.source, size: input.bundleSize, sha: input.bundleSha256 }),
    ],
    [t('fact.session'), manifest ? manifest.sessionId : '—'],
    [t('fact.lender'), manifest ? manifest.lenderId : '—'],
    [
      t('fact.deviceTime'),
      manifest
        ? t('fact.deviceTime.value', { start: tr.date(manifest.startedAt), end: tr.date(manifest.endedAt) })
        : '—',
    ],
    [
      t('fact.script'),
      manifest ? t('fact.script.value', { id: manifest.script.id, sha: manifest.script.sha256 }) : '—',
    ],
    [
      t('fact.ticket'),
      manifest
        ? t('fact.ticket.value', {
            nonce: str(claims.nonce),
            iat: claims.iat ? tr.date(Number(claims.iat) * 1000) : '?',
            exp: claims.exp ? tr.date(Number(claims.exp) * 1000) : '?',
          })
        : '—',
    ],
    [
      t('fact.deviceKey'),
      manifest
        ? t('fact.deviceKey.value', {
            jkt: str((claims.cnf as Payload | undefined)?.jkt),
            kty: manifest.deviceKey.kty,
            crv: str((manifest.deviceKey as unknown as Payload).crv),
          })
        : '—',
    ],
    [t('fact.sdk'), manifest ? `${manifest.sdk.name} ${manifest.sdk.version}` : '—'],
    [
      t('fact.device'),
      manifest
        ? Object.entries(manifest.device)
            .map(([k, v]) => `${k}: ${v}`)
            .join(t('list.clauses'))
        : '—',
    ],
    [
      t('fact.events'),
      manifest
        ? t('fact.events.value', { count: manifest.events.count, hash: manifest.events.lastHash })
        : '—',
    ],
  ];
  if (manifest?.synthetic) facts.unshift([t('fact.synthetic'), t('fact.synthetic.value')]);

  const zoneOffset = tr.date(input.generatedAt).split(' ').pop() ?? '';
  return {
    locale,
    timeZone: tr.timeZone,
    timeZoneLabel: t('report.timeZone', { zone: tr.timeZone, offset: zoneOffset }),
    title: t('report.title', { id: manifest?.sessionId ?? input.source }),
    generatedAt: input.generatedAt,
    generatedAtText: tr.date(input.generatedAt),
    valid: verdict.valid,
    opened: input.events !== null,
    reasons,
    notices,
    checks,
    facts,
    steps: (manifest?.steps ?? []).map((s) => ({
      name: s.name,
      nameText: term('step', s.name),
      status: s.status,
      statusText: term('stepStatus', s.status),
      summary: Object.entries(s.summary)
        .map(([k, v]) => t('summary.item', { key: term('summaryKey', k), value: summaryValue(tr, k, v) }))
        .join(separator),
    })),
    timeline,
    segments,
    ocr,
    liveness,
    interruptions,
    media: input.media,
  };
}
