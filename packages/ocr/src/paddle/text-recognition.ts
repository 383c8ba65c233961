// biome-ignore-all lint/style/noNonNullAssertion: pixel and row loops index arrays within bounds the loops check; noUncheckedIndexedAccess would type every read as possibly undefined.
/**
 * PP-OCR's per-line steps: cut each detected box out of the photo as an upright strip
 * (perspective crop, turned by 90° when the box is tall), decide with the direction classifier
 * whether the strip is upside down, and read it with the CTC recogniser. Sizes and normalisation
 * are PaddleOCR's (classifier 3×48×192, recogniser height 48, both scaled to [-1, 1]).
 */
import { homography } from '../image/geometry.js';
import type { Point, Quad, RgbaImage } from '../image/types.js';
import type { ChwInput } from './ort.js';

/** An RGB strip, 3 bytes per pixel. */
export interface RgbStrip {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface LineCrop {
  strip: RgbStrip;
  /** Unit vector of the reading direction in the photo (before the classifier's verdict). */
  reading: Point;
}

const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

function sample(src: RgbaImage, u: number, v: number, out: Uint8Array, o: number): void {
  // Border replicate, as PaddleOCR's crop does.
  const x = Math.min(src.width - 1, Math.max(0, u));
  const y = Math.min(src.height - 1, Math.max(0, v));
  const x0 = Math.min(src.width - 2, Math.floor(x));
  const y0 = Math.min(src.height - 2, Math.floor(y));
  const fx = x - x0;
  const fy = y - y0;
  const i00 = (y0 * src.width + x0) * 4;
  const i10 = i00 + 4;
  const i01 = i00 + src.width * 4;
  const i11 = i01 + 4;
  const d = src.data;
  for (let c = 0; c < 3; c++) {
    const top = d[i00 + c]! + (d[i10 + c]! - d[i00 + c]!) * fx;
    const bottom = d[i01 + c]! + (d[i11 + c]! - d[i01 + c]!) * fx;
    out[o + c] = Math.round(top + (bottom - top) * fy);
  }
}

/**
 * The box as an upright strip: the side p0→p1 becomes the top edge. A box at least 1.5 times
 * taller than wide holds vertical text (a line photographed turned by 90°) and is turned
 * counter-clockwise, as PaddleOCR does, so that its reading direction runs p0→p3.
 */
export function cropLine(src: RgbaImage, quad: Quad): LineCrop {
  const [p0, p1, p2, p3] = quad;
  const width = Math.max(1, Math.round(Math.max(dist(p0, p1), dist(p2, p3))));
  const height = Math.max(1, Math.round(Math.max(dist(p0, p3), dist(p1, p2))));
  const strip = warpToRgb(src, quad, width, height);
  const unit = (a: Point, b: Point): Point => {
    const l = dist(a, b) || 1;
    return [(b[0] - a[0]) / l, (b[1] - a[1]) / l];
  };
  if (height / width >= 1.5) return { strip: rotateCounterClockwise(strip), reading: unit(p0, p3) };
  return { strip, reading: unit(p0, p1) };
}

/** The quad (TL, TR, BR, BL) warped to a `width × height` RGB image, bilinear, border replicated. */
export function warpToRgb(src: RgbaImage, quad: Quad, width: number, height: number): RgbStrip {
  const m = homography(
    [
      [0, 0],
      [width, 0],
      [width, height],
      [0, height],
    ],
    quad,
  );
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const w = m[6]! * px + m[7]! * py + m[8]!;
      sample(
        src,
        (m[0]! * px + m[1]! * py + m[2]!) / w - 0.5,
        (m[3]! * px + m[4]! * py + m[5]!) / w - 0.5,
        data,
        (y * width + x) * 3,
      );
    }
  }
  return { width, height, data };
}

export function rotateCounterClockwise(s: RgbStrip): RgbStrip {
  const out = new Uint8Array(s.data.length);
  // new[i][j] = old[j][W-1-i]; the new image is H wide and W tall.
  for (let i = 0; i < s.width; i++) {
    for (let j = 0; j < s.height; j++) {
      const from = (j * s.width + (s.width - 1 - i)) * 3;
      const to = (i * s.height + j) * 3;
      out[to] = s.data[from]!;
      out[to + 1] = s.data[from + 1]!;
      out[to + 2] = s.data[from + 2]!;
    }
  }
  return { width: s.height, height: s.width, data: out };
}

