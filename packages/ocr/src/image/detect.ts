// biome-ignore-all lint/style/noNonNullAssertion: pixel loops index typed arrays within bounds the loops check; noUncheckedIndexedAccess would type every read as possibly undefined.
/**
 * Finds the ID card in a photo: the card is the largest bright (or, on a light table, dark)
 * region whose outline is four straight edges with a card's proportions. Works on a ~480 px
 * working copy (a few milliseconds), then fits a straight line to each edge so the rounded card
 * corners and blur do not pull the corners inward; the corners are the lines' intersections.
 *
 * Hand-written (≈200 lines) instead of OpenCV.js for size: see geometry.ts.
 */
import { downscaleLuma } from './geometry.js';
import type { GrayImage, Point, Quad, RgbaImage } from './types.js';

export const CARD_ASPECT = 85.6 / 54;

export interface CardDetection {
  /** Corners in source pixels, TL, TR, BR, BL. */
  quad: Quad;
  /** Share of the image the card covers (0–1). */
  coverage: number;
  /** Mean edge-fit residual in working pixels: low for a real card's straight edges. */
  edgeResidual: number;
  /** True when a corner lies on or past the image border (card cut off). */
  touchesBorder: boolean;
}

const WORKING_SIDE = 480;

export function otsuThreshold(gray: GrayImage): number {
  const hist = new Float64Array(256);
  for (const v of gray.data) hist[v]!++;
  const total = gray.data.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** Largest 4-connected component of `mask`; returns its pixel indices' label and size. */
function largestComponent(
  mask: Uint8Array,
  width: number,
  height: number,
): { labels: Int32Array; label: number; size: number } {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  let next = 0;
  let bestLabel = 0;
  let bestSize = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    next++;
    let top = 0;
    stack[top++] = start;
    labels[start] = next;
    let size = 0;
    while (top > 0) {
      const p = stack[--top]!;
      size++;
      const x = p % width;
      // Four neighbours, unrolled: this loop visits every pixel of the working copy.
      if (x > 0 && mask[p - 1] && !labels[p - 1]) {
        labels[p - 1] = next;
        stack[top++] = p - 1;
      }
      if (x < width - 1 && mask[p + 1] && !labels[p + 1]) {
        labels[p + 1] = next;
        stack[top++] = p + 1;
      }
      if (p >= width && mask[p - width] && !labels[p - width]) {
        labels[p - width] = next;
        stack[top++] = p - width;
      }
      if (p + width < mask.length && mask[p + width] && !labels[p + width]) {
        labels[p + width] = next;
        stack[top++] = p + width;
      }
    }
    if (size > bestSize) {
      bestSize = size;
      bestLabel = next;
    }
  }
  return { labels, label: bestLabel, size: bestSize };
}

interface Line {
  /** For a horizontal edge y = a·x + b; for a vertical edge x = a·y + b. */
  a: number;
  b: number;
  residual: number;
  inliers: number;
}

