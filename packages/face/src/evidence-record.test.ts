import {
  BundleWriter,
  bytesSource,
  EvidenceLog,
  generateContentKey,
  generateDeviceKey,
  generateKeyPairJwk,
  isDualrecError,
  issueTicket,
  MemorySink,
  openBundle,
  SESSION_START,
  sha256Hex,
  verify,
} from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';
import { faceEvent } from './events.js';
import { FaceEvidenceSink, recordBestFrame } from './evidence-record.js';

async function session() {
  const encryption = await generateKeyPairJwk('encryption');
  const ticketSigning = await generateKeyPairJwk('ticket-signing');
  const deviceKey = await generateDeviceKey();
  const sessionId = 'face-evidence-test';
  const nonce = 'a1b2c3d4e5f60718';
  const ticket = await issueTicket(
    {
      lenderId: 'lender.example',
      sessionId,
      scriptId: 'no-script',
      nonce,
      deviceKeyThumbprint: deviceKey.thumbprint,
    },
    ticketSigning.privateJwk,
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
    sdk: { name: '@dualrec/face test', version: '0.1.0' },
    device: { platform: 'node-test' },
    script: { id: 'no-script', sha256: '0'.repeat(64), segments: [] },
  });
  const log = new EvidenceLog({ sessionId, contentKey });
  await log.append(SESSION_START, { sessionId, scriptId: 'no-script', ticketNonce: nonce });
  return { encryption, ticketSigning, writer, log, sink };
}

/** A JPEG-shaped payload: recordBestFrame checks the SOI marker and the hash, not the image. */
function fakeJpeg(): Uint8Array {
  const bytes = new Uint8Array(3000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

describe('face evidence', () => {
  it('logs face events in order and seals the best frame; the bundle verifies and gives the JPEG back', async () => {
    const s = await session();
    const sink = new FaceEvidenceSink(s.log);
    sink.emit(faceEvent('face.liveness.start', 10, { mode: 'passive', challenges: [] }));
    sink.emit(faceEvent('face.multiple', 20, { count: 2 }));
    sink.emit(
      faceEvent('face.multiple.end', 30, {
        start: 20,
        end: 30,
        durationMs: 10,
        maxCount: 2,
        persistent: false,
      }),
    );
    sink.emit(faceEvent('face.liveness.result', 40, { verdict: 'passed', reasons: [] }));
    await sink.settled();
    const jpeg = fakeJpeg();
    const sha256 = await sha256Hex(jpeg);
    const recorded = await recordBestFrame({
      log: s.log,
      writer: s.writer,
      bestFrame: {
        jpeg: new Blob([jpeg as BlobPart], { type: 'image/jpeg' }),
        sha256,
        event: faceEvent('face.best-frame', 35, { score: 0.8, sha256, width: 640, height: 480 }),
      },
    });
    expect(recorded.file).toMatchObject({ name: 'media/best-frame.jpg', role: 'best-frame' });
    await s.log.append('session.end', { status: 'completed' });
    await s.writer.finish(s.log);
    const bundle = await s.sink.bytes();

    const verdict = await verify(bytesSource(bundle), { ticketKeys: [s.ticketSigning.publicJwk] });
    expect(verdict.reasons).toEqual([]);
    const opened = await openBundle(bytesSource(bundle), {
      decryptionKey: s.encryption.privateJwk,
      ticketKeys: [s.ticketSigning.publicJwk],
    });
    expect(opened.events.map((e) => e.type)).toEqual([
      SESSION_START,
      'face.liveness.start',
      'face.multiple',
      'face.multiple.end',
      'face.liveness.result',
      'face.best-frame',
      'session.end',
    ]);
    expect(opened.events[2]?.payload).toEqual({ count: 2, at: 20 });
    expect(opened.events[5]?.payload).toMatchObject({ file: 'media/best-frame.jpg', sha256, at: 35 });
    const parts: Uint8Array[] = [];
    for await (const part of opened.decryptFile('media/best-frame.jpg')) parts.push(part);
    expect(Buffer.concat(parts).equals(Buffer.from(jpeg))).toBe(true);
  }, 30_000);

  it('refuses a non-JPEG or a frame whose bytes no longer match its hash; surfaces a failed append', async () => {
    const s = await session();
    const jpeg = fakeJpeg();
    const event = faceEvent('face.best-frame', 1, {});
    const notJpeg = await recordBestFrame({
      log: s.log,
      writer: s.writer,
      bestFrame: { jpeg: new Blob([new Uint8Array([1, 2, 3, 4])]), sha256: 'x', event },
    }).catch((e: unknown) => e);
    const changed = await recordBestFrame({
      log: s.log,
      writer: s.writer,
      bestFrame: { jpeg: new Blob([jpeg as BlobPart]), sha256: '0'.repeat(64), event },
    }).catch((e: unknown) => e);
    expect([notJpeg, changed].map((e) => isDualrecError(e) && e.code)).toEqual([
      'FACE_FRAME_INVALID',
      'FACE_FRAME_INVALID',
    ]);
    await s.log.append('session.end', { status: 'completed' });
    const sink = new FaceEvidenceSink(s.log);
    sink.emit(faceEvent('face.absent', 5));
    await expect(sink.settled()).rejects.toMatchObject({ code: 'EVIDENCE_LOG_INVALID' });
  });
});
