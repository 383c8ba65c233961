/**
 * Reader behaviour that needs no accuracy statistics: garbage input, no-card photos, abort,
 * close, the recogniser seam, side detection and capture feedback. The accuracy suite is
 * reader.accuracy.test.ts.
 */
import { resolve } from 'node:path';
import { isDualrecError } from '@dualrec/evidence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { background, composeCard, type Rgba } from '../../../test/fixtures/id-card/degrade.js';
import { seededRandom } from '../../../test/fixtures/id-card/identity.js';
import { nodeCanvasKit, specimen } from '../../../test/fixtures/id-card/node.js';
import { identityFor, renderCard, SPECIMEN_NOW, VARIANTS } from '../../../test/fixtures/id-card/specimen.js';
import { assessCapture } from './capture.js';
import { resultPayload } from './events.js';
import { detectCard } from './image/detect.js';
import { readDimensions } from './image/header.js';
import type { GrayImage } from './image/types.js';
import { decodeImage } from './node/decode.js';
import { readImageFile } from './node/index.js';
import { createOcrReader, type OcrReader } from './reader.js';
import type { Recognition, RecognizeRequest, Recognizer } from './recognizer.js';
import { TesseractRecognizer } from './recognizer.js';

const LANG = resolve(import.meta.dirname, '../../../assets-dist/tesseract/lang');
const SEED = 20261123;

