import { describe, expect, it } from 'vitest';
import { laplacianVariance, meanBrightness, toLuma } from './image-stats.js';

function rgba(width: number, height: number, value: (x: number, y: number) => number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = value(x, y);
      out.set([v, v, v, 255], (y * width + x) * 4);
    }
  return out;
}

describe('image statistics', () => {
  it('brightness is mean luma over 255', () => {
    expect(
      meanBrightness(
        toLuma(
          rgba(8, 8, () => 51),
          8,
          8,
        ),
      ),
    ).toBeCloseTo(0.2, 3);
    expect(meanBrightness(new Float32Array())).toBe(0);
  });

  it('a flat image has zero Laplacian variance; a checkerboard has a lot; blurring lowers it', () => {
    const flat = toLuma(
      rgba(16, 16, () => 128),
      16,
      16,
    );
    const sharp = toLuma(
      rgba(16, 16, (x, y) => ((x + y) % 2 ? 255 : 0)),
      16,
      16,
    );
    const soft = toLuma(
      rgba(16, 16, (x) => 128 + 60 * Math.sin(x / 3)),
      16,
      16,
    );
    expect(laplacianVariance(flat, 16, 16)).toBe(0);
    expect(laplacianVariance(sharp, 16, 16)).toBeGreaterThan(100_000);
    expect(laplacianVariance(soft, 16, 16)).toBeLessThan(laplacianVariance(sharp, 16, 16) / 100);
    expect(laplacianVariance(flat, 2, 2)).toBe(0);
  });
});
