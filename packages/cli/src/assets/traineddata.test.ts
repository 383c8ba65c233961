import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { findPackageDir } from './gather.js';
import {
  filterTessdata,
  LSTM_ONLY_COMPONENTS,
  readTessdataTable,
  TESSDATA_COMPONENTS,
  type TessdataComponent,
} from './traineddata.js';
import { applyTransform, deterministicGzip } from './transform.js';

const SHARED_MODELS = resolve(import.meta.dirname, '../../../../../shared/models');

function npmChiSim(): Uint8Array {
  const dir = findPackageDir('@tesseract.js-data/chi_sim');
  if (!dir) throw new Error('@tesseract.js-data/chi_sim is not installed');
  return readFileSync(resolve(dir, '4.0.0/chi_sim.traineddata.gz'));
}

/** Builds a traineddata container holding the given components with recognisable bytes. */
function container(parts: Partial<Record<TessdataComponent, Uint8Array>>): Uint8Array {
  const count = TESSDATA_COMPONENTS.length;
  const present = TESSDATA_COMPONENTS.filter((c) => parts[c]);
  const size = 4 + 8 * count + present.reduce((n, c) => n + (parts[c] as Uint8Array).length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setInt32(0, count, true);
  let position = 4 + 8 * count;
  TESSDATA_COMPONENTS.forEach((component, i) => {
    const bytes = parts[component];
    view.setBigInt64(4 + 8 * i, bytes ? BigInt(position) : -1n, true);
    if (bytes) {
      out.set(bytes, position);
      position += bytes.length;
    }
  });
  return out;
}

describe('LSTM-only chi_sim derivation', () => {
  it('derives exactly the reference file from the npm package (decompressed bytes equal)', () => {
    const derived = gunzipSync(applyTransform('tessdata-lstm-only', npmChiSim()));
    const reference = gunzipSync(readFileSync(resolve(SHARED_MODELS, 'chi_sim.lstm.traineddata.gz')));
    expect(derived.length).toBe(reference.length);
    expect(Buffer.from(derived).equals(Buffer.from(reference))).toBe(true);
    expect(readTessdataTable(derived).map((e) => e.component)).toEqual([
      'config',
      'lstm',
      'lstm-punc-dawg',
      'lstm-word-dawg',
      'lstm-number-dawg',
      'version',
    ]);
  });

  it('is idempotent: the reference copy goes through the same transform to the same bytes', () => {
    const fromNpm = applyTransform('tessdata-lstm-only', npmChiSim());
    const fromReference = applyTransform(
      'tessdata-lstm-only',
      readFileSync(resolve(SHARED_MODELS, 'chi_sim.lstm.traineddata.gz')),
    );
    expect(Buffer.from(fromReference).equals(Buffer.from(fromNpm))).toBe(true);
  });
});

describe('readTessdataTable / filterTessdata', () => {
  it('keeps exactly the requested components, byte for byte, for any subset', () => {
    const component = fc.constantFrom(...TESSDATA_COMPONENTS);
    fc.assert(
      fc.property(
        fc.dictionary(component, fc.uint8Array({ minLength: 1, maxLength: 40 })),
        fc.subarray([...TESSDATA_COMPONENTS]),
        (parts, keep) => {
          const filtered = filterTessdata(container(parts), keep);
          const entries = readTessdataTable(filtered);
          const expected = TESSDATA_COMPONENTS.filter((c) => parts[c] && keep.includes(c));
          expect(entries.map((e) => e.component)).toEqual(expected);
          for (const entry of entries) {
            const original = parts[entry.component as TessdataComponent] as Uint8Array;
            expect([...filtered.subarray(entry.offset, entry.offset + entry.length)]).toEqual([...original]);
          }
        },
      ),
    );
  });

  it('keeps the LSTM recoder and unicharset when a newer file has them separately', () => {
    const one = new Uint8Array([1]);
    const data = container({
      config: one,
      unicharset: one,
      inttemp: one,
      lstm: one,
      'lstm-unicharset': one,
      'lstm-recoder': one,
    });
    const kept = readTessdataTable(filterTessdata(data, LSTM_ONLY_COMPONENTS)).map((e) => e.component);
    expect(kept).toEqual(['config', 'lstm', 'lstm-unicharset', 'lstm-recoder']);
  });

  it.each([
    ['an empty file', new Uint8Array(0), /shorter than its header/],
    ['a huge component count', new Uint8Array([0xff, 0xff, 0xff, 0x7f]), /implausible component count/],
    ['a table cut short', new Uint8Array([24, 0, 0, 0, 0, 0]), /shorter than its offset table/],
  ])('rejects %s with ASSET_FORMAT_INVALID', (_name, data, message) => {
    expect(() => readTessdataTable(data)).toThrow(message);
    try {
      readTessdataTable(data);
    } catch (error) {
      expect((error as { code: string }).code).toBe('ASSET_FORMAT_INVALID');
    }
  });

  it('rejects offsets outside the file and overlapping components', () => {
    const good = container({ config: new Uint8Array([1, 2]), lstm: new Uint8Array([3]) });
    const outside = good.slice();
    new DataView(outside.buffer).setBigInt64(4, BigInt(outside.length + 10), true);
    expect(() => readTessdataTable(outside)).toThrow(/outside the file/);
    const overlapping = good.slice();
    const view = new DataView(overlapping.buffer);
    const lstmIndex = TESSDATA_COMPONENTS.indexOf('lstm');
    view.setBigInt64(4, view.getBigInt64(4 + 8 * lstmIndex, true), true);
    view.setBigInt64(4 + 8 * lstmIndex, BigInt(4 + 8 * TESSDATA_COMPONENTS.length), true);
    expect(() => readTessdataTable(overlapping)).toThrow(/overlaps/);
  });

  it('rejects a corrupt gzip stream with ASSET_FORMAT_INVALID', () => {
    const gz = deterministicGzip(container({ config: new Uint8Array([1]) }));
    const broken = gz.slice(0, 12);
    expect(() => applyTransform('tessdata-lstm-only', broken)).toThrow(/corrupt gzip/);
  });
});

describe('deterministicGzip', () => {
  it('gives identical bytes for identical input and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        const a = deterministicGzip(data);
        const b = deterministicGzip(data.slice());
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
        expect([...gunzipSync(a)]).toEqual([...data]);
        // No timestamp: bytes 4..7 of the gzip header are zero.
        expect([...a.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
      }),
      { numRuns: 50 },
    );
  });
});
