/**
 * RecordSealer.flush() and RecordSealer.resume(): what @dualrec/capture relies on to seal each
 * ~1 s recorder chunk as it arrives and to finish a stream after a page reload. The output must stay
 * plain RFC 8188 (padded full-size records, one final record), so openRecords, verify() and any other
 * implementation read it unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from './bytes.js';
import { isDualrecError } from './errors.js';
import { openRecords, parseRecordHeader, RecordSealer, recordCountForSize } from './records.js';
import { collectBytes } from './streams.js';

const key = new Uint8Array(32).map((_, i) => i * 7 + 1);
const open = (body: Uint8Array, ikm = key) => collectBytes(openRecords(ikm, [body]));

async function reason(body: Uint8Array): Promise<string> {
  try {
    await open(body);
  } catch (error) {
    if (isDualrecError(error, 'RECORD_DECRYPT_FAILED')) return String(error.context.reason);
    throw error;
  }
  throw new Error('expected rejection');
}

describe('RecordSealer.flush', () => {
  it('pads a partial record to exactly rs: delimiter 1 then zeros (RFC 8188 §2), and openRecords strips it', async () => {
    const rs = 64;
    const sealer = await RecordSealer.create(key, { recordSize: rs, salt: new Uint8Array(16).fill(9) });
    const first = concatBytes(await sealer.push(new Uint8Array([1, 2, 3])));
    const flushed = concatBytes(await sealer.flush());
    // The header comes out with the first sealed record; nothing else was sealed by push.
    expect(first.length + flushed.length).toBe(21 + rs);
    const final = concatBytes(await sealer.finish());
    expect(final.length).toBe(17);
    const body = concatBytes([first, flushed, final]);
    expect(await open(body)).toEqual(new Uint8Array([1, 2, 3]));
    expect(recordCountForSize(body.length, 21, rs)).toBe(2);
    // Decrypt the padded record by hand: data, 0x01, then only zeros up to rs − 16.
    const subtle = globalThis.crypto.subtle;
    const salt = new Uint8Array(16).fill(9);
    const base = await subtle.importKey('raw', key, 'HKDF', false, ['deriveBits']);
    const bits = (info: string, n: number) =>
      subtle.deriveBits(
        { name: 'HKDF', hash: 'SHA-256', salt, info: new TextEncoder().encode(info) },
        base,
        n,
      );
    const cek = await subtle.importKey(
      'raw',
      await bits('Content-Encoding: aes128gcm\0', 128),
      'AES-GCM',
      false,
      ['decrypt'],
    );
    const nonce = new Uint8Array(await bits('Content-Encoding: nonce\0', 96));
    const plain = new Uint8Array(
      await subtle.decrypt({ name: 'AES-GCM', iv: nonce }, cek, body.slice(21, 21 + rs)),
    );
    expect(plain.length).toBe(rs - 16);
    expect([...plain.subarray(0, 4)]).toEqual([1, 2, 3, 1]);
    expect(plain.subarray(4).every((b) => b === 0)).toBe(true);
  });

  it('keeps no plaintext buffered: after flush, finish adds only an empty final record', async () => {
    const sealer = await RecordSealer.create(key, { recordSize: 100 });
    const parts = [...(await sealer.push(new Uint8Array(250).fill(5))), ...(await sealer.flush())];
    const final = await sealer.finish();
    expect(concatBytes(final).length).toBe(17);
    const body = concatBytes([...parts, ...final]);
    expect(await open(body)).toEqual(new Uint8Array(250).fill(5));
  });

  it('flush with nothing pending seals nothing (besides a header not yet emitted)', async () => {
    const sealer = await RecordSealer.create(key, { recordSize: 100 });
    expect(concatBytes(await sealer.flush()).length).toBe(21);
    expect(await sealer.flush()).toEqual([]);
    expect(sealer.recordCount).toBe(0);
  });

  it('property: any chunking, any flush points, any record size round-trips and sizes stay well-formed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.boolean()), { maxLength: 12 }),
        fc.integer({ min: 18, max: 200 }),
        async (steps, rs) => {
          const sealer = await RecordSealer.create(key, { recordSize: rs });
          const out: Uint8Array[] = [];
          for (const [chunk, flush] of steps) {
            out.push(...(await sealer.push(chunk)));
            if (flush) out.push(...(await sealer.flush()));
          }
          out.push(...(await sealer.finish()));
          const body = concatBytes(out);
          expect(recordCountForSize(body.length, 21, rs)).toBe(sealer.recordCount);
          expect(await open(body)).toEqual(concatBytes(steps.map(([c]) => c)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a padded record whose padding byte is changed is rejected', async () => {
    const sealer = await RecordSealer.create(key, { recordSize: 40 });
    const body = concatBytes([
      ...(await sealer.push(new Uint8Array([7]))),
      ...(await sealer.flush()),
      ...(await sealer.finish()),
    ]);
    body[30] = (body[30] as number) ^ 1;
    expect(await reason(body)).toBe('RECORD_AUTH_FAILED');
  });
});

describe('RecordSealer.resume', () => {
  it('continues a stream from its stored header and record count (same salt, next sequence numbers)', async () => {
    const sealer = await RecordSealer.create(key, { recordSize: 50 });
    const stored = [...(await sealer.push(new Uint8Array(70).fill(1))), ...(await sealer.flush())];
    const header = sealer.header;
    const count = sealer.recordCount;
    // The page reloads: only the stored bytes, the header and the count survive.
    const resumed = await RecordSealer.resume(key, header, count);
    expect(resumed.recordCount).toBe(count);
    expect(resumed.recordSize).toBe(50);
    const more = [...(await resumed.push(new Uint8Array(10).fill(2))), ...(await resumed.finish())];
    // No second header.
    const body = concatBytes([...stored, ...more]);
    expect(parseRecordHeader(body)?.recordSize).toBe(50);
    expect(await open(body)).toEqual(concatBytes([new Uint8Array(70).fill(1), new Uint8Array(10).fill(2)]));
  });

  it('finishing a recovered part with only a final record gives a complete stream', async () => {
    const sealer = await RecordSealer.create(key, { recordSize: 64 });
    const stored = [...(await sealer.push(new Uint8Array(100).fill(3))), ...(await sealer.flush())];
    const resumed = await RecordSealer.resume(key, sealer.header, sealer.recordCount);
    const body = concatBytes([...stored, ...(await resumed.finish())]);
    expect(await open(body)).toEqual(new Uint8Array(100).fill(3));
  });

  it('a wrong record count shows up as a missing or misplaced record, never as valid data', async () => {
    const sealer = await RecordSealer.create(key, { recordSize: 64 });
    const stored = [...(await sealer.push(new Uint8Array(100).fill(3))), ...(await sealer.flush())];
    const resumed = await RecordSealer.resume(key, sealer.header, sealer.recordCount + 1);
    const body = concatBytes([...stored, ...(await resumed.finish())]);
    expect(await reason(body)).toBe('RECORD_MISSING');
  });

  it('refuses a header that is not exactly one RFC 8188 header, and a bad count', async () => {
    const sealer = await RecordSealer.create(key, { recordSize: 64 });
    await expect(RecordSealer.resume(key, sealer.header.subarray(0, 10), 0)).rejects.toMatchObject({
      code: 'BAD_USAGE',
    });
    await expect(RecordSealer.resume(key, sealer.header, -1)).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });
});
