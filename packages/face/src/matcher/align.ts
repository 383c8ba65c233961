/**
 * Five-point face alignment: the eye centres, nose tip and mouth corners taken from MediaPipe's
 * face-mesh landmarks, mapped by a least-squares similarity transform (Umeyama) onto the standard
 * ArcFace 112 × 112 template, the layout the embedding models were trained on.
 */
import { type Affine, invertAffine } from './image.js';

export type Point = [number, number];

/**
 * The ArcFace template (InsightFace), 112 × 112 px: subject's right eye, left eye, nose tip,
 * right mouth corner, left mouth corner (the subject's right is on the image's left).
 */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** Face-mesh indices around each eye (contour), averaged for the eye centre. */
const RIGHT_EYE = [33, 133, 159, 145, 160, 144, 158, 153];
const LEFT_EYE = [263, 362, 386, 374, 385, 380, 387, 373];
const NOSE_TIP = 1;
const MOUTH_RIGHT = 61;
const MOUTH_LEFT = 291;

/**
 * The five alignment points, in pixels, from face-mesh landmarks (x, y, z triplets, x and y
 * normalised to the image's width and height, as MediaPipe returns them; 468 or 478 points).
 */
export function fivePoints(landmarks: ArrayLike<number>, width: number, height: number): Point[] {
  const at = (i: number): Point => [
    (landmarks[i * 3] as number) * width,
    (landmarks[i * 3 + 1] as number) * height,
  ];
  const mean = (indices: number[]): Point => {
    let x = 0;
    let y = 0;
    for (const i of indices) {
      const [px, py] = at(i);
      x += px;
      y += py;
    }
    return [x / indices.length, y / indices.length];
  };
  return [mean(RIGHT_EYE), mean(LEFT_EYE), at(NOSE_TIP), at(MOUTH_RIGHT), at(MOUTH_LEFT)];
}

/**
 * The similarity transform (rotation, uniform scale, translation) that best maps `from` onto
 * `to` in the least-squares sense (Umeyama 1991, without reflection), as an affine matrix.
 */
export function similarityTransform(from: readonly Point[], to: readonly Point[]): Affine {
  const n = from.length;
  if (n < 2 || n !== to.length) throw new RangeError('need at least two matching points');
  let mfx = 0;
  let mfy = 0;
  let mtx = 0;
  let mty = 0;
  for (let i = 0; i < n; i++) {
    const f = from[i] as Point;
    const t = to[i] as Point;
    mfx += f[0];
    mfy += f[1];
    mtx += t[0];
    mty += t[1];
  }
  mfx /= n;
  mfy /= n;
  mtx /= n;
  mty /= n;
  // For 2-D similarity the optimum is closed-form: s·R = [[p, -q], [q, p]].
  let sxx = 0;
  let sxy = 0;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const [fx, fy] = from[i] as Point;
    const [tx, ty] = to[i] as Point;
    const ax = fx - mfx;
    const ay = fy - mfy;
    const bx = tx - mtx;
    const by = ty - mty;
    sxx += ax * bx + ay * by;
    sxy += ax * by - ay * bx;
    variance += ax * ax + ay * ay;
  }
  if (variance === 0) throw new RangeError('points coincide');
  const p = sxx / variance;
  const q = sxy / variance;
  return [p, -q, mtx - p * mfx + q * mfy, q, p, mty - q * mfx - p * mfy];
}

/**
 * The transform from an aligned crop of side `size` (pixel coordinates) back to the source image,
 * for `warpToFloatRgb`. The 112-px template is scaled to `size`, and by `zoom` about its centre.
 */
export function alignmentToSource(points: readonly Point[], size: number, zoom = 1): Affine {
  const s = size / 112;
  // `zoom` < 1 shows more of the head around the template (scaled about the crop's centre).
  const template = ARCFACE_TEMPLATE.map(
    ([x, y]) => [(56 + (x - 56) * zoom) * s, (56 + (y - 56) * zoom) * s] as Point,
  );
  return invertAffine(similarityTransform(points, template));
}
