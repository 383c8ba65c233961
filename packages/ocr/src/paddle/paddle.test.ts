// biome-ignore-all lint/style/noNonNullAssertion: pixel and row loops index arrays within bounds the loops check; noUncheckedIndexedAccess would type every read as possibly undefined.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point, Quad } from '../image/types.js';
import { createOcrReader } from '../reader.js';
import { PADDLE_FILES } from './assets.js';
import { arrangeCardText, backTexts, frontTexts } from './card-fields.js';
import { type PaddleLineSource, PaddleTextReader, type TextLine } from './engine.js';
import type { OrtModule } from './ort.js';
import { boxesFromProbability, minAreaRect, rectCorners } from './text-detection.js';
import {
  cropLine,
  ctcGreedyDecode,
  parseKeys,
  rotate180,
  rotateCounterClockwise,
} from './text-recognition.js';

describe('CTC greedy decoding', () => {
  const keys = ['中', '国', '1'];
  // Classes: 0 blank, 1 中, 2 国, 3 1, 4 space.
  const steps = (...best: number[]) => {
    const probs = new Float32Array(best.length * 5);
    best.forEach((c, t) => {
      probs[t * 5 + c] = 0.9;
    });
    return probs;
  };

  it('merges repeats, drops blanks, keeps a repeat split by a blank', () => {
    const decoded = ctcGreedyDecode(steps(1, 1, 0, 2, 2, 0, 3, 0, 3), 9, 5, keys);
    expect(decoded.text).toBe('中国11');
    expect(decoded.confidence).toBeCloseTo(0.9, 6);
  });

  it('reads the class after the last key as a space, and an all-blank line as empty', () => {
    expect(ctcGreedyDecode(steps(1, 4, 2), 3, 5, keys).text).toBe('中 国');
    expect(ctcGreedyDecode(steps(0, 0), 2, 5, keys)).toEqual({ text: '', confidence: 0 });
  });

  it('parses the key file one character per line', () => {
    expect(parseKeys('a\nb\r\n中\n')).toEqual(['a', 'b', '中']);
  });
});

describe('minimum-area rectangles', () => {
  it('finds the rotated rectangle of its own corners, at any angle', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: Math.PI, noNaN: true }),
        fc.double({ min: 20, max: 400, noNaN: true }),
        fc.double({ min: 5, max: 60, noNaN: true }),
        (angle, w, h) => {
          const c: Point = [500, 400];
          const u: Point = [Math.cos(angle), Math.sin(angle)];
          const corners: Point[] = [
            [-w / 2, -h / 2],
            [w / 2, -h / 2],
            [w / 2, h / 2],
            [-w / 2, h / 2],
          ].map(([x, y]) => [c[0] + x! * u[0] - y! * u[1], c[1] + x! * u[1] + y! * u[0]]);
          const r = minAreaRect(corners);
          expect(r.width * r.height).toBeCloseTo(w * h, 3);
          expect(r.center[0]).toBeCloseTo(c[0], 6);
          expect(r.center[1]).toBeCloseTo(c[1], 6);
        },
      ),
    );
  });

  it('orders corners top-left, top-right, bottom-right, bottom-left', () => {
    const [tl, tr, br, bl] = rectCorners({ center: [50, 20], axis: [1, 0], width: 80, height: 20 });
    expect([tl, tr, br, bl]).toEqual([
      [10, 10],
      [90, 10],
      [90, 30],
      [10, 30],
    ]);
  });
});

describe('DB box extraction', () => {
  /** A probability map with filled rectangles. */
  function map(w: number, h: number, rects: [number, number, number, number, number][]): Float32Array {
    const m = new Float32Array(w * h);
    for (const [x0, y0, x1, y1, p] of rects)
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = p;
    return m;
  }
  const input = { scaleX: 2, scaleY: 2, imageWidth: 400, imageHeight: 200 };

  it('keeps confident regions, grows them by the unclip margin and scales them to the image', () => {
    const boxes = boxesFromProbability(map(200, 100, [[20, 10, 120, 30, 0.9]]), 200, 100, input);
    expect(boxes).toHaveLength(1);
    const [tl, , br] = boxes[0]!.quad;
    // 99 × 19 map pixels between centres; d = 99·19·1.5 / (2·118) ≈ 12 → ≈ 123 × 43, ×2 in the image.
    expect(br[0] - tl[0]).toBeGreaterThan(2 * 99 + 2 * 2 * 11);
    expect(br[1] - tl[1]).toBeGreaterThan(2 * 19 + 2 * 2 * 11);
    expect(boxes[0]!.score).toBeCloseTo(0.9, 5);
  });

  it('drops faint regions and specks, and clamps boxes to the image', () => {
    const boxes = boxesFromProbability(
      map(200, 100, [
        [20, 10, 120, 30, 0.45],
        [150, 50, 152, 52, 0.99],
        [0, 80, 60, 100, 0.95],
      ]),
      200,
      100,
      input,
    );
    expect(boxes).toHaveLength(1);
    for (const [x, y] of boxes[0]!.quad) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(200);
    }
  });
});

