import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asBufferSource, concatBytes, fromBase64UrlStrict, toBase64Url, utf8 } from './bytes.js';
import { isDualrecError } from './errors.js';
import {
  dataPerRecord,
  openRecords,
  parseRecordHeader,
  RecordSealer,
  recordCountForSize,
  sealBytes,
  sealRecords,
} from './records.js';
import { collectBytes } from './streams.js';

const b64 = (text: string) => {
  const bytes = fromBase64UrlStrict(text);
  if (!bytes) throw new Error(`bad base64url in test vector: ${text}`);
  return bytes;
};

async function open(ikm: Uint8Array, body: Uint8Array | Uint8Array[]): Promise<Uint8Array> {
  return collectBytes(openRecords(ikm, Array.isArray(body) ? body : [body]));
}

async function failure(ikm: Uint8Array, body: Uint8Array | Uint8Array[]): Promise<string> {
  try {
    await open(ikm, body);
  } catch (error) {
    if (isDualrecError(error, 'RECORD_DECRYPT_FAILED')) return String(error.context.reason);
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

describe('RFC 8188 test vectors', () => {
  const ikm31 = b64('yqdlZ-tYemfogSmv7Ws5PQ');
  const body31 = b64('I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg');

  it('§3.1: decrypts "I am the walrus" with the record layer unchanged', async () => {
    expect(new TextDecoder().decode(await open(ikm31, body31))).toBe('I am the walrus');
  });

  it('§3.1: sealing with the published salt reproduces the published body byte for byte', async () => {
    const sealed = await sealBytes(ikm31, utf8('I am the walrus'), {
      salt: b64('I1BsxtFttlv3u_Oo94xnmw'),
      recordSize: 4096,
    });
    expect(toBase64Url(sealed)).toBe(toBase64Url(body31));
  });

  it('§3.1: the HKDF steps give the published PRK, CEK and NONCE', async () => {
    const subtle = globalThis.crypto.subtle;
    const salt = b64('I1BsxtFttlv3u_Oo94xnmw');
    const hmacKey = await subtle.importKey(
      'raw',
      asBufferSource(salt),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const prk = new Uint8Array(await subtle.sign('HMAC', hmacKey, asBufferSource(ikm31)));
    expect(toBase64Url(prk)).toBe('zyeH5phsIsgUyd4oiSEIy35x-gIi4aM7y0hCF8mwn9g');
    const prkKey = await subtle.importKey('raw', prk, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const expand = async (info: string, length: number) =>
      new Uint8Array(
        await subtle.sign('HMAC', prkKey, asBufferSource(concatBytes([utf8(info), new Uint8Array([1])]))),
      ).slice(0, length);
    expect(toBase64Url(await expand('Content-Encoding: aes128gcm\0', 16))).toBe('_wniytB-ofscZDh4tbSjHw');
    expect(toBase64Url(await expand('Content-Encoding: nonce\0', 12))).toBe('Bcs8gkIRKLI8GeI8');
  });

  it('§3.2: two records, keyid "a1", rs 25 and padding', async () => {
    const body = b64(
      'uNCkWiNYzKTnBN9ji3-qWAAAABkCYTHOG8chz_gnvgOqdGYovxyjuqRyJFjEDyoF1Fvkj6hQPdPHI51OEUKEpgz3SsLWIqS_uA',
    );
    const header = parseRecordHeader(body);
    expect(header?.recordSize).toBe(25);
    expect(new TextDecoder().decode(header?.keyId)).toBe('a1');
    expect(recordCountForSize(body.length, header?.length ?? 0, 25)).toBe(2);
    expect(new TextDecoder().decode(await open(b64('BO3ZVPxUlnLORbVGMpbT1Q'), body))).toBe('I am the walrus');
    // Delivered one byte at a time, the stream reader must give the same result.
    const bytewise = Array.from(body, (byte) => new Uint8Array([byte]));
    expect(new TextDecoder().decode(await open(b64('BO3ZVPxUlnLORbVGMpbT1Q'), bytewise))).toBe(
      'I am the walrus',
    );
  });
});

describe('sealing and opening', () => {
  const ikm = globalThis.crypto.getRandomValues(new Uint8Array(32));

  it('property: any data in any chunking with any record size round-trips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 18, max: 700 }),
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 8 }),
        async (data, recordSize, cuts) => {
          const chunks: Uint8Array[] = [];
          let offset = 0;
          for (let i = 0; offset < data.length; i++) {
            const size = cuts[i % cuts.length] as number;
            chunks.push(data.subarray(offset, offset + size));
            offset += size;
          }
          const sealed = await collectBytes(sealRecords(ikm, chunks, { recordSize }));
          const header = parseRecordHeader(sealed);
          // The last record may be full: a body never ends with an empty record it does not need.
          expect(recordCountForSize(sealed.length, header?.length ?? 0, recordSize)).toBe(
            Math.max(1, Math.ceil(data.length / dataPerRecord(recordSize))),
          );
          const pieces = [sealed.subarray(0, 7), sealed.subarray(7)];
          expect(await open(ikm, pieces)).toEqual(data);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('RecordSealer.push/finish produces a body openRecords accepts, with a fresh salt each time', async () => {
    const one = await RecordSealer.create(ikm, { recordSize: 64 });
    const two = await RecordSealer.create(ikm, { recordSize: 64 });
    expect(one.header.subarray(0, 16)).not.toEqual(two.header.subarray(0, 16));
    const parts = [
      ...(await one.push(utf8('hello '))),
      ...(await one.push(utf8('world'.repeat(40)))),
      ...(await one.finish()),
    ];
    expect(new TextDecoder().decode(await open(ikm, parts))).toBe(`hello ${'world'.repeat(40)}`);
    await expect(one.push(utf8('late'))).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });

  it('an empty stream seals to one final record of 17 bytes', async () => {
    const sealed = await sealBytes(ikm, new Uint8Array(0), { recordSize: 100 });
    expect(sealed.length).toBe(21 + 17);
    expect(await open(ikm, sealed)).toEqual(new Uint8Array(0));
  });
});

describe('tampering with records is detected and named', () => {
  const ikm = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const rs = 50;
  const data = Uint8Array.from({ length: 33 * 5 + 10 }, (_, i) => i % 251);

  async function records() {
    const sealed = await sealBytes(ikm, data, { recordSize: rs });
    const header = sealed.subarray(0, 21);
    const list: Uint8Array[] = [];
    for (let offset = 21; offset < sealed.length; offset += rs)
      list.push(sealed.subarray(offset, offset + rs));
    expect(list.length).toBe(6);
    return { header, list };
  }
  const join = (header: Uint8Array, list: Uint8Array[]) => concatBytes([header, ...list]);

  it('a flipped byte → RECORD_AUTH_FAILED', async () => {
    const { header, list } = await records();
    const changed = list.map((r) => r.slice());
    const record = changed[2] as Uint8Array;
    record[5] = (record[5] as number) ^ 1;
    expect(await failure(ikm, join(header, changed))).toBe('RECORD_AUTH_FAILED');
  });

  it('a dropped record → RECORD_MISSING', async () => {
    const { header, list } = await records();
    expect(await failure(ikm, join(header, [...list.slice(0, 2), ...list.slice(3)]))).toBe('RECORD_MISSING');
  });

  it('a repeated record → RECORD_DUPLICATED', async () => {
    const { header, list } = await records();
    expect(
      await failure(ikm, join(header, [...list.slice(0, 3), list[2] as Uint8Array, ...list.slice(3)])),
    ).toBe('RECORD_DUPLICATED');
    // A record from earlier in the stream repeated further on is a duplicate too.
    expect(
      await failure(ikm, join(header, [...list.slice(0, 4), list[0] as Uint8Array, ...list.slice(4)])),
    ).toBe('RECORD_DUPLICATED');
  });

  it('two swapped records → RECORD_REORDERED', async () => {
    const { header, list } = await records();
    const swapped = [list[0], list[2], list[1], ...list.slice(3)] as Uint8Array[];
    expect(await failure(ikm, join(header, swapped))).toBe('RECORD_REORDERED');
  });

  it('cut at a record boundary → RECORD_TRUNCATED; cut inside the last record → RECORD_AUTH_FAILED or TRUNCATED', async () => {
    const { header, list } = await records();
    expect(await failure(ikm, join(header, list.slice(0, 5)))).toBe('RECORD_TRUNCATED');
    expect(await failure(ikm, join(header, []))).toBe('RECORD_TRUNCATED');
    const body = join(header, list);
    expect(await failure(ikm, body.subarray(0, body.length - 3))).toBe('RECORD_AUTH_FAILED');
    expect(await failure(ikm, body.subarray(0, body.length - (list[5] as Uint8Array).length + 5))).toBe(
      'RECORD_TRUNCATED',
    );
  });

  it('a record after the final record → RECORD_AFTER_FINAL', async () => {
    // A full-size final record: anything after it is plainly after the final marker.
    const full = await sealBytes(ikm, data.subarray(0, 33 * 4), { recordSize: rs });
    const last = full.subarray(full.length - rs);
    expect(await failure(ikm, concatBytes([full, last]))).toBe('RECORD_AFTER_FINAL');
    // After a short final record, appended bytes shift the record boundaries: the last record no
    // longer authenticates, which is reported as such (the bundle's size and hash also differ).
    const { header, list } = await records();
    expect(await failure(ikm, join(header, [...list, list[5] as Uint8Array]))).toBe('RECORD_AUTH_FAILED');
  });

  it('the wrong key → RECORD_AUTH_FAILED; a bad header → RECORD_HEADER_INVALID', async () => {
    const { header, list } = await records();
    const other = globalThis.crypto.getRandomValues(new Uint8Array(32));
    expect(await failure(other, join(header, list))).toBe('RECORD_AUTH_FAILED');
    const badHeader = header.slice();
    new DataView(badHeader.buffer).setUint32(16, 5);
    expect(await failure(ikm, join(badHeader, list))).toBe('RECORD_HEADER_INVALID');
    expect(await failure(ikm, header.subarray(0, 10))).toBe('RECORD_HEADER_INVALID');
    await expect(
      collectBytes(openRecords(ikm, [join(header, list)], { expectedRecordSize: 64 })),
    ).rejects.toMatchObject({
      context: { reason: 'RECORD_HEADER_INVALID' },
    });
  });

  it('property: any single changed byte of a body is rejected', async () => {
    const sealed = await sealBytes(ikm, data, { recordSize: rs });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sealed.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (index, xor) => {
          const changed = sealed.slice();
          changed[index] = (sealed[index] as number) ^ xor;
          await expect(collectBytes(openRecords(ikm, [changed]))).rejects.toMatchObject({
            code: 'RECORD_DECRYPT_FAILED',
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