async function expectCode(p: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (error) {
    expect(isDualrecError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected DualrecError ${code}`);
}

/** A recogniser that answers from a table, keyed by crop size and model: the seam under test. */
class TableRecognizer implements Recognizer {
  calls: RecognizeRequest[] = [];
  closed = false;
  constructor(private readonly answer: (req: RecognizeRequest, image: GrayImage) => Recognition) {}
  async ready() {}
  async recognize(image: GrayImage, req: RecognizeRequest, signal?: AbortSignal) {
    if (signal?.aborted) throw signal.reason;
    this.calls.push(req);
    return this.answer(req, image);
  }
  async close() {
    this.closed = true;
  }
}

function sceneWithoutCard(seed: number): Rgba {
  const random = seededRandom(seed);
  const scene = background(1200, 900, random, [90, 80, 70], 8);
  // Bright shapes that are not card-shaped: a round plate and a long strip.
  for (let y = 0; y < 900; y++)
    for (let x = 0; x < 1200; x++) {
      const plate = (x - 400) ** 2 + (y - 450) ** 2 < 250 ** 2;
      const strip = x > 800 && x < 1150 && y > 100 && y < 160;
      if (plate || strip) scene.data.fill(235, (y * 1200 + x) * 4, (y * 1200 + x) * 4 + 3);
    }
  return scene;
}

describe('input checks (no workers needed)', () => {
  const reader = createOcrReader({ recognizer: new TableRecognizer(() => ({ text: '', confidence: 0 })) });
  afterAll(() => reader.close());

  it('rejects bytes that are not an image', async () => {
    await expectCode(() => decodeImage(new TextEncoder().encode('not an image at all')), 'OCR_IMAGE_INVALID');
    await expectCode(() => decodeImage(new Uint8Array(0)), 'OCR_IMAGE_INVALID');
  });

  it('rejects a truncated PNG and a corrupt JPEG', async () => {
    const png = (await specimen(SEED, 'clean', 0, 'front')).bytes;
    await expectCode(() => decodeImage(png.slice(0, 2000)), 'OCR_IMAGE_INVALID');
    const jpg = (await specimen(SEED, 'jpeg60', 0, 'front')).bytes.slice();
    jpg.fill(0x41, 600, 4000);
    await expectCode(() => decodeImage(jpg.slice(0, 5000)), 'OCR_IMAGE_INVALID');
  });

  it('refuses a 12000×12000 image from its header, before allocating its pixels', async () => {
    const png = (await specimen(SEED, 'clean', 0, 'front')).bytes.slice();
    new DataView(png.buffer).setUint32(16, 12000);
    new DataView(png.buffer).setUint32(20, 12000);
    expect(readDimensions(png)).toEqual({ width: 12000, height: 12000 });
    const heap = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    await expectCode(() => decodeImage(png), 'OCR_IMAGE_TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(100);
    expect(process.memoryUsage().arrayBuffers - heap).toBeLessThan(16 * 1024 * 1024);
    // The RGBA entry point checks the size before the buffer.
    await expectCode(
      reader.read({ width: 12000, height: 12000, data: new Uint8Array(4) }),
      'OCR_IMAGE_TOO_LARGE',
    );
  });

  it('refuses a 10×10 image and malformed buffers', async () => {
    await expectCode(
      reader.read({ width: 10, height: 10, data: new Uint8ClampedArray(400) }),
      'OCR_IMAGE_TOO_SMALL',
    );
    await expectCode(
      reader.read({ width: 100, height: 100, data: new Uint8ClampedArray(10) }),
      'OCR_IMAGE_INVALID',
    );
    await expectCode(
      reader.read({ width: 1.5, height: 100, data: new Uint8ClampedArray(600) }),
      'OCR_IMAGE_INVALID',
    );
    await expectCode(reader.read(null as never), 'OCR_IMAGE_INVALID');
    await expectCode(
      reader.read({ width: 100, height: 100, data: new Uint8ClampedArray(40000) }, { side: 'top' as never }),
      'BAD_USAGE',
    );
  });

  it('reads a missing file as OCR_IMAGE_INVALID', async () => {
    await expectCode(readImageFile('/nonexistent/card.jpg'), 'OCR_IMAGE_INVALID');
  });

  it('finds no card in photos without one, quickly', async () => {
    const noise: Rgba = { width: 800, height: 600, data: new Uint8ClampedArray(800 * 600 * 4) };
    const random = seededRandom(3);
    for (let i = 0; i < noise.data.length; i++) noise.data[i] = i % 4 === 3 ? 255 : random() * 255;
    const white: Rgba = { width: 800, height: 600, data: new Uint8ClampedArray(800 * 600 * 4).fill(255) };
    for (const image of [sceneWithoutCard(1), sceneWithoutCard(2), noise, white]) {
      const started = performance.now();
      const r = await reader.read(image);
      expect(r.found).toBe(false);
      expect(performance.now() - started).toBeLessThan(1500);
    }
  });

  it('needs a recogniser or asset paths', () => {
    expect(() => createOcrReader({})).toThrow(expect.objectContaining({ code: 'BAD_USAGE' }));
    expect(() => new TesseractRecognizer({ langPath: '' })).toThrow(
      expect.objectContaining({ code: 'BAD_USAGE' }),
    );
  });
});

describe('card detection', () => {
  it('finds every variant’s corners within 1% of the card width', async () => {
    // Not real-photo: its cluttered surfaces, tilt and fingers are what the outline detector
    // cannot handle and PP-OCR does without (reader.accuracy-paddle-photo.test.ts).
    for (const variant of VARIANTS.filter((v) => v !== 'real-photo')) {
      for (let i = 0; i < 4; i++) {
        const s = await specimen(SEED, variant, i, i % 2 ? 'back' : 'front');
        const image = decodeImage(s.bytes);
        const d = detectCard(image);
        expect(d, `${variant} #${i}`).toBeDefined();
        const [c0, c1] = s.corners as [[number, number], [number, number]];
        const cardWidth = Math.hypot(c1[0] - c0[0], c1[1] - c0[1]);
        const worst = Math.max(
          ...(d?.quad ?? []).map((p, k) => {
            const [x, y] = s.corners[k] ?? [Number.NaN, Number.NaN];
            return Math.hypot(p[0] - x, p[1] - y);
          }),
        );
        expect(worst / cardWidth, `${variant} #${i}`).toBeLessThan(0.01);
      }
    }
  });

  it('takes a scan that is all card (no background) as the whole frame', () => {
    const card = renderCard(nodeCanvasKit, identityFor(1, 0), 'front', 12);
    // Flatten the transparent rounded corners onto white, as a scanner delivers it.
    for (let i = 0; i < card.data.length; i += 4)
      if ((card.data[i + 3] as number) < 255) card.data.fill(255, i, i + 4);
    const d = detectCard(card);
    expect(d?.coverage).toBeGreaterThan(0.95);
  });
});

