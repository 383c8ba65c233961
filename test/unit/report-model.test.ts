/**
 * The audit report on a bundle shaped like a real SDK session, not the synthetic sample: events
 * with the payloads and sealed fields the producers write (face/events.ts, speech/events.ts,
 * ocr/events.ts + evidence-record.ts, capture's recorder/recovery), a recording and an ID photo,
 * all sealed, signed and verified for real. Checks that the report reads those shapes (face
 * presence per segment, challenges, speech measures, OCR fields with their status, interruptions,
 * seek positions on the recording), keeps unknown events, decrypts the media into the page, escapes
 * what the bundle says, and that a tampered copy puts its reason first and holds no personal data.
 */
import {
  BundleWriter,
  bytesSource,
  EvidenceLog,
  generateContentKey,
  generateDeviceKey,
  generateKeyPairJwk,
  issueTicket,
  type JsonValue,
  MemorySink,
  type PrivateJwk,
  type PublicJwk,
  sha256Hex,
} from '@dualrec/evidence';
import type { OcrCapturedPayload, OcrResultPayload } from '@dualrec/ocr';
import { beforeAll, describe, expect, it } from 'vitest';
// @dualrec/report is not a dependency of the test suite package; its source is imported directly.
import {
  formatInstant,
  prepareReport,
  REPORT_MESSAGES,
  type ReportModel,
} from '../../packages/report/src/index.js';
import { englishLeft } from './report-words.js';

const SCRIPT = [
  { id: 'risk', text: '本人已知悉年化利率为百分之十八。' },
  { id: 'confirm-rate', text: '您是否确认年化利率为百分之十八？' },
];
const HOSTILE = '<img src=x onerror="alert(1)">';
const RECORDING = globalThis.crypto.getRandomValues(new Uint8Array(40_000));
const PHOTO = globalThis.crypto.getRandomValues(new Uint8Array(3_000));

let ticketPublic: PublicJwk;
let encryptionPrivate: PrivateJwk;
let bundle: Uint8Array;

const SESSION_START = Date.parse('2026-11-23T08:00:00Z');

