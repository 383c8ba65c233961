// biome-ignore-all lint/style/noNonNullAssertion: pixel loops index typed arrays within bounds the loops check; noUncheckedIndexedAccess would type every read as possibly undefined.
/**
 * Per-field preprocessing of a straightened card crop, as measured to help tesseract:
 * flatten the background (divide by a local maximum estimate, which removes uneven light and the
 * pale security print), stretch contrast between robust percentiles, and binarise with Otsu only
 * for short high-contrast fields (the number). Upscaling is deliberately absent: it made
 * recognition worse at this resolution (measured).
 */
import { otsuThreshold } from './detect.js';
import type { GrayImage } from './types.js';

export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function crop(src: GrayImage, box: CropBox): GrayImage {
  const x0 = Math.max(0, Math.round(box.x));
  const y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(src.width, Math.round(box.x + box.width));
  const y1 = Math.min(src.height, Math.round(box.y + box.height));
  const width = Math.max(1, x1 - x0);
  const height = Math.max(1, y1 - y0);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    data.set(src.data.subarray((y0 + y) * src.width + x0, (y0 + y) * src.width + x0 + width), y * width);
  return { width, height, data };
}

/** Running maximum over a (2r+1)² window, separable: a dilation that erases strokes thinner than r. */
function localMax(src: GrayImage, r: number): Float32Array {
  const { width, height, data } = src;
  const tmp = new Float32Array(width * height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let m = 0;
      for (let k = Math.max(0, x - r); k <= Math.min(width - 1, x + r); k++)
        m = Math.max(m, data[y * width + k]!);
      tmp[y * width + x] = m;
    }
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      let m = 0;
      for (let k = Math.max(0, y - r); k <= Math.min(height - 1, y + r); k++)
        m = Math.max(m, tmp[k * width + x]!);
      out[y * width + x] = m;
    }
  }
  return out;
}

export interface PreprocessOptions {
  binarize: boolean;
}

export function preprocess(src: GrayImage, options: PreprocessOptions): GrayImage {
  const { width, height, data } = src;
  // Strokes are ≤ 4 px wide at 10 px/mm; a 6 px radius estimates the paper under them.
  const paper = localMax(src, 6);
  const flat = new Float32Array(width * height);
  for (let i = 0; i < flat.length; i++) flat[i] = Math.min(1, data[i]! / Math.max(24, paper[i]!));
  const hist = new Uint32Array(256);
  for (const v of flat) hist[Math.round(v * 255)]!++;
  const pct = (p: number) => {
    let acc = 0;
    for (let i = 0; i < 256; i++) {
      acc += hist[i]!;
      if (acc >= p * flat.length) return i;
    }
    return 255;
  };
  const lo = pct(0.01);
  const hi = Math.max(lo + 16, pct(0.6));
  const out = new Uint8Array(width * height);
  for (let i = 0; i < flat.length; i++) {
    const v = ((flat[i]! * 255 - lo) / (hi - lo)) * 255;
    out[i] = Math.max(0, Math.min(255, v));
  }
  const image = { width, height, data: out };
  if (options.binarize) {
    const t = otsuThreshold(image);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! > t ? 255 : 0;
  }
  return image;
}

/**
 * Netpbm P5 (binary greyscale): the smallest format leptonica decodes, so crops cross the
 * worker boundary as a few kilobytes without a PNG encoder in the package.
 */
export function encodePgm(image: GrayImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${image.width} ${image.height}\n255\n`);
  const out = new Uint8Array(header.length + image.data.length);
  out.set(header, 0);
  out.set(image.data, header.length);
  return out;
}

/**
 * Cuts a preprocessed line crop down to the columns that hold ink, plus a margin. The LSTM's cost
 * grows with the line's width and a two-character name sits in a box made for fifteen; blank
 * paper also gives it room to hallucinate marks.
 */
export function trimToInk(image: GrayImage, margin = 10): GrayImage {
  const { width, height, data } = image;
  let first = -1;
  let last = -1;
  for (let x = 0; x < width; x++) {
    let dark = 0;
    for (let y = 0; y < height; y++) if (data[y * width + x]! < 96) dark++;
    // Two dark pixels in a column: a stroke, not a speck of noise.
    if (dark >= 2) {
      if (first < 0) first = x;
      last = x;
    }
  }
  if (first < 0) return image;
  const x0 = Math.max(0, first - margin);
  const x1 = Math.min(width, last + 1 + margin);
  if (x1 - x0 >= width - 4) return image;
  return crop(image, { x: x0, y: 0, width: x1 - x0, height });
}