export function rotate180(s: RgbStrip): RgbStrip {
  const out = new Uint8Array(s.data.length);
  const n = s.width * s.height;
  for (let i = 0; i < n; i++) {
    const from = (n - 1 - i) * 3;
    out[i * 3] = s.data[from]!;
    out[i * 3 + 1] = s.data[from + 1]!;
    out[i * 3 + 2] = s.data[from + 2]!;
  }
  return { width: s.width, height: s.height, data: out };
}

/**
 * Scales the strip to `height` keeping its aspect (at most `maxWidth` wide), writes it into a
 * `height × paddedWidth` tensor in BGR planes scaled to [-1, 1], and leaves the rest 0.
 */
export function stripInput(
  s: RgbStrip,
  height: number,
  paddedWidth: number,
  maxWidth = paddedWidth,
): ChwInput {
  const width = Math.max(1, Math.min(maxWidth, paddedWidth, Math.ceil((height * s.width) / s.height)));
  const data = new Float32Array(3 * height * paddedWidth);
  const plane = height * paddedWidth;
  const sx = s.width / width;
  const sy = s.height / height;
  for (let y = 0; y < height; y++) {
    const v = Math.min(s.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(v);
    const y1 = Math.min(s.height - 1, y0 + 1);
    const fy = v - y0;
    for (let x = 0; x < width; x++) {
      const u = Math.min(s.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(u);
      const x1 = Math.min(s.width - 1, x0 + 1);
      const fx = u - x0;
      for (let ch = 0; ch < 3; ch++) {
        const c = 2 - ch; // plane 0 is blue
        const a = s.data[(y0 * s.width + x0) * 3 + c]!;
        const b = s.data[(y0 * s.width + x1) * 3 + c]!;
        const cc = s.data[(y1 * s.width + x0) * 3 + c]!;
        const d = s.data[(y1 * s.width + x1) * 3 + c]!;
        const top = a + (b - a) * fx;
        const bottom = cc + (d - cc) * fx;
        data[ch * plane + y * paddedWidth + x] = (top + (bottom - top) * fy) / 127.5 - 1;
      }
    }
  }
  return { data, dims: [1, 3, height, paddedWidth] };
}

/** The classifier's input: 48 high, 192 wide. */
export const CLS_HEIGHT = 48;
export const CLS_WIDTH = 192;
/** The recogniser's input height; the width follows the strip (at least 320, PP-OCRv4's base). */
export const REC_HEIGHT = 48;
export const REC_MIN_WIDTH = 320;
/** Wider strips are squeezed: no ID-card line is longer than this at height 48. */
export const REC_MAX_WIDTH = 1920;

export function recognitionInput(s: RgbStrip): ChwInput {
  const natural = Math.ceil((REC_HEIGHT * s.width) / s.height);
  const padded = Math.min(REC_MAX_WIDTH, Math.max(REC_MIN_WIDTH, natural));
  return stripInput(s, REC_HEIGHT, padded);
}

export interface Decoded {
  text: string;
  /** Mean probability of the kept characters, 0–1 (0 for an empty line). */
  confidence: number;
}

/**
 * CTC greedy decoding: the most likely class per time step, repeats merged, blanks (class 0)
 * dropped. Class i ≥ 1 is `keys[i - 1]`; PaddleOCR appends a space as the last class.
 */
export function ctcGreedyDecode(
  probs: ArrayLike<number>,
  steps: number,
  classes: number,
  keys: readonly string[],
): Decoded {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = Number.NEGATIVE_INFINITY;
    const row = t * classes;
    for (let c = 0; c < classes; c++) {
      const p = probs[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += best - 1 < keys.length ? keys[best - 1] : ' ';
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept > 0 ? sum / kept : 0 };
}

/** `ppocr_keys_v1.txt`: one character per line; the space class is implied after the last. */
export function parseKeys(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
