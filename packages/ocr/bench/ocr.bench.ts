/**
 * Node: per-card time and memory of the reader against the whole-card `recognize()` of
 * tesseract.js on the same images in the same run (the design's baseline), warm and cold.
 * Target (issue 7): faster than the whole-card call and < 300 ms/card median after warm-up.
 */
import { resolve } from 'node:path';
import { createWorker, OEM } from 'tesseract.js';
import type { BenchSuite } from '../../../test/bench/harness.js';
import { specimen } from '../../../test/fixtures/id-card/node.js';
import { SPECIMEN_NOW, type Variant } from '../../../test/fixtures/id-card/specimen.js';
import type { RgbaImage } from '../src/image/types.js';
import { decodeImage } from '../src/node/decode.js';
import { createOcrReader, type OcrReader } from '../src/reader.js';

const LANG = resolve(import.meta.dirname, '../../../assets-dist/tesseract/lang');
const SEED = 20261123;
const CARDS = 8;
const rssMiB = () => ({ rssMiB: process.memoryUsage().rss / 1024 / 1024 });

type Whole = Awaited<ReturnType<typeof createWorker>>;

/** `decode`: the subject includes decoding the file in JS (jpeg-js / pngjs), as the CLI does. */
function warmCase(variant: Variant, decode: boolean) {
  let images: Uint8Array[] = [];
  let decoded: RgbaImage[] = [];
  let reader: OcrReader | undefined;
  let whole: Whole | undefined;
  let i = 0;
  let j = 0;
  return {
    name: `front card, ${variant}, warm workers, ${decode ? 'file → decode → read' : 'read() on decoded pixels'} (${CARDS} cards round-robin)`,
    iterations: 12,
    warmup: 2,
    async setup() {
      images = [];
      for (let k = 0; k < CARDS; k++) images.push((await specimen(SEED, variant, k, 'front')).bytes);
      decoded = images.map((bytes) => decodeImage(bytes));
      reader = createOcrReader({ tesseract: { langPath: LANG }, clock: () => SPECIMEN_NOW });
      whole = await createWorker('chi_sim', OEM.LSTM_ONLY, { langPath: LANG, cacheMethod: 'none' });
      await reader.ready();
    },
    async teardown() {
      await reader?.close();
      await whole?.terminate();
    },
    baseline: {
      label: 'tesseract.js recognize(whole image), chi_sim',
      async run() {
        await whole?.recognize(Buffer.from(images[i++ % CARDS] as Uint8Array));
        return rssMiB();
      },
    },
    subject: {
      label: decode ? 'decodeImage + OcrReader.read()' : 'OcrReader.read()',
      async run() {
        const k = j++ % CARDS;
        const r = await reader?.read(
          decode ? decodeImage(images[k] as Uint8Array) : (decoded[k] as RgbaImage),
        );
        if (!r?.found) throw new Error('bench card not found');
        return rssMiB();
      },
    },
    target: { minRatio: 1 },
  };
}

export const suite: BenchSuite = {
  name: 'ocr: ID card (node)',
  cases: [
    warmCase('clean', false),
    warmCase('photo-like', false),
    warmCase('photo-like', true),
    {
      name: 'cold start: create workers, read one photo-like card, close',
      iterations: 3,
      warmup: 0,
      baseline: {
        label: 'createWorker(chi_sim) + recognize(whole image) + terminate',
        async run() {
          const bytes = (await specimen(SEED, 'photo-like', 0, 'front')).bytes;
          const w = await createWorker('chi_sim', OEM.LSTM_ONLY, { langPath: LANG, cacheMethod: 'none' });
          await w.recognize(Buffer.from(bytes));
          await w.terminate();
          return rssMiB();
        },
      },
      subject: {
        label: 'createOcrReader + read + close',
        async run() {
          const bytes = (await specimen(SEED, 'photo-like', 0, 'front')).bytes;
          const reader = createOcrReader({ tesseract: { langPath: LANG }, clock: () => SPECIMEN_NOW });
          await reader.read(decodeImage(bytes));
          await reader.close();
          return rssMiB();
        },
      },
    },
  ],
};
