/**
 * Synthetic sample bundles: a complete, valid bundle from any media stream, with plausible OCR,
 * liveness and speech events that are all marked `synthetic: true` (and the manifest too), so
 * anyone can try the verifier without a phone and no sample is mistaken for a real session.
 * Used by `dualrec sample`, the tests and the benchmarks.
 */
import { BundleWriter } from './bundle-writer.js';
import { toHex, utf8 } from './bytes.js';
import type { JsonValue } from './canonical-json.js';
import { sha256Hex } from './digest.js';
import { DualrecError } from './errors.js';
import { type EventClock, EvidenceLog } from './event-log.js';
import { type DeviceKey, generateDeviceKey, type PrivateJwk, type PublicJwk } from './keys.js';
import { generateContentKey } from './keywrap.js';
import type { Manifest } from './manifest.js';
import type { ByteSink, ByteSource } from './streams.js';
import { issueTicket, readTicketUnverified } from './ticket.js';

export const SAMPLE_SCRIPT_SEGMENTS = ['risk-disclosure', 'confirm-rate', 'confirm-voluntary'] as const;

export const SAMPLE_SCRIPT_TEXT = [
  '本人已知悉本次借款年化利率为百分之十八，并自愿承担按期还款的责任。',
  '我确认年化利率为百分之十八。',
  '我确认本次借款是本人自愿申请。',
].join('\n');

export interface SampleOptions {
  sink: ByteSink;
  /** The lender's ticket-signing private key (signs the sample's ticket). */
  ticketSigningKey: PrivateJwk;
  /** The lender's encryption public keys (recipients). */
  recipients: readonly PublicJwk[];
  /** The recording (plaintext) and its MIME type. */
  recording: ByteSource;
  recordingType: string;
  /** Wall-clock start (ms since epoch); defaults to now. */
  startedAt?: number;
  /** Seconds the synthetic session lasts (spreads the events). */
  seconds?: number;
  recordSize?: number;
  /** Tests only: sign the ticket for this thumbprint instead of the device key's. */
  ticketThumbprint?: string;
  /** Tests only: ticket issued at this time (ms) with this lifetime (s). */
  ticketIssuedAt?: number;
  ticketTtlSeconds?: number;
  deviceKey?: DeviceKey;
  sessionId?: string;
  /**
   * A ticket the lender already issued for `deviceKey` (server tests: the ticket must be one the
   * server knows). Its session id, lender id and script id are used; ticketSigningKey is unused.
   */
  ticket?: string;
  /**
   * Extra sealed stills (e.g. an `id-portrait` and a `best-frame` JPEG for face-match tests),
   * added before the recording, each announced by an event of type `event` when given.
   */
  stills?: readonly { name: string; role: string; mediaType: string; bytes: Uint8Array; event?: string }[];
  /** Extra events appended after the stills (e.g. a `face.match` claim), sealed fields included. */
  events?: readonly {
    type: string;
    payload: { [key: string]: JsonValue };
    sealed?: { [key: string]: JsonValue };
  }[];
}

export interface SampleResult {
  manifest: Manifest;
  size: number;
  deviceKey: DeviceKey;
}

/** A clock that advances a fixed step per reading: deterministic spacing for synthetic events. */
function syntheticClock(startMs: number, stepMs: number): EventClock {
  let t = 0;
  return {
    monotonic: () => t,
    wall: () => {
      const now = startMs + t;
      t += stepMs;
      return now;
    },
  };
}

