/**
 * Headless Chromium: per-card time of the reader against the whole-card `recognize()` of
 * tesseract.js on the same images in the same run, both on the self-hosted assets. Cards are
 * generated in the page (the specimen generator is isomorphic); no node imports here.
 */
import { createWorker, OEM } from 'tesseract.js';
import type { BenchCase, BenchSuite } from '../../../test/bench/harness.js';
import { browserCanvasKit } from '../../../test/fixtures/id-card/browser.js';
import { generateSpecimen, SPECIMEN_NOW, type Variant } from '../../../test/fixtures/id-card/specimen.js';
import { browserTesseractAssets, toRgbaImage } from '../src/browser/index.js';
import type { RgbaImage } from '../src/image/types.js';
import { createOcrReader, type OcrReader } from '../src/reader.js';

const ASSETS = browserTesseractAssets('/dualrec-assets');
const SEED = 20261123;
const CARDS = 4;

/** Chrome's non-standard heap figure (main thread only; workers' wasm memory is not in it). */
function heap(): Record<string, number> {
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return memory ? { jsHeapMiB: memory.usedJSHeapSize / 1024 / 1024 } : {};
}

type Whole = Awaited<ReturnType<typeof createWorker>>;

function warmCase(variant: Variant): BenchCase {
  let blobs: Blob[] = [];
  let images: RgbaImage[] = [];
  let reader: OcrReader | undefined;
  let whole: Whole | undefined;
  let i = 0;
  let j = 0;
  return {
    name: `front card, ${variant}, warm workers (${CARDS} cards round-robin)`,
    iterations: 8,
    warmup: 2,
    async setup() {
      blobs = [];
      images = [];
      for (let k = 0; k < CARDS; k++) {
        const s = await generateSpecimen(browserCanvasKit, { seed: SEED, variant, index: k, side: 'front' });
        const blob = new Blob([s.bytes as Uint8Array<ArrayBuffer>], { type: s.mime });
        blobs.push(blob);
        images.push(await toRgbaImage(blob));
      }
      reader = createOcrReader({ tesseract: ASSETS, clock: () => SPECIMEN_NOW });
      whole = await createWorker('chi_sim', OEM.LSTM_ONLY, {
        ...ASSETS,
        cachePath: 'dualrec-bench-whole-card',
      });
      await reader.ready();
    },
    async teardown() {
      await reader?.close();
      await whole?.terminate();
    },
    baseline: {
      label: 'tesseract.js recognize(whole image), chi_sim',
      async run() {
        await whole?.recognize(blobs[i++ % CARDS] as Blob);
        return heap();
      },
    },
    subject: {
      label: 'OcrReader.read()',
      async run() {
        const r = await reader?.read(images[j++ % CARDS] as RgbaImage);
        if (!r?.found) throw new Error('bench card not found');
        return heap();
      },
    },
    target: { minRatio: 1 },
  };
}

export const suite: BenchSuite = {
  name: 'ocr: ID card (chromium)',
  cases: [
    warmCase('photo-like'),
    {
      name: 'cold start: create workers (HTTP-cached assets), read one card, close',
      iterations: 3,
      warmup: 1,
      baseline: {
        label: 'createWorker(chi_sim) + recognize(whole image) + terminate',
        async run() {
          const s = await generateSpecimen(browserCanvasKit, {
            seed: SEED,
            variant: 'photo-like',
            index: 0,
            side: 'front',
          });
          const w = await createWorker('chi_sim', OEM.LSTM_ONLY, { ...ASSETS, cacheMethod: 'none' });
          await w.recognize(new Blob([s.bytes as Uint8Array<ArrayBuffer>], { type: s.mime }));
          await w.terminate();
          return heap();
        },
      },
      subject: {
        label: 'createOcrReader + read + close',
        async run() {
          const s = await generateSpecimen(browserCanvasKit, {
            seed: SEED,
            variant: 'photo-like',
            index: 0,
            side: 'front',
          });
          const reader = createOcrReader({
            tesseract: { ...ASSETS, cacheMethod: 'none' },
            clock: () => SPECIMEN_NOW,
          });
          await reader.read(
            await toRgbaImage(new Blob([s.bytes as Uint8Array<ArrayBuffer>], { type: s.mime })),
          );
          await reader.close();
          return heap();
        },
      },
    },
  ],
};