describe('line crops', () => {
  /** An RGBA image whose pixel value encodes its x (red) and y (green). */
  const image = (w: number, h: number) => {
    const data = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        data[(y * w + x) * 4] = x;
        data[(y * w + x) * 4 + 1] = y;
        data[(y * w + x) * 4 + 3] = 255;
      }
    return { width: w, height: h, data };
  };

  it('cuts a wide box as is, reading along its top edge', () => {
    const { strip, reading } = cropLine(image(200, 100), [
      [10, 20],
      [110, 20],
      [110, 40],
      [10, 40],
    ]);
    expect([strip.width, strip.height]).toEqual([100, 20]);
    expect(reading).toEqual([1, 0]);
    expect(strip.data[0]).toBe(10);
    expect(strip.data[1]).toBe(20);
  });

  it('turns a tall box counter-clockwise, so a line photographed sideways reads downwards', () => {
    const { strip, reading } = cropLine(image(200, 200), [
      [10, 10],
      [30, 10],
      [30, 110],
      [10, 110],
    ]);
    expect([strip.width, strip.height]).toEqual([100, 20]);
    expect(reading).toEqual([0, 1]);
    // The strip's first pixel is the box's top-right corner (x≈29, y≈10).
    expect(strip.data[0]).toBe(29);
    expect(strip.data[1]).toBe(10);
  });

  it('rotations are exact inverses', () => {
    const s = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i) };
    const four = rotateCounterClockwise(
      rotateCounterClockwise(rotateCounterClockwise(rotateCounterClockwise(s))),
    );
    expect(four).toEqual(s);
    expect(rotate180(rotate180(s))).toEqual(s);
    expect(rotate180(s)).toEqual(rotateCounterClockwise(rotateCounterClockwise(s)));
  });
});

/**
 * A front side as PP-OCR reports it, laid out as on the card (mm × 10 px), then turned by `angle`
 * about the origin: lines carry their box, centre and reading direction, as the engine gives them.
 */
function cardLines(
  angle: number,
  extra: { text: string; x: number; y: number; tilt?: number }[] = [],
): TextLine[] {
  const rows: { text: string; x: number; y: number; w: number }[] = [
    { text: '姓名王小明', x: 56, y: 94, w: 240 },
    { text: '性别男', x: 56, y: 162, w: 120 },
    { text: '民族汉', x: 268, y: 162, w: 120 },
    { text: '出生1990年1月2日', x: 56, y: 230, w: 300 },
    { text: '住址浙江省杭州市西湖区文三', x: 56, y: 296, w: 380 },
    { text: '路88号', x: 152, y: 345, w: 120 },
    { text: '公民身份号码', x: 56, y: 468, w: 190 },
    { text: '33010619900102003X', x: 290, y: 468, w: 500 },
  ];
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const turn = ([x, y]: Point): Point => [x * c - y * s + 2000, x * s + y * c + 2000];
  const line = (text: string, x: number, y: number, w: number, tilt = 0): TextLine => {
    const h = 40;
    const box: Point[] = [
      [x, y - h / 2],
      [x + w, y - h / 2],
      [x + w, y + h / 2],
      [x, y + h / 2],
    ];
    const t = tilt;
    const local = box.map(
      ([px, py]): Point => [
        x + (px - x) * Math.cos(t) - (py - y) * Math.sin(t),
        y + (px - x) * Math.sin(t) + (py - y) * Math.cos(t),
      ],
    );
    const quad = local.map(turn) as unknown as Quad;
    const centre = turn([x + (w / 2) * Math.cos(t), y + (w / 2) * Math.sin(t)]);
    return {
      text,
      confidence: 95,
      quad,
      reading: [Math.cos(angle + t), Math.sin(angle + t)],
      height: h,
      center: centre,
      flipped: false,
    };
  };
  return [
    ...rows.map((r) => line(r.text, r.x, r.y, r.w)),
    ...extra.map((e) => line(e.text, e.x, e.y, 100, e.tilt ?? 0)),
  ];
}