function fitLine(points: Point[]): Line | undefined {
  let pts = points;
  let line: Line | undefined;
  // Least squares, then once more without the points > 2 px off (text touching the edge, a finger).
  for (let round = 0; round < 2; round++) {
    const n = pts.length;
    if (n < 8) return undefined;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (const [x, y] of pts) {
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    const den = n * sxx - sx * sx;
    if (Math.abs(den) < 1e-9) return undefined;
    const a = (n * sxy - sx * sy) / den;
    const b = (sy - a * sx) / n;
    let res = 0;
    const kept: Point[] = [];
    for (const p of pts) {
      const r = Math.abs(p[1] - (a * p[0] + b));
      res += r;
      if (r <= 2) kept.push(p);
    }
    line = { a, b, residual: res / n, inliers: kept.length / points.length };
    pts = kept;
  }
  return line;
}

/** Intersection of y = h.a·x + h.b with x = v.a·y + v.b. */
function intersect(h: Line, v: Line): Point {
  const y = (h.a * v.b + h.b) / (1 - h.a * v.a);
  return [v.a * y + v.b, y];
}

function quadFromComponent(labels: Int32Array, label: number, gray: GrayImage): CardDetection | undefined {
  const { width, height } = gray;
  const top: Point[] = [];
  const bottom: Point[] = [];
  const left: Point[] = [];
  const right: Point[] = [];
  const colTop = new Int32Array(width).fill(-1);
  const colBottom = new Int32Array(width).fill(-1);
  for (let y = 0; y < height; y++) {
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (labels[y * width + x] !== label) continue;
      if (first < 0) first = x;
      last = x;
      if (colTop[x]! < 0) colTop[x] = y;
      colBottom[x] = y;
    }
    // Boundary points are swapped to (y, x) for the vertical edges so every fit is y = a·x + b.
    if (first >= 0) {
      left.push([y, first]);
      right.push([y, last + 1]);
    }
  }
  for (let x = 0; x < width; x++) {
    if (colTop[x]! >= 0) {
      top.push([x, colTop[x]!]);
      bottom.push([x, colBottom[x]! + 1]);
    }
  }
  if (top.length < 16 || left.length < 16) return undefined;
  // Keep the middle of each edge: the ends are the rounded corners (and the other edges' pixels).
  const middle = (pts: Point[]) => {
    const lo = pts[0]![0];
    const hi = pts.at(-1)![0];
    const span = hi - lo;
    return pts.filter((p) => p[0] > lo + span * 0.12 && p[0] < hi - span * 0.12);
  };
  const lt = fitLine(middle(top));
  const lb = fitLine(middle(bottom));
  const ll = fitLine(middle(left));
  const lr = fitLine(middle(right));
  if (!lt || !lb || !ll || !lr) return undefined;
  const quad: Quad = [intersect(lt, ll), intersect(lt, lr), intersect(lb, lr), intersect(lb, ll)];
  const dist = (p: Point, q: Point) => Math.hypot(p[0] - q[0], p[1] - q[1]);
  const horizontal = dist(quad[0], quad[1]) + dist(quad[3], quad[2]);
  const vertical = dist(quad[0], quad[3]) + dist(quad[1], quad[2]);
  const aspect = horizontal / vertical;
  // Shoelace area; a self-intersecting or inverted quad fails the sign test.
  let area = 0;
  for (let i = 0; i < 4; i++) {
    const [x0, y0] = quad[i]!;
    const [x1, y1] = quad[(i + 1) % 4]!;
    area += x0 * y1 - x1 * y0;
  }
  area /= 2;
  const coverage = area / (width * height);
  const residual = (lt.residual + lb.residual + ll.residual + lr.residual) / 4;
  const inliers = Math.min(lt.inliers, lb.inliers, ll.inliers, lr.inliers);
  if (!(area > 0) || coverage < 0.03 || coverage > 1.05) return undefined;
  // ±15%: enough for a tilted phone, and excludes a 4:3 frame (1.33) taken for a card.
  if (aspect < CARD_ASPECT * 0.85 || aspect > CARD_ASPECT * 1.15) return undefined;
  if (residual > 1.5 || inliers < 0.7) return undefined;
  const slack = 0.02 * Math.max(width, height);
  const outside = quad.some(([x, y]) => x < -slack || y < -slack || x > width + slack || y > height + slack);
  if (outside) return undefined;
  const touchesBorder = quad.some(([x, y]) => x < 1 || y < 1 || x > width - 1 || y > height - 1);
  return { quad, coverage: Math.min(1, coverage), edgeResidual: residual, touchesBorder };
}

/** The card's corners in `image`, or undefined when there is no card-shaped region. */
export function detectCard(image: RgbaImage): CardDetection | undefined {
  const factor = Math.max(1, Math.floor(Math.max(image.width, image.height) / WORKING_SIDE));
  const gray = downscaleLuma(image, factor);
  const threshold = otsuThreshold(gray);
  const mask = new Uint8Array(gray.data.length);
  let best: CardDetection | undefined;
  // Bright card on a darker surface first (the guided case), then the reverse.
  for (const bright of [true, false]) {
    for (let i = 0; i < mask.length; i++) mask[i] = gray.data[i]! > threshold === bright ? 1 : 0;
    const { labels, label, size } = largestComponent(mask, gray.width, gray.height);
    if (size < 0.03 * mask.length) continue;
    const found = quadFromComponent(labels, label, gray);
    // A dark card on a light table must lie inside the frame; otherwise the "card" is the
    // dark background around a small bright card.
    if (found && !bright && found.touchesBorder) continue;
    if (found && (!best || found.coverage > best.coverage)) best = found;
    if (best) break;
  }
  if (!best) return undefined;
  const scale = (p: Point): Point => [p[0] * factor, p[1] * factor];
  // A factor that does not divide the size leaves a sliver; map with the exact ratios.
  const sx = image.width / (gray.width * factor);
  const sy = image.height / (gray.height * factor);
  const quad = best.quad.map((p) => {
    const [x, y] = scale(p);
    return [x * sx, y * sy] as Point;
  }) as unknown as Quad;
  return { ...best, quad };
}
