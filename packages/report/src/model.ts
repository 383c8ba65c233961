/**
 * The audit report as data: what an auditor needs to judge one bundle, derived from the
 * verification verdict, the manifest, the events (with their sealed fields when the bundle was
 * opened with the lender's key) and the decrypted media. Runtime-agnostic (node CLI, browser
 * console); the HTML in html.ts is one rendering of it.
 */
import type { JsonValue, Manifest, OpenedEvent, Verdict } from '@dualrec/evidence';

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
  type: string;
  level: Level;
  text: string;
  /** Recording time (ms) when the event maps onto the recording: click to seek. */
  recordingMs: number | null;
  part: number | null;
}

export interface SegmentRow {
  id: string;
  kind: string;
  topic: string;
  /** The text as shown to the applicant (from the sealed script), when opened. */
  text: string | null;
  outcome: string;
  reasons: string[];
  attempts: number;
  speech: string | null;
  lipSync: string | null;
  presence: string | null;
  answer: string | null;
  recordingMs: number | null;
  part: number | null;
}

export interface CheckRow {
  name: string;
  level: Level;
  detail: string;
}

export interface OcrRow {
  side: string;
  idNumberValid: boolean | null;
  fields: { name: string; value: string; status: string }[];
}

export interface ReportModel {
  title: string;
  generatedAt: string;
  valid: boolean;
  opened: boolean;
  reasons: string[];
  notices: string[];
  checks: CheckRow[];
  facts: [string, string][];
  steps: { name: string; status: string; summary: string }[];
  timeline: TimelineEntry[];
  segments: SegmentRow[];
  ocr: OcrRow[];
  liveness: string[];
  interruptions: string[];
  media: ReportMedia[];
}

const pct = (v: unknown) => (typeof v === 'number' ? `${Math.round(v)}%` : '—');
const num = (v: unknown, digits = 2) => (typeof v === 'number' ? v.toFixed(digits) : '—');
const str = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
type Payload = { [key: string]: JsonValue };