/** A session as the SDK writes it; `degraded`: recorded without the face model (no presence). */
async function sessionBundle(
  options: { degraded?: boolean; locale?: 'zh-CN' | 'en' } = {},
): Promise<Uint8Array> {
  const ticketKeys = await generateKeyPairJwk('ticket-signing');
  const encryption = await generateKeyPairJwk('encryption');
  ticketPublic = ticketKeys.publicJwk;
  encryptionPrivate = encryption.privateJwk;
  const deviceKey = await generateDeviceKey();
  const sessionId = 'report-model-test';
  const ticket = await issueTicket(
    {
      lenderId: 'lender.example',
      sessionId,
      scriptId: 'loan-v1',
      nonce: 'n0nce-report-model',
      deviceKeyThumbprint: deviceKey.thumbprint,
      // Issued at the fixed session start below: the verifier compares them, so the test must not follow the wall clock.
      now: SESSION_START,
    },
    ticketKeys.privateJwk,
  );
  const contentKey = generateContentKey();
  const sink = new MemorySink();
  const writer = BundleWriter.create({
    sink,
    sessionId,
    lenderId: 'lender.example',
    ticket,
    deviceKey,
    contentKey,
    recipients: [encryption.publicJwk],
    sdk: { name: '@dualrec/sdk', version: '0.1.0' },
    device: { platform: 'test' },
    script: {
      id: 'loan-v1',
      sha256: await sha256Hex(new TextEncoder().encode(SCRIPT.map((s) => s.text).join('\n'))),
      segments: SCRIPT.map((s) => s.id),
    },
  });
  // 100 ms per event on both clocks: a deterministic timeline.
  let t = 0;
  const start = SESSION_START;
  const log = new EvidenceLog({
    sessionId,
    contentKey,
    clock: {
      monotonic: () => t,
      wall: () => {
        t += 100;
        return start + t;
      },
    },
  });
  const add = (type: string, payload: { [k: string]: JsonValue }, sealed?: { [k: string]: JsonValue }) =>
    log.append(type, payload, sealed ? { sealed } : {});
  const json = (v: unknown) => v as { [k: string]: JsonValue };

  await add('session.start', { locale: options.locale ?? 'zh-CN', elderMode: false, mode: 'full' });
  await add('support.report', { mode: 'full' });
  await add('consent.given', { scope: 'face-data', textSha256: 'ab'.repeat(32) });
  await writer.addMedia({ name: 'media/id-card-front.jpg', role: 'id-card', mediaType: 'image/jpeg' }, [
    PHOTO,
  ]);
  const captured: OcrCapturedPayload = {
    v: 1,
    side: 'front',
    image: {
      file: 'media/id-card-front.jpg',
      sha256: await sha256Hex(PHOTO),
      mime: 'image/jpeg',
      width: 856,
      height: 540,
    },
    trigger: 'auto',
    corners: null,
    quality: null,
  };
  await add('ocr.card.captured', json(captured));
  // As recordCardCapture writes it: the facts in clear, the fields sealed.
  const { fields, ...facts }: OcrResultPayload = {
    v: 1,
    side: 'front',
    imageSha256: captured.image.sha256,
    found: true,
    engine: { name: 'tesseract.js', langData: 'test' },
    fields: {
      name: { value: '张三', text: '张三', confidence: 91, status: 'verified', issues: [] },
      idNumber: {
        value: '110105194912310021',
        text: '110105194912310021',
        confidence: 88,
        status: 'invalid',
        issues: [],
      },
      address: { value: HOSTILE, text: HOSTILE, confidence: 70, status: 'needs-confirmation', issues: [] },
    },
    idNumberValid: false,
    timings: { totalMs: 1200 },
  };
  await add('ocr.card.result', json(facts), json({ fields }));
  await add('face.liveness.start', { mode: 'active', challenges: ['blink', 'turn-left'] });
  await add('face.challenge.start', { index: 0, kind: 'blink', attempt: 1 });
  await add('face.challenge.passed', { index: 0, kind: 'blink', attempt: 1, elapsedMs: 900, measure: 0.4 });
  await add('face.challenge.failed', {
    index: 1,
    kind: 'turn-left',
    attempt: 1,
    reason: 'timeout',
    retry: true,
  });
  await add('face.challenge.passed', {
    index: 1,
    kind: 'turn-left',
    attempt: 2,
    elapsedMs: 1500,
    measure: 21,
  });
  await add('face.liveness.result', { verdict: 'passed', reasons: [], durationMs: 6000 });
  await add('capture.recording.started', { part: 1, name: 'media/recording-1.webm', mimeType: 'video/webm' });
  if (options.degraded) await add('recording.degraded', { reason: 'face-model-unavailable', detail: 'test' });
  await add(
    'speech.script',
    { scriptId: 'loan-v1', segmentIds: SCRIPT.map((s) => s.id) },
    { script: { segments: SCRIPT } },
  );
  await add('capture.segment.start', { segmentId: 'risk', part: 1, at: 1000 });
  await add('speech.segment.start', {
    segmentId: 'risk',
    index: 0,
    kind: 'read-aloud',
    topic: 'rate',
    attempt: 1,
  });
  await add('speech.attempt', {
    segmentId: 'risk',
    attempt: 1,
    verdict: 'passed',
    reasons: [],
    speech: { speechRatio: 0.8, durationMs: 6000, speechLevelDb: -21 },
    lipSync: { score: 0.71 },
  });
  if (!options.degraded)
    await add('face.presence', {
      segmentId: 'risk',
      onePresentPct: 99,
      oneFrontalPct: 95,
      noFacePct: 1,
      multiplePct: 0,
    });
  await add('speech.segment', {
    segmentId: 'risk',
    kind: 'read-aloud',
    outcome: 'passed',
    attempts: 1,
    reasons: [],
  });
  await add('capture.segment.end', { segmentId: 'risk', part: 1, at: 7500 });
  await add('capture.recording.gap', { part: 1, at: 7600, ms: 2600 });
  await add('capture.segment.start', { segmentId: 'confirm-rate', part: 1, at: 11000 });
  await add('speech.segment.start', {
    segmentId: 'confirm-rate',
    index: 1,
    kind: 'confirm',
    topic: 'rate',
    attempt: 1,
  });
  await add('speech.tap', { segmentId: 'confirm-rate', choice: 'yes' });
  if (!options.degraded)
    await add('face.presence', {
      segmentId: 'confirm-rate',
      onePresentPct: 65,
      oneFrontalPct: 60,
      noFacePct: 5,
      multiplePct: 30,
    });
  await add('speech.segment', {
    segmentId: 'confirm-rate',
    kind: 'confirm',
    outcome: 'confirmed',
    attempts: 1,
    reasons: [],
  });
  await add('capture.visibility', { state: 'hidden' });
  await add('capture.interrupted', { reason: 'page-reload', gapMs: 12_000 });
  await add('speech.flow.end', { outcome: 'completed', reasons: [] });
  await add('capture.recording.stopped', { part: 1, reason: 'stopped', durationMs: 15_000 });
  await writer.addMedia({ name: 'media/recording-1.webm', role: 'recording', mediaType: 'video/webm' }, [
    RECORDING,
  ]);
  // An event type the report has no wording for (a newer SDK, or the lender's own).
  await add('lender.note', { by: 'test' });
  await add('session.end', { status: 'completed' });
  await writer.finish(log, [
    { name: 'id-front', status: 'passed', summary: { idNumberValid: false } },
    // As the SDK's liveness step writes it: the challenge kinds as a list.
    {
      name: 'liveness',
      status: 'passed',
      summary: { challenges: ['blink', 'turn-left'], challengesPassed: 2, passiveLive: true },
    },
    { name: 'recording', status: 'passed', summary: { segments: 2 } },
  ]);
  return sink.bytes();
}

