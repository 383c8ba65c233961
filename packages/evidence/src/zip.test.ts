import fc from 'fast-check';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { asBufferSource, concatBytes, utf8 } from './bytes.js';
import { crc32 } from './crc32.js';
import { contentHash } from './digest.js';
import { isDualrecError } from './errors.js';
import { MemorySink } from './streams.js';
import { blobSource, bytesSource, type RandomAccessSource, ZipArchive } from './zip-reader.js';
import { ZipWriter } from './zip-writer.js';

async function writeZip(entries: [string, Uint8Array][]): Promise<Uint8Array> {
  const sink = new MemorySink();
  const writer = new ZipWriter(sink);
  for (const [name, data] of entries) await writer.addEntry(name, [data]);
  await writer.finish();
  return sink.bytes();
}

/** Replaces every occurrence of `from` with `to` (same length): names sit in two headers each. */
function patchAll(bytes: Uint8Array, from: string, to: Uint8Array | string): Uint8Array {
  const needle = utf8(from);
  const replacement = typeof to === 'string' ? utf8(to) : to;
  expect(replacement.length).toBe(needle.length);
  const out = bytes.slice();
  let hits = 0;
  for (let i = 0; i <= out.length - needle.length; i++) {
    if (needle.every((b, k) => out[i + k] === b)) {
      out.set(replacement, i);
      hits++;
    }
  }
  expect(hits).toBeGreaterThan(0);
  return out;
}

async function reasonOf(source: RandomAccessSource | Uint8Array): Promise<string> {
  try {
    await ZipArchive.open(source instanceof Uint8Array ? bytesSource(source) : source);
  } catch (error) {
    if (isDualrecError(error, 'BUNDLE_MALFORMED')) return String(error.context.reason);
    throw error;
  }
  return 'accepted';
}

const CENTRAL_SIG = [0x50, 0x4b, 0x01, 0x02];
function centralOffset(bytes: Uint8Array, index: number): number {
  let seen = 0;
  for (let i = 0; i < bytes.length - 4; i++) {
    if (CENTRAL_SIG.every((b, k) => bytes[i + k] === b) && seen++ === index) return i;
  }
  throw new Error('central header not found');
}

describe('ZipWriter + ZipArchive', () => {
  it('round-trips entries with sizes, CRCs and content hashes, in the fixed profile', async () => {
    const a = utf8('hello');
    const b = Uint8Array.from({ length: 5000 }, (_, i) => i % 256);
    const sink = new MemorySink();
    const writer = new ZipWriter(sink);
    const written = await writer.addEntry('media/a.bin', [a.subarray(0, 2), a.subarray(2)]);
    expect(written).toEqual({
      name: 'media/a.bin',
      size: 5,
      crc32: crc32(a),
      contentHash: await contentHash(a),
    });
    await writer.addEntry('events.jsonl', [b]);
    await expect(writer.addEntry('events.jsonl', [b])).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await writer.finish();
    const bytes = await sink.bytes();
    const archive = await ZipArchive.open(bytesSource(bytes));
    expect(archive.entries.map((e) => [e.name, e.size, e.crc32])).toEqual([
      ['media/a.bin', 5, crc32(a)],
      ['events.jsonl', 5000, crc32(b)],
    ]);
    expect(await archive.readChecked(archive.get('events.jsonl') as never, 10_000)).toEqual(b);
    const pieces: Uint8Array[] = [];
    for await (const piece of archive.stream(archive.get('events.jsonl') as never, 1024)) pieces.push(piece);
    expect(concatBytes(pieces)).toEqual(b);
    // The same archive through a Blob (browser path).
    const fromBlob = await ZipArchive.open(blobSource(new Blob([asBufferSource(bytes)])));
    expect(fromBlob.entries).toEqual(archive.entries);
  });

  it('writes no wall-clock time: DOS time 00:00 and date 1980-01-01 in every header, so output is reproducible', async () => {
    const one = await writeZip([['media/x', utf8('same')]]);
    const view = new DataView(one.buffer, one.byteOffset, one.byteLength);
    expect([view.getUint16(10, true), view.getUint16(12, true)]).toEqual([0x0000, 0x0021]);
    const central = centralOffset(one, 0);
    expect([view.getUint16(central + 12, true), view.getUint16(central + 14, true)]).toEqual([
      0x0000, 0x0021,
    ]);
    expect(await writeZip([['media/x', utf8('same')]])).toEqual(one);
  });
});