export async function writeSampleBundle(options: SampleOptions): Promise<SampleResult> {
  const startedAt = options.startedAt ?? Date.now();
  const seconds = options.seconds ?? 6;
  const deviceKey = options.deviceKey ?? (await generateDeviceKey());
  const given = options.ticket ? readTicketUnverified(options.ticket)?.claims : undefined;
  if (options.ticket && !given) throw new DualrecError('BAD_USAGE', { detail: 'ticket is not a JWT' });
  const sessionId =
    (given?.sid as string | undefined) ??
    options.sessionId ??
    `sample-${toHex(globalThis.crypto.getRandomValues(new Uint8Array(8)))}`;
  const lenderId = (given?.iss as string | undefined) ?? 'lender.example';
  const scriptId = (given?.script as string | undefined) ?? 'loan-disclosure-zh-CN-v1';
  const nonce =
    (given?.nonce as string | undefined) ?? toHex(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const ticket =
    options.ticket ??
    (await issueTicket(
      {
        lenderId,
        sessionId,
        scriptId,
        nonce,
        deviceKeyThumbprint: options.ticketThumbprint ?? deviceKey.thumbprint,
        now: options.ticketIssuedAt ?? startedAt - 30_000,
        ttlSeconds: options.ticketTtlSeconds ?? 15 * 60,
      },
      options.ticketSigningKey,
    ));
  const contentKey = generateContentKey();
  const writer = BundleWriter.create({
    sink: options.sink,
    sessionId,
    lenderId,
    ticket,
    deviceKey,
    contentKey,
    recipients: options.recipients,
    sdk: { name: '@dualrec/evidence', version: '0.1.0' },
    device: { platform: 'synthetic', userAgent: 'dualrec sample', mlSupported: true },
    script: {
      id: scriptId,
      sha256: await sha256Hex(utf8(SAMPLE_SCRIPT_TEXT)),
      segments: [...SAMPLE_SCRIPT_SEGMENTS],
    },
    synthetic: true,
    ...(options.recordSize ? { recordSize: options.recordSize } : {}),
  });
  const log = new EvidenceLog({
    sessionId,
    contentKey,
    clock: syntheticClock(startedAt, Math.max(1, (seconds * 1000) / 12)),
  });
  const synthetic = true;
  await log.append('session.start', { sessionId, scriptId, ticketNonce: nonce, synthetic });
  await log.append('consent.given', { scope: 'face-data', pipl: 'separate-consent', synthetic });
  await log.append(
    'ocr.result',
    { side: 'front', idNumberChecksumValid: true, meanConfidence: 0.93, synthetic },
    { sealed: { name: '样本', idNumber: '11010519491231002X', sex: '女', birthDate: '1949-12-31' } },
  );
  await log.append('liveness.result', {
    challenges: ['blink', 'turn-head'],
    passed: true,
    blinkPeak: 0.72,
    yawRangeDeg: 14,
    singleFace: true,
    synthetic,
  });
  for (const still of options.stills ?? []) {
    const file = await writer.addMedia({ name: still.name, role: still.role, mediaType: still.mediaType }, [
      still.bytes,
    ]);
    if (still.event)
      await log.append(still.event, {
        file: still.name,
        sha256: await sha256Hex(still.bytes),
        size: file.size,
        synthetic,
      });
  }
  for (const event of options.events ?? [])
    await log.append(event.type, event.payload, event.sealed ? { sealed: event.sealed } : {});
  const recordingName = 'media/recording.webm.enc';
  await log.append('recording.start', { file: recordingName, mediaType: options.recordingType, synthetic });
  const recording = await writer.addMedia(
    { name: recordingName, role: 'recording', mediaType: options.recordingType },
    options.recording,
  );
  const transcripts = SAMPLE_SCRIPT_TEXT.split('\n');
  for (const [index, segmentId] of SAMPLE_SCRIPT_SEGMENTS.entries()) {
    await log.append(
      'speech.segment',
      { segmentId, characterErrorRate: 0.03, lipSync: 0.81, voiced: true, synthetic },
      { sealed: { transcript: transcripts[index] ?? '' } },
    );
  }
  await log.append('recording.stop', {
    file: recordingName,
    size: recording.size,
    records: recording.encryption?.records ?? 0,
    synthetic,
  });
  await log.append('session.end', { status: 'completed', synthetic });
  const { manifest, size } = await writer.finish(log, [
    { name: 'consent', status: 'passed', summary: { synthetic } },
    { name: 'ocr', status: 'passed', summary: { fields: 4, synthetic } },
    { name: 'liveness', status: 'passed', summary: { challenges: 2, synthetic } },
    { name: 'read-aloud', status: 'passed', summary: { segments: SAMPLE_SCRIPT_SEGMENTS.length, synthetic } },
  ]);
  return { manifest, size, deviceKey };
}