describe('fields from PP-OCR lines', () => {
  it('reads the fields by their labels whatever way the card is turned', () => {
    fc.assert(
      fc.property(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), (angle) => {
        const card = arrangeCardText(cardLines(angle).sort(() => 0));
        expect(card.side).toBe('front');
        const f = frontTexts(card);
        expect(f.name.text).toBe('王小明');
        expect(f.sexEthnicity.text).toBe('性别男民族汉');
        expect(f.birth.text).toBe('出生1990年1月2日');
        expect(f.address1.text + f.address2.text + f.address3.text).toBe('浙江省杭州市西湖区文三路88号');
        expect(f.idNumber.text).toBe('33010619900102003X');
      }),
      { numRuns: 60 },
    );
  });

  it('leaves out a slanted watermark and anything over the portrait', () => {
    const lines = cardLines(0.3, [
      { text: '样本', x: 600, y: 200, tilt: -0.45 },
      { text: '仅供办理贷款使用', x: 100, y: 250, tilt: 0.5 },
      { text: '样本', x: 640, y: 94 },
    ]);
    const f = frontTexts(arrangeCardText(lines));
    expect(f.name.text).toBe('王小明');
    expect(f.birth.text).toBe('出生1990年1月2日');
  });

  it('drops the guilloche "一" between a label and its value, and never invents a number', () => {
    const lines = cardLines(0).map((l) =>
      l.text.startsWith('住址')
        ? { ...l, text: '住址一浙江省杭州市西湖区文三' }
        : l.text.length === 18
          ? { ...l, text: '3301061990010200' }
          : l,
    );
    const f = frontTexts(arrangeCardText(lines));
    expect(f.address1.text).toBe('浙江省杭州市西湖区文三');
    // A 16-digit read stays 16 digits: the number is never completed or repaired.
    expect(f.idNumber.text).toBe('3301061990010200');
  });

  it('tells the back side by its labels and reads issuer and validity', () => {
    const rows = cardLines(Math.PI);
    const back: TextLine[] = [rows[0]!, rows[1]!, rows[3]!].map((l, i) => ({
      ...l,
      text: ['中华人民共和国', '签发机关杭州市公安局西湖分局', '有效期限2015.03.01-2035.03.01'][i]!,
    }));
    const card = arrangeCardText(back);
    expect(card.side).toBe('back');
    expect(backTexts(card)).toEqual({
      issuer: { text: '杭州市公安局西湖分局', confidence: 95 },
      validity: { text: '2015.03.01-2035.03.01', confidence: 95 },
    });
  });
});

describe('the reader on the PP-OCR engine', () => {
  // A dark, empty frame: no card outline for the detector, so the corners come from the text.
  const image = {
    width: 200,
    height: 120,
    data: new Uint8ClampedArray(200 * 120 * 4).map((_, i) => (i % 4 === 3 ? 255 : 0)),
  };
  const source = (lines: TextLine[]): PaddleLineSource & { closed: number } => ({
    closed: 0,
    async readLines() {
      return { lines, timings: { detectMs: 1, classifyMs: 2, recognizeMs: 3 } };
    },
    async close() {
      this.closed++;
    },
  });

  it('reads a front side, validates the number and records the engine', async () => {
    const s = source(cardLines(0.2));
    const reader = createOcrReader({ paddle: s, clock: () => new Date('2026-05-01T00:00:00Z') });
    expect(reader.engine).toBe('paddle');
    const r = await reader.read(image);
    expect(r.found && r.side === 'front').toBe(true);
    if (!r.found || r.side !== 'front') return;
    expect(r.engine).toMatchObject({ name: 'pp-ocr' });
    expect(r.straightened).toBe(false);
    expect(r.fields.name.value).toBe('王小明');
    expect(r.fields.sex.value).toBe('男');
    expect(r.fields.ethnicity.value).toBe('汉');
    expect(r.fields.birthDate.value).toBe('1990-01-02');
    expect(r.fields.idNumber.value).toBe('33010619900102003X');
    expect(r.idNumberCheck.valid).toBe(true);
    await reader.close();
    await reader.close();
    expect(s.closed).toBe(1);
  });

  it('says why no card was read when no card text was read (this 200 px image: too small)', async () => {
    const reader = createOcrReader({ paddle: source([]) });
    expect(await reader.read(image)).toMatchObject({
      found: false,
      reason: 'too-small',
      engine: { name: 'pp-ocr' },
    });
    await reader.close();
  });

  it('refuses an unknown engine or a paddle engine without its line reader', () => {
    expect(() => createOcrReader({ engine: 'gpt' as never, paddle: source([]) })).toThrow(
      expect.objectContaining({ code: 'BAD_USAGE' }),
    );
    expect(() => createOcrReader({ engine: 'paddle' })).toThrow(
      expect.objectContaining({ code: 'BAD_USAGE' }),
    );
  });

  it('a model that fails to load fails ready() and read() with its code, not an unhandled rejection', async () => {
    const failing = Promise.reject(Object.assign(new Error('x'), { code: 'MODEL_LOAD_FAILED' }));
    const reader = createOcrReader({ paddle: failing });
    await expect(reader.ready()).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    await expect(reader.read(image)).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    await reader.close();
  });
});

describe('loading the PP-OCR engine', () => {
  const ort = {} as OrtModule; // never reached: the files are checked first
  const assets = Object.fromEntries(PADDLE_FILES.map((f) => [f.name, f.path])) as never;

  it('refuses a file whose SHA-256 is not the pinned one', async () => {
    await expect(
      PaddleTextReader.load({ ort, assets, readAsset: async () => new Uint8Array([1, 2, 3]) }),
    ).rejects.toMatchObject({ code: 'ASSET_HASH_MISMATCH' });
  });

  it('refuses a missing asset URL', async () => {
    await expect(
      PaddleTextReader.load({ ort, assets: { det: 'x' } as never, readAsset: async () => new Uint8Array() }),
    ).rejects.toMatchObject({ code: 'ASSET_NOT_FOUND', context: { name: 'cls' } });
  });
});