function describe(type: string, p: Payload): { level: Level; text: string } {
  switch (type) {
    case 'session.start':
      return {
        level: 'info',
        text: `session started (${str(p.locale)}${p.elderMode ? ', elder mode' : ''}, mode ${str(p.mode)})`,
      };
    case 'support.report':
      return { level: p.mode === 'full' ? 'ok' : 'warn', text: `support check: ${str(p.mode)}` };
    case 'consent.given':
      return {
        level: 'ok',
        text: `separate consent given for ${str(p.scope)} (text ${str(p.textSha256).slice(0, 12)}…)`,
      };
    case 'consent.declined':
      return { level: 'fail', text: 'consent declined' };
    case 'ocr.card.captured':
      return {
        level: 'info',
        text: `ID card ${str(p.side)} photographed (${str((p.image as Payload | null)?.file)})`,
      };
    case 'ocr.card.result':
      return {
        level: p.found === false ? 'warn' : p.idNumberValid === false ? 'warn' : 'ok',
        text: `ID card ${str(p.side)} read${p.idNumberValid === undefined ? '' : `, ID number checksum ${p.idNumberValid ? 'valid' : 'INVALID'}`}`,
      };
    case 'face.liveness.start':
      return { level: 'info', text: `liveness started (${str(p.mode)}; challenges ${str(p.challenges)})` };
    case 'face.challenge.passed':
      return { level: 'ok', text: `challenge passed: ${str(p.kind)}` };
    case 'face.challenge.failed':
      return { level: 'warn', text: `challenge failed: ${str(p.kind)} (${str(p.reason)})` };
    case 'face.passive':
      return {
        level: p.live ? 'ok' : 'fail',
        text: `passive liveness: ${p.live ? 'live' : 'NOT live'} (blinks ${str(p.blinks)}, non-rigid ${num(p.nonRigid, 3)})`,
      };
    case 'face.liveness.result':
      return {
        level: p.verdict === 'passed' ? 'ok' : 'fail',
        text: `liveness ${str(p.verdict)}${Array.isArray(p.reasons) && p.reasons.length ? `: ${p.reasons.join(', ')}` : ''}`,
      };
    case 'liveness.result':
      return {
        level: p.passed ? 'ok' : 'fail',
        text: `liveness ${p.passed ? 'passed' : 'FAILED'} (challenges ${str(p.challenges)})`,
      };
    case 'ocr.result':
      return {
        level: p.idNumberChecksumValid === false ? 'warn' : 'ok',
        text: `ID card ${str(p.side)} read`,
      };
    case 'face.best-frame':
      return { level: 'info', text: `best frame kept (${str(p.file)}, yaw ${num(p.yaw, 1)}°)` };
    case 'face.multiple':
      return { level: 'warn', text: 'a second face appeared' };
    case 'face.absent':
      return { level: 'warn', text: 'the face left the frame' };
    case 'face.presence':
      return {
        level: typeof p.oneFrontalPct === 'number' && p.oneFrontalPct < 80 ? 'warn' : 'ok',
        text: `presence in "${str(p.segmentId)}": one face ${pct(p.onePresentPct)}, frontal ${pct(p.oneFrontalPct)}, none ${pct(p.noFacePct)}, several ${pct(p.multiplePct)}`,
      };
    case 'capture.camera.opened': {
      const v = p.video as Payload | null;
      return {
        level: 'info',
        text: `camera opened ${str(v?.width)}×${str(v?.height)} @ ${str(v?.frameRate)} fps, echo cancellation ${p.echoCancellation ? 'on' : 'off'}`,
      };
    }
    case 'capture.recording.started':
      return { level: 'info', text: `recording part ${str(p.part)} started (${str(p.mimeType)})` };
    case 'capture.recording.stopped':
      return {
        level: p.reason === 'stopped' ? 'info' : 'warn',
        text: `recording part ${str(p.part)} stopped (${str(p.reason)}), ${Math.round(Number(p.durationMs) / 1000)} s`,
      };
    case 'capture.recording.stats': {
      const a = p.audioLevel as Payload | null;
      return {
        level: Number(p.gaps) > 0 ? 'warn' : 'info',
        text: `recording ${str(p.bitrateKbps)} kbit/s, gaps ${str(p.gaps)}, audio mean ${str(a?.meanDbfs)} dBFS, silent ${pct(Number(a?.silentFraction) * 100)}`,
      };
    }
    case 'capture.recording.gap':
      // The recorder writes `ms` (the interval between two chunks); older builds wrote `gapMs`.
      return { level: 'warn', text: `recording gap: ${str(p.ms ?? p.gapMs)} ms without a chunk` };
    case 'capture.recording.format':
      return { level: 'info', text: `recording format: ${str(p.mimeType)}` };
    case 'capture.visibility':
      return p.state === 'hidden'
        ? { level: 'warn', text: 'the page went to the background (hidden)' }
        : { level: 'info', text: `the page is ${str(p.state)} again` };
    case 'capture.devices.changed':
      return {
        level: 'warn',
        text: `cameras/microphones changed (now ${str(p.videoInputs)} cameras, ${str(p.audioInputs)} microphones)`,
      };
    case 'recording.degraded':
      return { level: 'warn', text: `recording without face analysis (${str(p.reason)})` };
    case 'face.challenge.start':
      return {
        level: 'info',
        text: `challenge ${Number(p.index) + 1}: ${str(p.kind)}${Number(p.attempt) > 1 ? ` (attempt ${str(p.attempt)})` : ''}`,
      };
    case 'face.baseline':
      return { level: 'info', text: 'neutral face baseline measured' };
    case 'face.absent.end':
      return {
        level: 'warn',
        text: `the face was out of frame for ${num(Number(p.durationMs) / 1000, 1)} s`,
      };
    case 'face.multiple.end':
      return {
        level: 'warn',
        text: `a second face for ${num(Number(p.durationMs) / 1000, 1)} s (up to ${str(p.maxCount)} faces)`,
      };
    case 'ocr.card.rejected':
      return {
        level: 'warn',
        text: `ID card ${str(p.side)} not accepted (${str(p.reason)}), attempt ${str(p.attempt)}`,
      };
    case 'ocr.card.retake':
      return { level: 'info', text: `the applicant chose to retake the ID card ${str(p.side)}` };
    case 'ui.locale':
      return { level: 'info', text: `language switched to ${str(p.locale)}` };
    case 'ui.elder-mode':
      return { level: 'info', text: `elder mode ${p.on ? 'on' : 'off'}` };
    case 'capture.interrupted':
      return {
        level: 'warn',
        text: `INTERRUPTED (${str(p.reason)}), gap ${Math.round(Number(p.gapMs) / 1000)} s`,
      };
    case 'capture.camera.ended':
      return { level: 'warn', text: `camera/microphone track ended (${str(p.kind)})` };
    case 'capture.segment.start':
      return {
        level: 'info',
        text: `segment "${str(p.segmentId)}" starts at ${Math.round(Number(p.at) / 1000)} s of part ${str(p.part)}`,
      };
    case 'capture.segment.end':
      return { level: 'info', text: `segment "${str(p.segmentId)}" ends` };
    case 'speech.segment':
      return {
        level: p.outcome === 'passed' || p.outcome === 'shown' || p.outcome === 'confirmed' ? 'ok' : 'warn',
        text: `segment "${str(p.segmentId)}" (${str(p.kind)}): ${str(p.outcome)}${Array.isArray(p.reasons) && p.reasons.length ? ` — ${p.reasons.join(', ')}` : ''}`,
      };
    case 'speech.tap':
      return { level: 'ok', text: `applicant tapped "${str(p.choice)}" for "${str(p.segmentId)}"` };
    case 'speech.reprompt':
      return { level: 'warn', text: `re-prompted "${str(p.segmentId)}" (${str(p.reason)})` };
    case 'speech.flow.end':
      return {
        level: p.outcome === 'completed' ? 'ok' : 'fail',
        text: `disclosure script ${str(p.outcome)}`,
      };
    case 'session.step.failed':
      return {
        level: 'warn',
        text: `step ${str(p.step)} failed (${str(p.code)})${p.retryable ? ', retried' : ''}`,
      };
    case 'session.end':
      return { level: p.status === 'completed' ? 'ok' : 'warn', text: `session ended: ${str(p.status)}` };
    default:
      return { level: 'info', text: type };
  }
}

