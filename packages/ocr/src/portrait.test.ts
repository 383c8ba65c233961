import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specimen } from '../../../test/fixtures/id-card/node.js';
import { SPECIMEN_NOW, type Variant } from '../../../test/fixtures/id-card/specimen.js';
import type { Point, Quad } from './image/types.js';
import { decodeImage } from './node/decode.js';
import { loadPaddleEngine } from './node/index.js';
import { arrangeCardText, frontAnchors } from './paddle/card-fields.js';
import type { PaddleTextReader } from './paddle/engine.js';
import { cropPortrait, portraitQuadFromCorners, portraitQuadFromText } from './portrait.js';
import { createOcrReader, type OcrReader } from './reader.js';

const ASSETS = resolve(import.meta.dirname, '../../../assets-dist');
const SEED = 20261123;

/** The largest distance between matching corners, in mm of the card (from its top edge's length). */
function worstCornerMm(found: Quad, expected: Quad): number {
  const pxPerMm = Math.hypot(expected[1][0] - expected[0][0], expected[1][1] - expected[0][1]) / 28;
  return (
    Math.max(...found.map((p, i) => Math.hypot(p[0] - expected[i]![0], p[1] - expected[i]![1]))) / pxPerMm
  );
}

describe('the portrait area', () => {
  it('maps the layout onto an upright card and crops 28 × 34 mm at 12 px/mm', () => {
    const card: Quad = [
      [100, 50],
      [956, 50],
      [956, 590],
      [100, 590],
    ];
    const q = portraitQuadFromCorners(card);
    // 10 px per mm: the photo's box (55.5, 6.5)–(80.5, 37.5) mm with a 1.5 mm margin.
    expect(q[0][0]).toBeCloseTo(100 + 540, 6);
    expect(q[0][1]).toBeCloseTo(50 + 50, 6);
    expect(q[2][0]).toBeCloseTo(100 + 820, 6);
    expect(q[2][1]).toBeCloseTo(50 + 390, 6);
    const image = { width: 1100, height: 700, data: new Uint8ClampedArray(1100 * 700 * 4).fill(255) };
    const crop = cropPortrait(image, q);
    expect([crop.width, crop.height]).toEqual([336, 408]);
  });

  it('from the text alone agrees with the outline on a turned card', () => {
    const u: Point = [Math.cos(0.4), Math.sin(0.4)];
    const v: Point = [-u[1], u[0]];
    // A card at 10 px/mm, turned by 0.4 rad about the origin.
    const at = (x: number, y: number): Point => [
      x * 10 * u[0] + y * 10 * v[0],
      x * 10 * u[1] + y * 10 * v[1],
    ];
    const outline = portraitQuadFromCorners([at(0, 0), at(85.6, 0), at(85.6, 54), at(0, 54)]);
    const text = portraitQuadFromText(u, 540, 95, 467);
    expect(text).not.toBeNull();
    expect(worstCornerMm(text as Quad, outline)).toBeLessThan(0.01);
    expect(portraitQuadFromText(u, 540, 467, 95)).toBeNull();
  });
});

describe('the portrait on generated cards', () => {
  let paddleEngine: Promise<PaddleTextReader>;
  let paddle: OcrReader;
  let tesseract: OcrReader;
  beforeAll(() => {
    paddleEngine = loadPaddleEngine({ assetsDir: ASSETS });
    paddle = createOcrReader({ paddle: paddleEngine, clock: () => SPECIMEN_NOW });
    tesseract = createOcrReader({
      tesseract: { langPath: resolve(ASSETS, 'tesseract/lang'), workers: { chi_sim: 1 } },
      clock: () => SPECIMEN_NOW,
    });
  });
  afterAll(async () => {
    await paddle.close();
    await tesseract.close();
  });

  for (const [variant, index] of [
    ['clean', 0],
    ['rotation', 1],
    ['perspective', 2],
    ['photo-like', 3],
  ] as [Variant, number][])
    it(`${variant}: both engines place it within 1 mm of where the card prints it`, async () => {
      const s = await specimen(SEED, variant, index, 'front');
      const expected = portraitQuadFromCorners(s.corners as unknown as Quad);
      const image = decodeImage(s.bytes);
      for (const reader of [paddle, tesseract]) {
        const r = await reader.read(image, { side: 'front' });
        if (!r.found || r.side !== 'front' || !r.portrait) throw new Error(`${reader.engine}: no portrait`);
        expect(worstCornerMm(r.portrait, expected), reader.engine).toBeLessThan(1);
      }
      // Without the outline, from PP-OCR's text lines only: within 3 mm (no perspective correction).
      const card = arrangeCardText((await (await paddleEngine).readLines(image)).lines);
      const a = frontAnchors(card);
      if (!a || !card.direction) throw new Error('no anchors');
      const fromText = portraitQuadFromText(card.direction, a.idCenterX, a.nameY, a.idY) as Quad;
      expect(worstCornerMm(fromText, expected)).toBeLessThan(3);
    }, 60_000);
});
