/**
 * Brightness and sharpness of a small RGBA image (the face crop or a downscaled frame). The
 * analyzer draws the region into a fixed-size canvas first, so sharpness values are comparable
 * between frames and devices regardless of camera resolution.
 */

/** Rec. 601 luma of each pixel, 0..255. */
export function toLuma(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    out[i] = 0.299 * (rgba[p] as number) + 0.587 * (rgba[p + 1] as number) + 0.114 * (rgba[p + 2] as number);
  }
  return out;
}

/** Mean luma, 0..1. */
export function meanBrightness(luma: Float32Array): number {
  if (luma.length === 0) return 0;
  let sum = 0;
  for (const v of luma) sum += v;
  return sum / luma.length / 255;
}

/**
 * Variance of the 4-neighbour Laplacian (the usual focus measure): blur and motion smear remove
 * the high frequencies it responds to. Border pixels are skipped.
 */
export function laplacianVariance(luma: Float32Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const v =
        (luma[i - 1] as number) +
        (luma[i + 1] as number) +
        (luma[i - width] as number) +
        (luma[i + width] as number) -
        4 * (luma[i] as number);
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}