/** Events too frequent or too internal for the timeline (they stay in events.jsonl). */
const QUIET = new Set([
  'speech.prompt',
  'speech.segment.start',
  'speech.attempt',
  'face.feedback',
  'speech.script',
]);

export function buildReport(input: ReportInput): ReportModel {
  const { verdict } = input;
  const manifest: Manifest | null = verdict.manifest;
  const events = input.events ?? [];
  const reasons = verdict.reasons.map((r) => `${r.code}${r.file ? ` (${r.file})` : ''}: ${r.detail}`);
  const notices = verdict.notices.map((n) => `${n.code}${n.file ? ` (${n.file})` : ''}: ${n.detail}`);

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
    const { level, text } = describe(e.type, e.payload);
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
    timeline.push({ t: e.t, wall: e.wall, type: e.type, level, text, recordingMs, part });
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
    return {
      id,
      kind: str(start?.payload.kind ?? result?.payload.kind),
      topic: str(start?.payload.topic),
      text: typeof text === 'string' ? text : null,
      outcome: str(result?.payload.outcome) || 'not reached',
      reasons: Array.isArray(result?.payload.reasons) ? (result.payload.reasons as string[]) : [],
      attempts: Number(result?.payload.attempts ?? 0),
      speech: sp
        ? `voice ${pct(Number(sp.speechRatio) * 100)} of ${Math.round(Number(sp.durationMs) / 1000)} s, level ${str(sp.speechLevelDb)} dB`
        : null,
      lipSync: lip ? `lip sync ${num(lip.score)}${lip.issue ? ` (${str(lip.issue)})` : ''}` : null,
      presence: presence
        ? `frontal ${pct(presence.payload.oneFrontalPct)}, several faces ${pct(presence.payload.multiplePct)}`
        : null,
      answer: tap
        ? `tapped ${str(tap.payload.choice)}`
        : attempt?.payload.answer
          ? str(attempt.payload.answer)
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
            value: str(f.value ?? f.text),
            status: str(f.status),
          }))
        : Object.entries(e.sealedFields).map(([name, v]) => ({ name, value: str(v), status: '' }));
      const valid = e.payload.idNumberValid ?? e.payload.idNumberChecksumValid;
      return { side: str(e.payload.side), idNumberValid: typeof valid === 'boolean' ? valid : null, fields };
    });

  const liveness = events
    .filter(
      (e) =>
        e.type.startsWith('face.liveness') ||
        e.type === 'face.passive' ||
        e.type.startsWith('face.challenge') ||
        e.type === 'liveness.result',
    )
    .map((e) => describe(e.type, e.payload).text);
  const interruptions = events
    .filter(
      (e) =>
        e.type === 'capture.interrupted' ||
        e.type === 'capture.recording.gap' ||
        e.type === 'capture.camera.ended' ||
        (e.type === 'capture.visibility' && e.payload.state === 'hidden'),
    )
    .map((e) => `${e.wall}: ${describe(e.type, e.payload).text}`);

  const checks: CheckRow[] = [
    {
      name: 'Bundle integrity and signatures',
      level: verdict.valid ? 'ok' : 'fail',
      detail: verdict.valid
        ? 'every file hash, the event chain, the device signature and the lender ticket verify'
        : reasons.join('; '),
    },
    {
      name: 'RFC 3161 time-stamp',
      level: input.timestamp
        ? input.timestamp.verified === false
          ? 'fail'
          : input.timestamp.verified
            ? 'ok'
            : 'warn'
        : 'warn',
      detail: input.timestamp
        ? `${input.timestamp.genTime} by ${input.timestamp.tsa}${input.timestamp.verified === null ? ' (not checked: no TSA certificate given)' : input.timestamp.verified ? ' (token verified)' : ` (INVALID: ${input.timestamp.detail ?? ''})`}`
        : 'no time-stamp token beside the bundle',
    },
    {
      name: 'Decrypted with the lender key',
      level: input.events ? 'ok' : 'warn',
      detail: input.events
        ? 'media and sealed fields decrypted and authenticated'
        : 'not opened (no private key, or the bundle is invalid)',
    },
  ];
  if (input.events) {
    const live = events.find((e) => e.type === 'face.liveness.result' || e.type === 'liveness.result');
    const livePassed = live?.payload.verdict === 'passed' || live?.payload.passed === true;
    checks.push({
      name: 'Liveness',
      level: livePassed ? 'ok' : live ? 'fail' : 'warn',
      detail: live ? describe(live.type, live.payload).text : 'no liveness result',
    });
    const flow = events.find((e) => e.type === 'speech.flow.end');
    checks.push({
      name: 'Risk disclosure and confirmations',
      level: flow?.payload.outcome === 'completed' ? 'ok' : 'fail',
      detail: flow
        ? `script ${str(flow.payload.outcome)}; ${segments.filter((s) => s.outcome !== 'not reached').length} of ${segments.length} segments`
        : 'the script did not run',
    });
    const presenceLow = segments.filter(
      (s) =>
        s.presence &&
        /frontal (\d+)%/.exec(s.presence) &&
        Number(/frontal (\d+)%/.exec(s.presence)?.[1]) < 80,
    );
    // A segment without a face.presence event was not measured (e.g. recording.degraded: no face
    // model): that is not evidence that the applicant was visible.
    const unmeasured = segments.filter((s) => s.outcome !== 'not reached' && !s.presence);
    const degraded = events.find((e) => e.type === 'recording.degraded');
    checks.push({
      name: 'Applicant visible throughout',
      level: presenceLow.length || unmeasured.length || segments.length === 0 ? 'warn' : 'ok',
      detail:
        presenceLow.length || unmeasured.length || segments.length === 0
          ? [
              presenceLow.length ? `below 80% frontal in: ${presenceLow.map((s) => s.id).join(', ')}` : '',
              unmeasured.length
                ? `not measured in: ${unmeasured.map((s) => s.id).join(', ')}${degraded ? ` (${str(degraded.payload.reason)})` : ''}`
                : '',
              segments.length === 0 ? 'no script segments to measure' : '',
            ]
              .filter(Boolean)
              .join('; ')
          : 'one frontal face in every segment (≥ 80%)',
    });
    checks.push({
      name: 'ID card',
      level: ocr.length === 0 ? 'warn' : ocr.every((o) => o.idNumberValid !== false) ? 'ok' : 'fail',
      detail: ocr.length
        ? ocr
            .map(
              (o) =>
                `${o.side}${o.idNumberValid === null ? '' : o.idNumberValid ? ' (ID number checksum valid)' : ' (ID number checksum INVALID)'}`,
            )
            .join(', ')
        : 'no ID card read',
    });
    checks.push({
      name: 'Continuous recording',
      level: interruptions.length ? 'warn' : 'ok',
      detail: interruptions.length ? interruptions.join('; ') : 'no interruption or gap recorded',
    });
  }

  const claims = input.ticketClaims ?? {};
  const facts: [string, string][] = [
    ['Bundle', `${input.source} — ${input.bundleSize} bytes, SHA-256 ${input.bundleSha256}`],
    ['Session', manifest ? manifest.sessionId : '—'],
    ['Lender', manifest ? manifest.lenderId : '—'],
    ['Device time', manifest ? `${manifest.startedAt} → ${manifest.endedAt} (the device's claim)` : '—'],
    ['Script', manifest ? `${manifest.script.id}, SHA-256 ${manifest.script.sha256}` : '—'],
    [
      'Ticket',
      manifest
        ? `nonce ${str(claims.nonce)}, issued ${claims.iat ? new Date(Number(claims.iat) * 1000).toISOString() : '?'}, expires ${claims.exp ? new Date(Number(claims.exp) * 1000).toISOString() : '?'}`
        : '—',
    ],
    [
      'Device key',
      manifest
        ? `thumbprint ${str((claims.cnf as Payload | undefined)?.jkt)} (${manifest.deviceKey.kty} ${str((manifest.deviceKey as unknown as Payload).crv)})`
        : '—',
    ],
    ['SDK', manifest ? `${manifest.sdk.name} ${manifest.sdk.version}` : '—'],
    [
      'Device',
      manifest
        ? Object.entries(manifest.device)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')
        : '—',
    ],
    ['Events', manifest ? `${manifest.events.count}, chain head ${manifest.events.lastHash}` : '—'],
  ];
  if (manifest?.synthetic) facts.unshift(['Synthetic', 'this is a SAMPLE bundle, not a real session']);

  return {
    title: `dualrec audit report — ${manifest?.sessionId ?? input.source}`,
    generatedAt: input.generatedAt,
    valid: verdict.valid,
    opened: input.events !== null,
    reasons,
    notices,
    checks,
    facts,
    steps: (manifest?.steps ?? []).map((s) => ({
      name: s.name,
      status: s.status,
      summary: Object.entries(s.summary)
        .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(', '),
    })),
    timeline,
    segments,
    ocr,
    liveness,
    interruptions,
    media: input.media,
  };
}
