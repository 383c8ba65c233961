/**
 * Plain-pixel helpers for the matcher: an RGBA image type that node (decoded JPEG/PNG) and the
 * browser (ImageData, OffscreenCanvas) both produce, and the affine resampling that turns a face
 * into a model's input. Pure JS so the same bytes give the same input tensor everywhere.
 */

/** 8-bit RGBA pixels, row-major, `data.length === width * height * 4` (ImageData-compatible). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Maps output pixel (u, v) to source pixel (x, y): x = a·u + b·v + c, y = d·u + e·v + f. */
export type Affine = [a: number, b: number, c: number, d: number, e: number, f: number];

export function invertAffine([a, b, c, d, e, f]: Affine): Affine {
  const det = a * e - b * d;
  if (det === 0) throw new RangeError('singular affine transform');
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

export function applyAffine([a, b, c, d, e, f]: Affine, x: number, y: number): [number, number] {
  return [a * x + b * y + c, d * x + e * y + f];
}

/**
 * Resamples `image` through `toSource` (output pixel centre → source pixel) into a
 * `width × height × 3` float tensor, each channel mapped by `value * scale + offset` (so
 * `scale = 1/255, offset = 0` gives 0..1). Bilinear; outside the image is black (0 before mapping).
 */
export function warpToFloatRgb(
  image: RgbaImage,
  toSource: Affine,
  width: number,
  height: number,
  scale: number,
  offset: number,
): Float32Array {
  const out = new Float32Array(width * height * 3);
  const { data, width: w, height: h } = image;
  const [a, b, c, d, e, f] = toSource;
  let o = 0;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const x = a * (u + 0.5) + b * (v + 0.5) + c - 0.5;
      const y = d * (u + 0.5) + e * (v + 0.5) + f - 0.5;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      for (let ch = 0; ch < 3; ch++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) {
          const xx = x0 + (k & 1);
          const yy = y0 + (k >> 1);
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const weight = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
          sum += weight * (data[(yy * w + xx) * 4 + ch] as number);
        }
        out[o++] = sum * scale + offset;
      }
    }
  }
  return out;
}