describe('capture feedback', () => {
  it('says ok for a clean card, blurry for the blur variant, too-small, too-dark and cut-off', async () => {
    expect(assessCapture(decodeImage((await specimen(SEED, 'clean', 0, 'front')).bytes)).feedback).toBe('ok');
    expect(assessCapture(decodeImage((await specimen(SEED, 'photo-like', 0, 'front')).bytes)).feedback).toBe(
      'ok',
    );
    expect(assessCapture(decodeImage((await specimen(SEED, 'blur', 0, 'front')).bytes)).feedback).toBe(
      'blurry',
    );
    const card = renderCard(nodeCanvasKit, identityFor(1, 0), 'front', 10);
    const small = background(1600, 1200, seededRandom(1), [50, 50, 60], 0);
    composeCard(small, card, [
      [600, 500],
      [1000, 500],
      [1000, 752],
      [600, 752],
    ]);
    expect(assessCapture(small).feedback).toBe('too-small');
    const dark = decodeImage((await specimen(SEED, 'clean', 0, 'front')).bytes);
    for (let i = 0; i < dark.data.length; i++)
      if (i % 4 !== 3) dark.data[i] = (dark.data[i] as number) * 0.22;
    expect(assessCapture(dark).feedback).toBe('too-dark');
    const cut = background(1600, 1200, seededRandom(1), [50, 50, 60], 0);
    composeCard(cut, card, [
      [-300, 200],
      [1000, 200],
      [1000, 1020],
      [-300, 1020],
    ]);
    expect(['cut-off', 'no-card']).toContain(assessCapture(cut).feedback);
  });
});

