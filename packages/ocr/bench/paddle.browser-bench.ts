/**
 * Headless Chromium: the two engines on the same cards in the same run. Subject: PP-OCR in its
 * worker; baseline: the tesseract.js reader (the light engine), both warm, both from the
 * self-hosted assets. Issue targets for PP-OCR (absolute, reported in the table's median column):
 * ≤ 1.5 s per front side warm, engine ready ≤ 3 s from the HTTP cache.
 */
import type { BenchCase, BenchSuite } from '../../../test/bench/harness.js';
import { browserCanvasKit } from '../../../test/fixtures/id-card/browser.js';
import { generateSpecimen, SPECIMEN_NOW, type Variant } from '../../../test/fixtures/id-card/specimen.js';
import { browserTesseractAssets, PaddleWorkerEngine, toRgbaImage } from '../src/browser/index.js';
import type { RgbaImage } from '../src/image/types.js';
import { createOcrReader, type OcrReader } from '../src/reader.js';

const BASE = '/dualrec-assets';
const SEED = 20261123;
const CARDS = 4;

function warmCase(variant: Variant): BenchCase {
  let images: RgbaImage[] = [];
  let paddle: OcrReader | undefined;
  let tesseract: OcrReader | undefined;
  let i = 0;
  let j = 0;
  return {
    name: `front card, ${variant}, both engines warm (${CARDS} cards round-robin)`,
    iterations: 6,
    warmup: 1,
    async setup() {
      images = [];
      for (let k = 0; k < CARDS; k++) {
        const s = await generateSpecimen(browserCanvasKit, { seed: SEED, variant, index: k, side: 'front' });
        images.push(await toRgbaImage(new Blob([s.bytes as Uint8Array<ArrayBuffer>], { type: s.mime })));
      }
      paddle = createOcrReader({
        paddle: PaddleWorkerEngine.start({ assetsBase: BASE }),
        clock: () => SPECIMEN_NOW,
      });
      tesseract = createOcrReader({ tesseract: browserTesseractAssets(BASE), clock: () => SPECIMEN_NOW });
      await Promise.all([paddle.ready(), tesseract.ready()]);
    },
    async teardown() {
      await paddle?.close();
      await tesseract?.close();
    },
    baseline: {
      label: 'tesseract.js OcrReader.read()',
      async run() {
        const r = await tesseract?.read(images[i++ % CARDS] as RgbaImage);
        if (!r?.found) throw new Error('bench card not found');
      },
    },
    subject: {
      label: 'PP-OCR (worker) OcrReader.read()',
      async run() {
        const r = await paddle?.read(images[j++ % CARDS] as RgbaImage);
        if (!r?.found) throw new Error('bench card not found');
      },
    },
  };
}

export const suite: BenchSuite = {
  name: 'ocr: PP-OCR vs tesseract.js (chromium)',
  cases: [
    warmCase('photo-like'),
    warmCase('rotation'),
    {
      name: 'engine ready from the HTTP cache (start, load models, close)',
      iterations: 3,
      warmup: 1,
      baseline: {
        label: 'tesseract.js reader ready',
        async run() {
          const reader = createOcrReader({ tesseract: browserTesseractAssets(BASE) });
          await reader.ready();
          await reader.close();
        },
      },
      subject: {
        label: 'PP-OCR worker ready',
        async run() {
          const reader = createOcrReader({ paddle: PaddleWorkerEngine.start({ assetsBase: BASE }) });
          await reader.ready();
          await reader.close();
        },
      },
    },
  ],
};
