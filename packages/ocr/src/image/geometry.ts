// biome-ignore-all lint/style/noNonNullAssertion: pixel loops index typed arrays within bounds the loops check; noUncheckedIndexedAccess would type every read as possibly undefined.
/**
 * Perspective geometry: the homography from four point pairs and a bilinear perspective warp.
 * Hand-written rather than a dependency: the whole thing is ~100 lines, and the libraries that
 * do it (OpenCV.js ≈ 8 MB wasm, jsfeat unmaintained since 2016) would dwarf the package.
 */
import type { GrayImage, Point, Quad, RgbaImage } from './types.js';

/** Row-major 3×3 matrix with m[8] = 1 that maps each `from[i]` to `to[i]`. */
export function homography(from: readonly Point[], to: readonly Point[]): Float64Array {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gauss–Jordan with partial pivoting on the 8×9 augmented system.
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (Math.abs(a[p]![c]!) < 1e-12) throw new RangeError('degenerate quadrilateral');
    [a[c], a[p]] = [a[p]!, a[c]!];
    const row = a[c]!;
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const other = a[r]!;
      const f = other[c]! / row[c]!;
      if (f !== 0) for (let k = c; k < 9; k++) other[k]! -= f * row[k]!;
    }
  }
  const m = new Float64Array(9);
  for (let i = 0; i < 8; i++) m[i] = a[i]![8]! / a[i]![i]!;
  m[8] = 1;
  return m;
}

export function applyHomography(m: Float64Array, [x, y]: Point): [number, number] {
  const w = m[6]! * x + m[7]! * y + m[8]!;
  return [(m[0]! * x + m[1]! * y + m[2]!) / w, (m[3]! * x + m[4]! * y + m[5]!) / w];
}

export interface WarpedCard {
  /** Luma (Rec. 601), for whole labelled lines. */
  luma: GrayImage;
  /**
   * Brightest channel: black ink stays dark while the blue labels, coloured security print and
   * the red specimen/photo marks turn light — a cheap way to keep only the printed values.
   */
  ink: GrayImage;
}

/**
 * Resamples the quad of `src` to a `width`×`height` rectangle. Source pixels outside the image
 * read as mid-grey. Downscaled sources are area-sampled (2×2 supersampling when the card is
 * more than twice the output size), so a 4000 px photo does not alias into noise.
 */
export function warpQuad(src: RgbaImage, quad: Quad, width: number, height: number): WarpedCard {
  const m = homography(
    [
      [0, 0],
      [width, 0],
      [width, height],
      [0, height],
    ],
    quad,
  );
  const sideX = Math.hypot(quad[1][0] - quad[0][0], quad[1][1] - quad[0][1]);
  const ss = sideX > 2 * width ? 2 : 1;
  const luma = new Uint8Array(width * height);
  const ink = new Uint8Array(width * height);
  const { data, width: sw, height: sh } = src;
  const rgb = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const px = x + (sx + 0.5) / ss;
          const py = y + (sy + 0.5) / ss;
          const w = m[6]! * px + m[7]! * py + m[8]!;
          const u = (m[0]! * px + m[1]! * py + m[2]!) / w - 0.5;
          const v = (m[3]! * px + m[4]! * py + m[5]!) / w - 0.5;
          sampleBilinear(data, sw, sh, u, v, rgb);
          r += rgb[0]!;
          g += rgb[1]!;
          b += rgb[2]!;
        }
      }
      const n = ss * ss;
      r /= n;
      g /= n;
      b /= n;
      const o = y * width + x;
      luma[o] = 0.299 * r + 0.587 * g + 0.114 * b;
      ink[o] = Math.max(r, g, b);
    }
  }
  return { luma: { width, height, data: luma }, ink: { width, height, data: ink } };
}

function sampleBilinear(
  data: Uint8ClampedArray | Uint8Array,
  w: number,
  h: number,
  u: number,
  v: number,
  out: number[],
): void {
  if (u < 0 || v < 0 || u > w - 1 || v > h - 1) {
    out[0] = out[1] = out[2] = 128;
    return;
  }
  const x0 = Math.min(w - 2, Math.floor(u));
  const y0 = Math.min(h - 2, Math.floor(v));
  const fx = u - x0;
  const fy = v - y0;
  const i00 = (y0 * w + x0) * 4;
  const i10 = i00 + 4;
  const i01 = i00 + w * 4;
  const i11 = i01 + 4;
  for (let c = 0; c < 3; c++) {
    const top = data[i00 + c]! + (data[i10 + c]! - data[i00 + c]!) * fx;
    const bottom = data[i01 + c]! + (data[i11 + c]! - data[i01 + c]!) * fx;
    out[c] = top + (bottom - top) * fy;
  }
}

/** Area-average downscale of RGBA to luma, by an integer factor: the detector's working copy. */
export function downscaleLuma(src: RgbaImage, factor: number): GrayImage {
  const width = Math.max(1, Math.floor(src.width / factor));
  const height = Math.max(1, Math.floor(src.height / factor));
  const out = new Uint8Array(width * height);
  const { data, width: sw } = src;
  // Sample a bounded grid inside each block: reading every pixel of a 144 MP image is the one
  // cost here that grows with the input, so big blocks are sampled, not summed.
  const step = Math.max(1, Math.floor(factor / 4));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let n = 0;
      for (let yy = y * factor; yy < (y + 1) * factor; yy += step) {
        let i = (yy * sw + x * factor) * 4;
        for (let xx = 0; xx < factor; xx += step, i += step * 4) {
          sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
          n++;
        }
      }
      out[y * width + x] = sum / n;
    }
  }
  return { width, height, data: out };
}
