import { resolve } from 'node:path';
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
  verify,
} from '@dualrec/evidence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specimen } from '../../../test/fixtures/id-card/node.js';
import { SPECIMEN_NOW } from '../../../test/fixtures/id-card/specimen.js';
import { OCR_EVENT_CAPTURED, OCR_EVENT_PORTRAIT, OCR_EVENT_RESULT } from './events.js';
import { recordCardCapture, recordPortrait } from './evidence-record.js';
import { decodeImage } from './node/decode.js';
import { type CardReadResult, createOcrReader, type OcrReader } from './reader.js';

const LANG = resolve(import.meta.dirname, '../../../assets-dist/tesseract/lang');
const SEED = 20261123;

let reader: OcrReader;
beforeAll(() => {
  reader = createOcrReader({
    tesseract: { langPath: LANG, workers: { chi_sim: 1 } },
    clock: () => SPECIMEN_NOW,
  });
});
afterAll(() => reader.close());

/** A real session skeleton: lender keys, device key, ticket, log and writer. */
async function session() {
  const encryption = await generateKeyPairJwk('encryption');
  const ticketSigning = await generateKeyPairJwk('ticket-signing');
  const deviceKey = await generateDeviceKey();
  const sessionId = 'ocr-evidence-test';
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
    sdk: { name: '@dualrec/ocr test', version: '0.1.0' },
    device: { platform: 'node-test' },
    script: { id: 'no-script', sha256: '0'.repeat(64), segments: [] },
  });
  const log = new EvidenceLog({ sessionId, contentKey });
  await log.append(SESSION_START, { sessionId, scriptId: 'no-script', ticketNonce: nonce });
  return { encryption, ticketSigning, writer, log, sink };
}

describe('recordCardCapture', () => {
  it('seals the card photo and the read fields into a bundle that verifies; personal data is not in clear', async () => {
    const card = await specimen(SEED, 'clean', 0, 'front');
    const result: CardReadResult = await reader.read(decodeImage(card.bytes), { side: 'front' });
    if (!result.found || result.side !== 'front') throw new Error('the specimen should read as a front side');
    expect(result.fields.idNumber.value).toBe(card.identity.idNumber);

    const s = await session();
    const recorded = await recordCardCapture({
      log: s.log,
      writer: s.writer,
      side: 'front',
      image: { bytes: card.bytes, mime: card.mime, width: 1600, height: 1200 },
      result,
      trigger: 'auto',
    });
    expect(recorded.image.file).toBe(`media/id-card-front.${card.mime === 'image/png' ? 'png' : 'jpg'}`);
    await s.log.append('session.end', { status: 'completed' });
    await s.writer.finish(s.log);
    const bundle = await s.sink.bytes();

    // Valid without any private key.
    const verdict = await verify(bytesSource(bundle), { ticketKeys: [s.ticketSigning.publicJwk] });
    expect(verdict.reasons).toEqual([]);
    expect(verdict.valid).toBe(true);

    // Neither the name nor the number appears anywhere in the bundle's bytes.
    const raw = Buffer.from(bundle);
    expect(raw.includes(Buffer.from(card.identity.idNumber))).toBe(false);
    expect(raw.includes(Buffer.from(card.identity.name))).toBe(false);

    // With the lender's key: the fields and the exact photo come back.
    const opened = await openBundle(bytesSource(bundle), {
      decryptionKey: s.encryption.privateJwk,
      ticketKeys: [s.ticketSigning.publicJwk],
    });
    const capturedEvent = opened.events.find((e) => e.type === OCR_EVENT_CAPTURED);
    expect(capturedEvent?.payload).toMatchObject({ side: 'front', trigger: 'auto', image: recorded.image });
    const resultEvent = opened.events.find((e) => e.type === OCR_EVENT_RESULT);
    expect(resultEvent?.payload).toMatchObject({ side: 'front', found: true, idNumberValid: true });
    expect(JSON.stringify(resultEvent?.payload)).not.toContain(card.identity.idNumber);
    const sealed = resultEvent?.sealedFields as unknown as
      | { fields: Record<string, { value: unknown }> }
      | undefined;
    expect(sealed?.fields.idNumber?.value).toBe(card.identity.idNumber);
    expect(sealed?.fields.name?.value).toBe(card.identity.name);
    const parts: Uint8Array[] = [];
    for await (const part of opened.decryptFile(recorded.image.file)) parts.push(part);
    expect(Buffer.concat(parts).equals(Buffer.from(card.bytes))).toBe(true);

    // Changing one byte of the sealed photo is caught.
    const entry = raw.indexOf(Buffer.from(recorded.image.file));
    const tampered = new Uint8Array(bundle);
    const at = entry + recorded.image.file.length + 200;
    tampered[at] = (tampered[at] as number) ^ 0x01;
    const bad = await verify(bytesSource(tampered), { ticketKeys: [s.ticketSigning.publicJwk] });
    expect(bad.valid).toBe(false);
  }, 60_000);

  it('refuses an empty image, an unknown type and a result from the other side', async () => {
    const s = await session();
    const base = { log: s.log, writer: s.writer, side: 'front' as const, trigger: 'manual' as const };
    const errors = await Promise.all([
      recordCardCapture({
        ...base,
        image: { bytes: new Uint8Array(0), mime: 'image/png', width: 1, height: 1 },
      }).catch((e: unknown) => e),
      recordCardCapture({
        ...base,
        image: { bytes: new Uint8Array([1]), mime: 'image/gif' as 'image/png', width: 1, height: 1 },
      }).catch((e: unknown) => e),
    ]);
    expect(errors.map((e) => isDualrecError(e) && e.code)).toEqual([
      'OCR_IMAGE_INVALID',
      'OCR_IMAGE_INVALID',
    ]);
    const back = await specimen(SEED, 'clean', 0, 'back');
    const result = await reader.read(decodeImage(back.bytes), { side: 'back' });
    const wrongSide = await recordCardCapture({
      ...base,
      image: { bytes: back.bytes, mime: back.mime, width: 1, height: 1 },
      result,
    }).catch((e: unknown) => e);
    expect(isDualrecError(wrongSide, 'BAD_USAGE')).toBe(true);
  }, 60_000);
});

