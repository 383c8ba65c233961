// biome-ignore-all lint/style/noNonNullAssertion: fixed-size quads and matrices.
/**
 * The second look at a turned or tilted card. PP-OCR's detector finds horizontal text best: on a
 * card turned by 45° it splits the spaced labels (姓 名) into single characters and misses lines.
 * So when the first pass shows the card's text running at an angle, the card is cut out upright
 * (by its outline when `detectCard` found one, else by the text's extent plus the layout's
 * margins) and read again; the lines are mapped back to the photo's pixels.
 */
import { applyHomography, homography } from '../image/geometry.js';
import type { Point, Quad, RgbaImage } from '../image/types.js';
import type { TextLine } from './engine.js';
import { warpToRgb } from './text-recognition.js';

/** Text more than this far from horizontal (degrees) gets the second, upright pass. */
export const UPRIGHT_ANGLE_DEG = 4;
/** The longer side of the upright cut, pixels: PP-OCR scales to 960 anyway; a margin for small print. */
const UPRIGHT_MAX_SIDE = 1280;

export function angleFromHorizontal(u: Point): number {
  return (Math.abs(Math.atan2(u[1], u[0])) * 180) / Math.PI;
}

/** ID-number line anchors on the card, mm: its digits span ~31–77 mm across, its row centre 46.7 mm down. */
const ID_LEFT_MM = 31;
const ID_RIGHT_MM = 77;
const ID_ROW_MM = 46.7;
const CARD_W_MM = 85.6;
const CARD_H_MM = 54;
/** Extra room around the estimated card, mm, so an estimate a little off still holds it all. */
const SLACK_MM = 4;

const ID_PATTERN = /[0-9]{17}[0-9Xx]/;

/**
 * Where the card lies, from its text (no outline found), as a quad in reading order. From the
 * 18-digit number line when it was read (its length gives the scale, its place the card's: the
 * layout is fixed), else from the extent of the text that runs along `u`, grown by margins.
 */
export function cardRegionFromText(lines: readonly TextLine[], u: Point): Quad {
  const v: Point = [-u[1], u[0]];
  const at = (a: number, b: number): Point => [a * u[0] + b * v[0], a * u[1] + b * v[1]];
  const along = (l: TextLine) => l.quad.map((p) => p[0] * u[0] + p[1] * u[1]);
  const id = lines.find((l) => ID_PATTERN.test(l.text.replace(/\s+/g, '')));
  if (id && id.reading[0] * u[0] + id.reading[1] * u[1] > 0.9) {
    // The box carries a margin of about a third of its height on each end.
    const xs = along(id);
    const x0 = Math.min(...xs) + id.height / 3;
    const x1 = Math.max(...xs) - id.height / 3;
    const mm = (x1 - x0) / (ID_RIGHT_MM - ID_LEFT_MM);
    const y = id.center[0] * v[0] + id.center[1] * v[1];
    const left = x0 - (ID_LEFT_MM + SLACK_MM) * mm;
    const right = x1 + (CARD_W_MM - ID_RIGHT_MM + SLACK_MM) * mm;
    const top = y - (ID_ROW_MM + SLACK_MM) * mm;
    const bottom = y + (CARD_H_MM - ID_ROW_MM + SLACK_MM) * mm;
    return [at(left, top), at(right, top), at(right, bottom), at(left, bottom)];
  }
  const aligned = lines.filter((l) => l.reading[0] * u[0] + l.reading[1] * u[1] >= Math.cos(Math.PI / 12));
  let minU = Number.POSITIVE_INFINITY;
  let maxU = Number.NEGATIVE_INFINITY;
  let minV = Number.POSITIVE_INFINITY;
  let maxV = Number.NEGATIVE_INFINITY;
  for (const l of aligned)
    for (const p of l.quad) {
      const pu = p[0] * u[0] + p[1] * u[1];
      const pv = p[0] * v[0] + p[1] * v[1];
      minU = Math.min(minU, pu);
      maxU = Math.max(maxU, pu);
      minV = Math.min(minV, pv);
      maxV = Math.max(maxV, pv);
    }
  const w = maxU - minU;
  const h = maxV - minV;
  return [
    at(minU - w * 0.12, minV - h * 0.3),
    at(maxU + w * 0.12, minV - h * 0.3),
    at(maxU + w * 0.12, maxV + h * 0.3),
    at(minU - w * 0.12, maxV + h * 0.3),
  ];
}

export interface UprightCut {
  image: RgbaImage;
  /** Maps the cut's pixels back to the photo's. */
  toPhoto: Float64Array;
}

/** The region (TL, TR, BR, BL in reading order) cut out upright, RGBA. */
export function cutUpright(image: RgbaImage, region: Quad): UprightCut {
  const d = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const w = Math.max(d(region[0], region[1]), d(region[3], region[2]));
  const h = Math.max(d(region[0], region[3]), d(region[1], region[2]));
  // Small photos are enlarged (up to 3×): the detector misses text under ~10 px high.
  const scale = Math.min(3, UPRIGHT_MAX_SIDE / Math.max(w, h));
  const width = Math.max(64, Math.round(w * scale));
  const height = Math.max(64, Math.round(h * scale));
  const rgb = warpToRgb(image, region, width, height);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < rgb.data.length; i += 3, j += 4) {
    data[j] = rgb.data[i]!;
    data[j + 1] = rgb.data[i + 1]!;
    data[j + 2] = rgb.data[i + 2]!;
    data[j + 3] = 255;
  }
  const toPhoto = homography(
    [
      [0, 0],
      [width, 0],
      [width, height],
      [0, height],
    ],
    region,
  );
  return { image: { width, height, data }, toPhoto };
}

/** A line read in the upright cut, in the photo's pixels. */
export function lineInPhoto(line: TextLine, toPhoto: Float64Array): TextLine {
  const map = (p: Point): Point => applyHomography(toPhoto, p);
  const quad = line.quad.map(map) as unknown as Quad;
  const center = map(line.center);
  const ahead = map([line.center[0] + line.reading[0] * 10, line.center[1] + line.reading[1] * 10]);
  const len = Math.hypot(ahead[0] - center[0], ahead[1] - center[1]) || 1;
  const across = map([
    line.center[0] - line.reading[1] * line.height,
    line.center[1] + line.reading[0] * line.height,
  ]);
  return {
    ...line,
    quad,
    center,
    reading: [(ahead[0] - center[0]) / len, (ahead[1] - center[1]) / len],
    height: Math.hypot(across[0] - center[0], across[1] - center[1]),
  };
}
