// biome-ignore-all lint/style/noNonNullAssertion: pixel and row loops index arrays within bounds the loops check; noUncheckedIndexedAccess would type every read as possibly undefined.
/**
 * PP-OCR text detection (DB, "Real-time Scene Text Detection with Differentiable Binarization"):
 * the network gives a per-pixel text probability; boxes are the minimum-area rectangles of the
 * connected regions above a threshold, kept when their mean probability is high enough and grown
 * back ("unclipped") by the margin the network was trained to shrink them by. Parameters are
 * PaddleOCR's defaults for PP-OCRv4 (limit side 960, thresh 0.3, box thresh 0.6, unclip 1.5).
 */
import type { Point, Quad, RgbaImage } from '../image/types.js';
import type { ChwInput } from './ort.js';

export interface DetectionParams {
  /** The longer side is scaled down to at most this many pixels (never up). */
  limitSide: number;
  /** Pixels above this probability are text. */
  threshold: number;
  /** A region is a text box when its mean probability inside the box is at least this. */
  boxThreshold: number;
  /** The box grows by area × ratio / perimeter on each side. */
  unclipRatio: number;
  /** Boxes whose short side is below this (in the probability map's pixels) are noise. */
  minSize: number;
}

export const DETECTION_DEFAULTS: DetectionParams = {
  limitSide: 960,
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
};

// ImageNet statistics, applied to B, G, R in that order as PaddleOCR's cv2 pipeline does.
const DET_MEAN = [0.406, 0.456, 0.485];
const DET_STD = [0.225, 0.224, 0.229];

export interface DetectionInput extends ChwInput {
  /** Input pixels per map pixel, per axis. */
  scaleX: number;
  scaleY: number;
}

/** Resizes to multiples of 32 (the network's stride) under `limitSide` and normalises to BGR CHW. */
export function detectionInput(image: RgbaImage, limitSide = DETECTION_DEFAULTS.limitSide): DetectionInput {
  const ratio = Math.min(1, limitSide / Math.max(image.width, image.height));
  const width = Math.max(32, Math.round((image.width * ratio) / 32) * 32);
  const height = Math.max(32, Math.round((image.height * ratio) / 32) * 32);
  const data = new Float32Array(3 * width * height);
  const plane = width * height;
  const sx = image.width / width;
  const sy = image.height / height;
  const src = image.data;
  for (let y = 0; y < height; y++) {
    const v = Math.min(image.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(v);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const fy = v - y0;
    for (let x = 0; x < width; x++) {
      const u = Math.min(image.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(u);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const fx = u - x0;
      const a = (y0 * image.width + x0) * 4;
      const b = (y0 * image.width + x1) * 4;
      const c = (y1 * image.width + x0) * 4;
      const d = (y1 * image.width + x1) * 4;
      const o = y * width + x;
      for (let ch = 0; ch < 3; ch++) {
        const rgb = 2 - ch; // plane 0 is blue
        const top = src[a + rgb]! + (src[b + rgb]! - src[a + rgb]!) * fx;
        const bottom = src[c + rgb]! + (src[d + rgb]! - src[c + rgb]!) * fx;
        const value = (top + (bottom - top) * fy) / 255;
        data[ch * plane + o] = (value - DET_MEAN[ch]!) / DET_STD[ch]!;
      }
    }
  }
  return { data, dims: [1, 3, height, width], scaleX: sx, scaleY: sy };
}

export interface TextBox {
  /** Corners in input-image pixels, ordered as PaddleOCR orders them: by x, then y within each pair. */
  quad: Quad;
  /** Mean text probability inside the (unexpanded) box. */
  score: number;
}

/** Monotone-chain convex hull. */
function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: Point, a: Point, b: Point) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0)
      lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0)
      upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

export interface RotatedRect {
  center: Point;
  /** Unit vector along the first side. */
  axis: Point;
  /** Side lengths along `axis` and perpendicular to it. */
  width: number;
  height: number;
}

/** The minimum-area enclosing rectangle (rotating calipers over the hull's edges). */
export function minAreaRect(points: Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 1) return { center: hull[0]!, axis: [1, 0], width: 0, height: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Number.POSITIVE_INFINITY;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len === 0) continue;
    const ux = (b[0] - a[0]) / len;
    const uy = (b[1] - a[1]) / len;
    let minU = Number.POSITIVE_INFINITY;
    let maxU = Number.NEGATIVE_INFINITY;
    let minV = Number.POSITIVE_INFINITY;
    let maxV = Number.NEGATIVE_INFINITY;
    for (const p of hull) {
      const pu = p[0] * ux + p[1] * uy;
      const pv = -p[0] * uy + p[1] * ux;
      if (pu < minU) minU = pu;
      if (pu > maxU) maxU = pu;
      if (pv < minV) minV = pv;
      if (pv > maxV) maxV = pv;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = {
        center: [cu * ux - cv * uy, cu * uy + cv * ux],
        axis: [ux, uy],
        width: maxU - minU,
        height: maxV - minV,
      };
    }
  }
  return best ?? { center: hull[0]!, axis: [1, 0], width: 0, height: 0 };
}