describe('recordPortrait', () => {
  it('seals the ID portrait as its own still, bound to the card photo, in a bundle that verifies', async () => {
    const s = await session();
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
    const recorded = await recordPortrait({
      log: s.log,
      writer: s.writer,
      image: { bytes: jpeg, mime: 'image/jpeg', width: 336, height: 408 },
      sourceSha256: 'ab'.repeat(32),
      quad: [
        [10.04, 20],
        [110, 20],
        [110, 140],
        [10, 140],
      ],
      fromOutline: true,
    });
    expect(recorded.file).toMatchObject({ name: 'media/id-portrait.jpg', role: 'id-portrait' });
    await s.log.append('session.end', { status: 'completed' });
    await s.writer.finish(s.log);
    const bundle = await s.sink.bytes();
    const verdict = await verify(bytesSource(bundle), { ticketKeys: [s.ticketSigning.publicJwk] });
    expect(verdict.reasons).toEqual([]);
    const opened = await openBundle(bytesSource(bundle), {
      decryptionKey: s.encryption.privateJwk,
      ticketKeys: [s.ticketSigning.publicJwk],
    });
    expect(opened.events.find((e) => e.type === OCR_EVENT_PORTRAIT)?.payload).toMatchObject({
      sourceSha256: 'ab'.repeat(32),
      fromOutline: true,
      quad: [
        [10, 20],
        [110, 20],
        [110, 140],
        [10, 140],
      ],
      image: recorded.image,
    });
    const parts: Uint8Array[] = [];
    for await (const part of opened.decryptFile('media/id-portrait.jpg')) parts.push(part);
    expect(Buffer.concat(parts).equals(Buffer.from(jpeg))).toBe(true);
  });

  it('refuses a non-JPEG portrait, a bad source hash or a quad without four corners', async () => {
    const s = await session();
    const base = {
      log: s.log,
      writer: s.writer,
      image: { bytes: new Uint8Array([1]), mime: 'image/jpeg' as const, width: 1, height: 1 },
      sourceSha256: 'ab'.repeat(32),
      quad: [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ] as [number, number][],
      fromOutline: false,
    };
    const codes = await Promise.all([
      recordPortrait({ ...base, image: { ...base.image, mime: 'image/png' as 'image/jpeg' } }).catch(
        (e) => e.code,
      ),
      recordPortrait({ ...base, sourceSha256: 'nope' }).catch((e) => e.code),
      recordPortrait({ ...base, quad: base.quad.slice(0, 3) }).catch((e) => e.code),
    ]);
    expect(codes).toEqual(['OCR_IMAGE_INVALID', 'BAD_USAGE', 'BAD_USAGE']);
  });
});