describe('malformed archives give BUNDLE_MALFORMED with a reason, never a crash', () => {
  it('not a ZIP, empty, truncated, appended bytes, a comment', async () => {
    const valid = await writeZip([['media/a', utf8('data')]]);
    expect(await reasonOf(utf8('this is not a zip file at all, just text'))).toBe('ZIP_MALFORMED');
    expect(await reasonOf(new Uint8Array(0))).toBe('ZIP_MALFORMED');
    expect(await reasonOf(valid.subarray(0, valid.length - 1))).toBe('ZIP_MALFORMED');
    expect(await reasonOf(valid.subarray(0, 40))).toBe('ZIP_MALFORMED');
    expect(await reasonOf(concatBytes([valid, new Uint8Array([0])]))).toBe('ZIP_MALFORMED');
    const commented = concatBytes([valid, utf8('hi')]);
    commented[valid.length - 2] = 2;
    expect(await reasonOf(commented)).toBe('ZIP_MALFORMED');
  });

  it('path traversal and unsafe names → ZIP_UNSAFE_NAME', async () => {
    const valid = await writeZip([['media/aaaaa', utf8('data')]]);
    for (const evil of [
      '../../x/pwn',
      '/etc/passwd',
      'C:\\windows\\',
      'media/a\u0000aaa',
      'media/../ab',
      'Media/aaaaa',
    ]) {
      expect(await reasonOf(patchAll(valid, 'media/aaaaa', evil.padEnd(11, 'x').slice(0, 11))), evil).toBe(
        'ZIP_UNSAFE_NAME',
      );
    }
    expect(
      await reasonOf(
        patchAll(valid, 'media/aaaaa', new Uint8Array([109, 101, 100, 105, 97, 47, 0xff, 0xfe, 97, 97, 97])),
      ),
    ).toBe('ZIP_UNSAFE_NAME');
  });

  it('duplicate names → ZIP_DUPLICATE_NAME', async () => {
    const valid = await writeZip([
      ['media/a', utf8('one')],
      ['media/b', utf8('two')],
    ]);
    expect(await reasonOf(patchAll(valid, 'media/b', 'media/a'))).toBe('ZIP_DUPLICATE_NAME');
  });

  it('a zip bomb: deflated entries are refused before anything is inflated', async () => {
    // 20 MB of zeros deflate to ~20 KB; a reader that inflated would allocate the 20 MB.
    const bomb = zipSync({ 'manifest.json': new Uint8Array(20 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    expect(await reasonOf(bomb)).toBe('ZIP_UNSUPPORTED');
  });

  it('overlapping entries (the "better zip bomb" layout) → ZIP_MALFORMED', async () => {
    const valid = await writeZip([
      ['media/a', utf8('one')],
      ['media/b', utf8('two')],
    ]);
    const overlapped = valid.slice();
    const second = centralOffset(overlapped, 1);
    new DataView(overlapped.buffer).setUint32(second + 42, 0, true);
    expect(await reasonOf(overlapped)).toBe('ZIP_MALFORMED');
  });

  it('ZIP64 markers → ZIP_UNSUPPORTED; a changed header field → ZIP_NONCANONICAL', async () => {
    const valid = await writeZip([['media/a', utf8('one')]]);
    const zip64 = valid.slice();
    new DataView(zip64.buffer).setUint32(centralOffset(zip64, 0) + 20, 0xffffffff, true);
    expect(await reasonOf(zip64)).toBe('ZIP_UNSUPPORTED');
    const stamped = valid.slice();
    new DataView(stamped.buffer).setUint16(centralOffset(stamped, 0) + 12, 0x6000, true);
    expect(await reasonOf(stamped)).toBe('ZIP_NONCANONICAL');
    const localTime = valid.slice();
    localTime[10] = 1;
    expect(await reasonOf(localTime)).toBe('ZIP_NONCANONICAL');
  });

  it('more entries than the limit → ZIP_LIMIT_EXCEEDED', async () => {
    const many = await writeZip(
      Array.from({ length: 65 }, (_, i) => [`media/f${i}`, utf8('x')] as [string, Uint8Array]),
    );
    expect(await reasonOf(many)).toBe('ZIP_LIMIT_EXCEEDED');
  });

  it('a 100 MB manifest is refused from its header, without reading it', async () => {
    // Build the archive from one shared 1 MiB zero buffer so the test does not hold 100 MB.
    const zeros = new Uint8Array(1024 * 1024).fill(0x20);
    const chunks: Uint8Array[] = [];
    const writer = new ZipWriter({ write: (chunk) => void chunks.push(chunk) });
    await writer.addEntry(
      'manifest.json',
      Array.from({ length: 100 }, () => zeros),
    );
    await writer.addEntry('manifest.jws', [utf8('x..y')]);
    await writer.finish();
    const starts: number[] = [];
    let size = 0;
    for (const chunk of chunks) {
      starts.push(size);
      size += chunk.length;
    }
    let bytesRead = 0;
    const source: RandomAccessSource = {
      size,
      async read(offset, length) {
        bytesRead += length;
        const out = new Uint8Array(length);
        chunks.forEach((chunk, i) => {
          const start = starts[i] as number;
          const from = Math.max(offset, start);
          const to = Math.min(offset + length, start + chunk.length);
          if (from < to) out.set(chunk.subarray(from - start, to - start), from - offset);
        });
        return out;
      },
    };
    expect(size).toBeGreaterThan(100 * 1024 * 1024);
    const archive = await ZipArchive.open(source);
    await expect(
      archive.readChecked(archive.get('manifest.json') as never, 1024 * 1024),
    ).rejects.toMatchObject({
      code: 'BUNDLE_MALFORMED',
      context: { reason: 'ZIP_LIMIT_EXCEEDED', file: 'manifest.json' },
    });
    expect(bytesRead).toBeLessThan(4096);
  });

  it('property: random bytes and random mutations of a valid archive never crash or hang', async () => {
    const valid = await writeZip([
      ['media/a', utf8('one')],
      ['events.jsonl', utf8('two\n')],
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc
            .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })), {
              minLength: 1,
              maxLength: 4,
            })
            .map((flips) => {
              const out = valid.slice();
              for (const [at, xor] of flips) out[at] = (out[at] as number) ^ xor;
              return out;
            }),
        ),
        async (bytes) => {
          try {
            await ZipArchive.open(bytesSource(bytes));
          } catch (error) {
            expect(isDualrecError(error, 'BUNDLE_MALFORMED')).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
