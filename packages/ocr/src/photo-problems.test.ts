import { describe, expect, it } from 'vitest';
import { blur } from '../../../test/fixtures/id-card/degrade.js';
import { specimen } from '../../../test/fixtures/id-card/node.js';
import type { Quad, RgbaImage } from './image/types.js';
import { decodeImage } from './node/decode.js';
import type { PaddleLineSource } from './paddle/engine.js';
import { FIELD_GLARE_MAX, glareOverFields, whyNoCard } from './photo-problems.js';
import { createOcrReader } from './reader.js';

const SEED = 20261203;

function filled(width: number, height: number, luma: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4).fill(luma);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, data };
}

/** Paints a clipped-white patch, as a reflection does, over the rectangle (image pixels). */
function glare(image: RgbaImage, x0: number, y0: number, x1: number, y1: number): void {
  for (let y = Math.round(y0); y < y1; y++)
    for (let x = Math.round(x0); x < x1; x++)
      image.data.fill(255, (y * image.width + x) * 4, (y * image.width + x) * 4 + 3);
}

async function cleanFront(): Promise<{ image: RgbaImage; corners: Quad }> {
  const s = await specimen(SEED, 'clean', 0, 'front');
  return { image: await decodeImage(s.bytes), corners: s.corners as unknown as Quad };
}

/** A PP-OCR engine that finds no text at all: the reader must still say why. */
const blind: PaddleLineSource = {
  readLines: async () => ({ lines: [], timings: { detectMs: 0, classifyMs: 0, recognizeMs: 0 } }),
  close: async () => undefined,
};

describe('why a card photo was not read', () => {
  it('too small: a thumbnail under 400 px', () => {
    expect(whyNoCard(filled(320, 200, 128))).toBe('too-small');
  });

  it('too dark: an underexposed picture without a card outline', () => {
    expect(whyNoCard(filled(1200, 800, 25))).toBe('too-dark');
    expect(whyNoCard(filled(1200, 800, 160))).toBe('no-card');
  });

  it('blurry: the card is found but its text is smeared', async () => {
    const { image } = await cleanFront();
    expect(whyNoCard(image)).toBe('no-card');
    const smeared = { ...image, data: new Uint8ClampedArray(image.data) };
    blur(smeared, 6);
    expect(whyNoCard(smeared)).toBe('blurry');
  });

  it('glare: a reflection over the card', async () => {
    const { image, corners } = await cleanFront();
    const [tl, , br] = corners;
    glare(image, tl[0], tl[1], br[0], (tl[1] + br[1]) / 2);
    expect(whyNoCard(image)).toBe('glare');
  });

  it('names the unread fields under glare, and only those', async () => {
    const { image, corners } = await cleanFront();
    expect(glareOverFields(image, corners, 'front', ['name', 'address', 'idNumber'])).toEqual([]);
    // The address sits 27–42 mm down the 54 mm card, 15–55 mm across its 85.6 mm.
    const [tl, tr, , bl] = corners;
    const at = (u: number, v: number) => [
      tl[0] + (tr[0] - tl[0]) * u + (bl[0] - tl[0]) * v,
      tl[1] + (tr[1] - tl[1]) * u + (bl[1] - tl[1]) * v,
    ];
    const [x0, y0] = at(15 / 85.6, 27 / 54) as [number, number];
    const [x1, y1] = at(55 / 85.6, 42 / 54) as [number, number];
    glare(image, x0, y0, x1, y1);
    expect(glareOverFields(image, corners, 'front', ['name', 'address', 'idNumber'])).toEqual(['address']);
    expect(glareOverFields(image, corners, 'front', [])).toEqual([]);
    expect(FIELD_GLARE_MAX).toBeLessThan(0.5);
  });

  it('the reader reports the reason instead of a bare no-card', async () => {
    const reader = createOcrReader({ paddle: blind });
    try {
      const tiny = await reader.read(filled(320, 200, 128));
      expect(tiny).toMatchObject({ found: false, reason: 'too-small' });
      const dark = await reader.read(filled(1200, 800, 25));
      expect(dark).toMatchObject({ found: false, reason: 'too-dark' });
    } finally {
      await reader.close();
    }
  });
});