/** Every src/href/url() in the markup must be a data: URL or an in-page anchor. */
function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/\b(?:src|href|action|poster)\s*=\s*"([^"]*)"/gi))
    if (!/^(data:|#)/.test(m[1] as string)) found.push(m[0]);
  for (const m of html.matchAll(/url\(\s*['"]?([^'")]+)/gi))
    if (!/^data:/.test(m[1] as string)) found.push(m[0]);
  if (/<link\b/i.test(html)) found.push('<link>');
  return found;
}

const check = (model: ReportModel, id: string) => model.checks.find((c) => c.id === id);

describe('audit report on an SDK-shaped session', () => {
  let model: ReportModel;
  let html: string;
  beforeAll(async () => {
    bundle = await sessionBundle();
    ({ model, html } = await prepareReport({
      source: bytesSource(bundle),
      name: 'session.zip',
      ticketKeys: [ticketPublic],
      decryptionKey: encryptionPrivate,
      now: () => new Date('2026-11-23T09:00:00Z'),
      locale: 'en',
      timeZone: 'UTC',
    }));
  });

  it('verifies, opens, and judges each expectation from the events', () => {
    expect(model.reasons).toEqual([]);
    expect(model.valid).toBe(true);
    expect(model.opened).toBe(true);
    expect(check(model, 'liveness')?.level).toBe('ok');
    expect(check(model, 'disclosure')?.level).toBe('ok');
    // 60% frontal and a second face 30% of the time in the confirmation: flagged, by segment.
    expect(check(model, 'presence')).toMatchObject({ level: 'warn' });
    expect(check(model, 'presence')?.detail).toContain('confirm-rate');
    expect(check(model, 'presence')?.detail).not.toContain('risk');
    expect(check(model, 'id-card')?.level).toBe('fail');
    expect(check(model, 'continuity')?.level).toBe('warn');
  });

  it('shows the script as shown, with what was read, confirmed and seen per segment', () => {
    const [risk, confirm] = model.segments;
    expect(risk).toMatchObject({
      id: 'risk',
      kind: 'read-aloud',
      text: SCRIPT[0]?.text,
      outcome: 'passed',
      part: 1,
      recordingMs: 1000,
    });
    expect(risk?.speech).toBe('voice 80% of 6 s, level -21 dB');
    expect(risk?.lipSync).toBe('lip sync 0.71');
    expect(risk?.presence).toBe('frontal 95%, several faces 0%');
    expect(confirm).toMatchObject({ outcome: 'confirmed', answer: 'tapped yes', recordingMs: 11000 });
    expect(confirm?.presence).toBe('frontal 60%, several faces 30%');
  });

  it('lists OCR fields with their validation, the challenges, and the interruptions', () => {
    expect(model.ocr).toHaveLength(1);
    expect(model.ocr[0]?.idNumberValid).toBe(false);
    expect(model.ocr[0]?.fields).toContainEqual({
      name: 'name',
      label: 'name',
      value: '张三',
      status: 'verified',
      statusText: 'verified',
    });
    expect(model.ocr[0]?.fields).toContainEqual({
      name: 'idNumber',
      label: 'ID number (idNumber)',
      value: '110105194912310021',
      status: 'invalid',
      statusText: 'invalid',
    });
    expect(model.liveness).toContainEqual({
      type: 'face.challenge.failed',
      level: 'warn',
      text: 'challenge failed: turn left (turn-left) (timeout)',
    });
    expect(model.liveness.filter((l) => l.type === 'face.challenge.passed')).toHaveLength(2);
    expect(
      model.interruptions.some((i) => i.includes('INTERRUPTED (page reload (page-reload)), gap 12 s')),
    ).toBe(true);
    expect(model.interruptions.some((i) => i.endsWith('recording gap: 2600 ms without a chunk'))).toBe(true);
    expect(model.interruptions.some((i) => i.endsWith('the page went to the background (hidden)'))).toBe(
      true,
    );
  });

  it('words the events it knows, lists the ones it does not, and places events on the recording', () => {
    expect(model.timeline.find((e) => e.type === 'lender.note')).toMatchObject({
      level: 'info',
      text: 'unrecognised event',
    });
    expect(model.timeline.map((e) => e.type)).toContain('capture.visibility');
    expect(model.timeline.map((e) => e.type)).toContain('face.challenge.start');
    const segmentStart = model.timeline.find((e) => e.type === 'capture.segment.start');
    expect(segmentStart).toMatchObject({ part: 1, recordingMs: 1000 });
    // A recorder marker sits at its own recording time, not at the log's clock.
    expect(model.timeline.find((e) => e.type === 'capture.recording.gap')).toMatchObject({
      part: 1,
      recordingMs: 7600,
    });
    expect(model.timeline.find((e) => e.type === 'face.challenge.start')?.text).toBe('challenge 1: blink');
    expect(model.timeline.find((e) => e.type === 'capture.visibility')?.text).toBe(
      'the page went to the background (hidden)',
    );
    // Before the recording started an event has no place on it.
    expect(model.timeline.find((e) => e.type === 'consent.given')?.recordingMs).toBeNull();
  });

  it('renders one self-contained page: decrypted media inline, seek buttons, escaped values, CSP, print CSS', () => {
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;');
    expect(html).toContain('@media print');
    const video = /<video id="recording-1"[^>]* src="data:video\/webm;base64,([^"]+)"/.exec(html);
    expect(video).not.toBeNull();
    expect(new Uint8Array(Buffer.from(video?.[1] as string, 'base64'))).toEqual(RECORDING);
    const img = /<img alt="[^"]*" data-role="id-card" src="data:image\/jpeg;base64,([^"]+)"/.exec(html);
    expect(new Uint8Array(Buffer.from(img?.[1] as string, 'base64'))).toEqual(PHOTO);
    expect(html).toContain('data-part="1" data-ms="11000"');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    // The verdict comes before every other section.
    expect(html.indexOf('id="verdict"')).toBeLessThan(html.indexOf('<h2>'));
  });

  it('recorded without the face model: presence is "not measured", never "visible throughout"', async () => {
    const { model: degraded } = await prepareReport({
      source: bytesSource(await sessionBundle({ degraded: true })),
      name: 'degraded.zip',
      ticketKeys: [ticketPublic],
      decryptionKey: encryptionPrivate,
      locale: 'en',
    });
    expect(degraded.valid).toBe(true);
    expect(check(degraded, 'presence')).toEqual({
      id: 'presence',
      name: 'Applicant visible throughout',
      level: 'warn',
      detail: 'not measured in: risk, confirm-rate (face model unavailable (face-model-unavailable))',
    });
    expect(degraded.timeline.find((e) => e.type === 'recording.degraded')?.level).toBe('warn');
  });

  it('a tampered copy: INVALID, its reason first, nothing decrypted', async () => {
    const tampered = bundle.slice();
    // A byte in the middle of the file: the sealed recording is most of it.
    const at = tampered.length >> 1;
    tampered[at] = (tampered[at] as number) ^ 0x01;
    const { model: bad, html: badHtml } = await prepareReport({
      source: bytesSource(tampered),
      name: 'tampered.zip',
      ticketKeys: [ticketPublic],
      decryptionKey: encryptionPrivate,
      locale: 'en',
    });
    expect(bad.valid).toBe(false);
    expect(bad.opened).toBe(false);
    expect(bad.reasons.length).toBeGreaterThan(0);
    const verdict = badHtml.slice(badHtml.indexOf('id="verdict"'), badHtml.indexOf('</section>'));
    expect(verdict).toContain('INVALID');
    expect(verdict).toContain(bad.reasons[0]?.code as string);
    expect(badHtml).not.toContain('张三');
    expect(badHtml).not.toContain('data:video');
    expect(externalReferences(badHtml)).toEqual([]);
  });

  it('zh-CN (the session’s language, by default): every check, reason and timeline entry in Chinese', async () => {
    // sessionBundle() makes new lender keys each time: a bundle of its own for these keys.
    const { model: zh, html: zhHtml } = await prepareReport({
      source: bytesSource(await sessionBundle()),
      name: 'session.zip',
      ticketKeys: [ticketPublic],
      decryptionKey: encryptionPrivate,
      timeZone: 'Asia/Shanghai',
      now: () => new Date('2026-11-23T09:00:00Z'),
    });
    expect(zh.valid).toBe(true);
    expect(zh.locale).toBe('zh-CN');
    expect(zhHtml).toContain('<html lang="zh-CN">');
    // The applicant's own data (the hostile address) and the script's ids are not wording.
    expect(englishLeft(zhHtml, ['risk', 'rate', 'img', 'src', 'x', 'onerror', 'alert'])).toEqual([]);
    for (const c of zh.checks) expect(c.name, c.id).toMatch(/[\u4e00-\u9fff]/);
    for (const e of zh.timeline) expect(e.text, e.type).toMatch(/[\u4e00-\u9fff]/);
    expect(zh.timeline.find((e) => e.type === 'face.challenge.failed')?.text).toBe(
      '动作未通过：向左转头（turn-left）（超时（timeout））',
    );
    // No raw JSON from the payloads or the step summaries.
    expect(zhHtml).not.toMatch(/\["|\{"/);
    expect(zh.steps.find((x) => x.name === 'liveness')?.summary).toBe(
      '动作数（challenges）：眨眼（blink）、向左转头（turn-left）、通过的动作数（challengesPassed）：2、静默活体确认真人（passiveLive）：是',
    );
    expect(zh.timeline.find((e) => e.type === 'lender.note')?.text).toBe(
      REPORT_MESSAGES['zh-CN']['event.unknown'],
    );
    // Dates in the auditor's zone with the offset: 08:00Z is 16:00 in Shanghai.
    expect(zh.generatedAtText).toBe('2026-11-23 17:00:00 UTC+08:00');
    expect(zh.timeline[0]?.localTime).toBe(
      formatInstant(zh.timeline[0]?.wall as string, 'Asia/Shanghai', { timeOnly: true }),
    );
    expect(zh.timeline[0]?.localTime).toMatch(/^16:00:0\d$/);
    expect(zh.interruptions[0]).toMatch(/^2026-11-23 16:00:\d\d UTC\+08:00：/);
  });

  it('an en session defaults to en, with or without the key; --lang style options win', async () => {
    const enBundle = await sessionBundle({ locale: 'en' });
    const opened = await prepareReport({
      source: bytesSource(enBundle),
      name: 'en.zip',
      ticketKeys: [ticketPublic],
      decryptionKey: encryptionPrivate,
    });
    expect(opened.model.locale).toBe('en');
    // Not opened (no key): read from the clear payload of the first event.
    const closed = await prepareReport({
      source: bytesSource(enBundle),
      name: 'en.zip',
      ticketKeys: [ticketPublic],
    });
    expect(closed.model.opened).toBe(false);
    expect(closed.model.locale).toBe('en');
    const asked = await prepareReport({
      source: bytesSource(enBundle),
      name: 'en.zip',
      ticketKeys: [ticketPublic],
      locale: 'zh-CN',
    });
    expect(asked.html).toContain('<html lang="zh-CN">');
  });
});