/** The rectangle's corners, ordered TL, TR, BR, BL by image position as PaddleOCR's get_mini_boxes does. */
export function rectCorners(r: RotatedRect): Quad {
  const [ux, uy] = r.axis;
  const hw = r.width / 2;
  const hh = r.height / 2;
  const pts: Point[] = [
    [r.center[0] - ux * hw + uy * hh, r.center[1] - uy * hw - ux * hh],
    [r.center[0] + ux * hw + uy * hh, r.center[1] + uy * hw - ux * hh],
    [r.center[0] + ux * hw - uy * hh, r.center[1] + uy * hw + ux * hh],
    [r.center[0] - ux * hw - uy * hh, r.center[1] - uy * hw + ux * hh],
  ];
  pts.sort((a, b) => a[0] - b[0]);
  const [l1, l2, r1, r2] = pts as [Point, Point, Point, Point];
  const [tl, bl] = l1[1] <= l2[1] ? [l1, l2] : [l2, l1];
  const [tr, br] = r1[1] <= r2[1] ? [r1, r2] : [r2, r1];
  return [tl, tr, br, bl];
}

/** Mean probability over the map pixels inside the rectangle. */
function meanInside(prob: Float32Array, width: number, height: number, r: RotatedRect): number {
  const corners = rectCorners(r);
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  const [ux, uy] = r.axis;
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x - r.center[0];
      const dy = y - r.center[1];
      if (
        Math.abs(dx * ux + dy * uy) <= r.width / 2 + 0.5 &&
        Math.abs(-dx * uy + dy * ux) <= r.height / 2 + 0.5
      ) {
        sum += prob[y * width + x]!;
        n++;
      }
    }
  }
  return n > 0 ? sum / n : 0;
}

/**
 * From the probability map to boxes in input-image pixels. Regions are 8-connected components of
 * the thresholded map; the hull of each region's pixels gives its minimum-area rectangle.
 */
export function boxesFromProbability(
  prob: Float32Array,
  mapWidth: number,
  mapHeight: number,
  input: { scaleX: number; scaleY: number; imageWidth: number; imageHeight: number },
  params: DetectionParams = DETECTION_DEFAULTS,
): TextBox[] {
  const labels = new Int32Array(mapWidth * mapHeight);
  const boxes: TextBox[] = [];
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || !(prob[start]! > params.threshold)) continue;
    next++;
    labels[start] = next;
    stack.push(start);
    // Only boundary pixels can be hull vertices; interior pixels are skipped to keep hulls cheap.
    const boundary: Point[] = [];
    let pixels = 0;
    while (stack.length > 0) {
      const i = stack.pop()!;
      pixels++;
      const x = i % mapWidth;
      const y = (i - x) / mapWidth;
      let edge = false;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= mapWidth || ny >= mapHeight) {
            edge = true;
            continue;
          }
          const j = ny * mapWidth + nx;
          if (!(prob[j]! > params.threshold)) {
            edge = true;
            continue;
          }
          if (labels[j] === 0) {
            labels[j] = next;
            stack.push(j);
          }
        }
      }
      if (edge) boundary.push([x, y]);
    }
    if (pixels < 4) continue;
    const rect = minAreaRect(boundary);
    if (Math.min(rect.width, rect.height) < params.minSize) continue;
    const score = meanInside(prob, mapWidth, mapHeight, rect);
    if (score < params.boxThreshold) continue;
    // Unclip: the offset polygon of a rectangle by d is a rounded rectangle whose minimum-area
    // rectangle is the original grown by d on every side.
    const area = rect.width * rect.height;
    const perimeter = 2 * (rect.width + rect.height);
    const d = perimeter > 0 ? (area * params.unclipRatio) / perimeter : 0;
    const grown: RotatedRect = { ...rect, width: rect.width + 2 * d, height: rect.height + 2 * d };
    if (Math.min(grown.width, grown.height) < params.minSize + 2) continue;
    const quad = rectCorners(grown).map(
      ([px, py]) =>
        [
          Math.min(input.imageWidth, Math.max(0, (px + 0.5) * input.scaleX)),
          Math.min(input.imageHeight, Math.max(0, (py + 0.5) * input.scaleY)),
        ] as Point,
    ) as unknown as Quad;
    boxes.push({ quad, score });
  }
  return boxes;
}