describe('reader with a table recogniser (the seam)', () => {
  const front = {
    name: '张 三',
    sexEthnicity: '性 别 女 民 族 汊',
    ethnicity: '汉',
    ethnicityLabelled: '民族汊',
    birth: '1949 年 12 月 31 日',
    address: '北 京 市 东 城 区',
    idNumber: '11010519491231002X',
  };

  it('parses, chooses among ethnicity readings, validates and labels each field', async () => {
    const s = await specimen(SEED, 'clean', 0, 'front');
    const table = new TableRecognizer((req) => {
      if (req.model === 'eng') return { text: front.idNumber, confidence: 90 };
      const byField: Record<string, string> = {
        name: front.name,
        sexEthnicity: front.sexEthnicity,
        ethnicity: front.ethnicity,
        ethnicityLabelled: front.ethnicityLabelled,
        birth: front.birth,
        address1: front.address,
      };
      return { text: byField[req.field ?? ''] ?? '', confidence: 88 };
    });
    const reader = createOcrReader({ recognizer: table, clock: () => SPECIMEN_NOW });
    const r = await reader.read(decodeImage(s.bytes));
    await reader.close();
    expect(table.closed).toBe(true);
    if (!r.found || r.side !== 'front') throw new Error('expected a front result');
    expect(r.fields.name).toMatchObject({ value: '张三', status: 'needs-confirmation' });
    expect(r.fields.sex).toMatchObject({ value: '女', status: 'verified' });
    expect(r.fields.ethnicity).toMatchObject({ value: '汉', status: 'verified' });
    expect(r.fields.birthDate).toMatchObject({ value: '1949-12-31', status: 'verified' });
    expect(r.fields.idNumber).toMatchObject({ value: '11010519491231002X', status: 'verified' });
    expect(r.idNumberCheck.valid).toBe(true);
    // The specimen's first address line is printed; the blank 2nd/3rd lines of this card are not sent.
    expect(r.fields.address.value?.startsWith('北京市东城区')).toBe(true);
    expect(table.calls.filter((c) => c.model === 'eng')).toEqual([
      { field: 'idNumber', model: 'eng', psm: 7, whitelist: '0123456789X' },
    ]);
    // The primary line read 汊, not an official name: the two re-reads were asked for.
    expect(table.calls.map((c) => c.field)).toContain('ethnicityLabelled');
    const payload = resultPayload(r, 'ab'.repeat(32));
    expect(payload).toMatchObject({ v: 1, side: 'front', found: true, idNumberValid: true });
    expect(Object.keys(payload.fields).sort()).toEqual([
      'address',
      'birthDate',
      'ethnicity',
      'idNumber',
      'name',
      'sex',
    ]);
  });

  it('flags a misread number and never reports it valid', async () => {
    const s = await specimen(SEED, 'clean', 0, 'front');
    const table = new TableRecognizer((req) =>
      req.model === 'eng' ? { text: '110105194912310021', confidence: 95 } : { text: '', confidence: 50 },
    );
    const reader = createOcrReader({ recognizer: table, clock: () => SPECIMEN_NOW });
    const r = await reader.read(decodeImage(s.bytes), { side: 'front' });
    await reader.close();
    if (!r.found || r.side !== 'front') throw new Error('expected a front result');
    expect(r.idNumberCheck.valid).toBe(false);
    expect(r.fields.idNumber).toMatchObject({ status: 'invalid', issues: ['id-checksum'] });
  });

  it('aborts: before start, and while recognising', async () => {
    const s = await specimen(SEED, 'clean', 0, 'front');
    const image = decodeImage(s.bytes);
    let release: () => void = () => {};
    const slow: Recognizer = {
      ready: async () => {},
      recognize: (_img, _req, signal) =>
        new Promise((resolvePromise, reject) => {
          release = () => resolvePromise({ text: '', confidence: 0 });
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
      close: async () => release(),
    };
    const reader = createOcrReader({ recognizer: slow });
    await expectCode(reader.read(image, { signal: AbortSignal.abort() }), 'ABORTED');
    const controller = new AbortController();
    const pending = reader.read(image, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeDefined();
    await reader.close();
    await expectCode(reader.read(image), 'OCR_READER_CLOSED');
  });
});

describe('tesseract workers', () => {
  let reader: OcrReader;
  const workerHandles = () =>
    process.getActiveResourcesInfo().filter((r) => /Worker|MessagePort/.test(r)).length;
  let before = 0;

  beforeAll(async () => {
    before = workerHandles();
    reader = createOcrReader({ tesseract: { langPath: LANG }, clock: () => SPECIMEN_NOW });
    await reader.ready();
  }, 60_000);

  it('tell front from back without being told', async () => {
    const f = await reader.read(decodeImage((await specimen(SEED, 'photo-like', 3, 'front')).bytes));
    const b = await reader.read(decodeImage((await specimen(SEED, 'photo-like', 3, 'back')).bytes));
    expect(f.found && f.side).toBe('front');
    expect(b.found && b.side).toBe('back');
  });

  it('reads a card held upside down', async () => {
    for (const side of ['front', 'back'] as const) {
      const s = await specimen(SEED, 'photo-like', 6, side);
      const image = decodeImage(s.bytes);
      // Turn the photo by 180°: pixel order reversed.
      const turned = new Uint8ClampedArray(image.data.length);
      for (let i = 0, j = image.data.length - 4; i < image.data.length; i += 4, j -= 4)
        turned.set(image.data.subarray(j, j + 4), i);
      const r = await reader.read({ width: image.width, height: image.height, data: turned });
      expect(r.found && r.side).toBe(side);
      if (r.found && r.side === 'front') expect(r.fields.idNumber.value).toBe(s.identity.idNumber);
      if (r.found && r.side === 'back') expect(r.fields.issuer.value).toBe(s.identity.issuer);
    }
  });

  it('close() waits until every worker has exited, and aborts queued work', async () => {
    expect(workerHandles()).toBeGreaterThan(before);
    const image = decodeImage((await specimen(SEED, 'clean', 1, 'front')).bytes);
    // Settled into a value at once, so the rejection during close() is never unhandled.
    const outcome = reader.read(image).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await new Promise((r) => setTimeout(r, 30));
    await reader.close();
    expect(await outcome).toMatchObject({ code: 'OCR_READER_CLOSED' });
    expect(workerHandles()).toBe(before);
    await reader.close(); // idempotent
  });

  it('reports a missing language folder as MODEL_LOAD_FAILED and leaks no worker', async () => {
    const before2 = workerHandles();
    const broken = createOcrReader({ tesseract: { langPath: '/nonexistent/lang' } });
    await expectCode(broken.ready(), 'MODEL_LOAD_FAILED');
    await broken.close();
    expect(workerHandles()).toBe(before2);
  }, 60_000);
});
