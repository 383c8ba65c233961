/**
 * Measurements derived from MediaPipe's 478 face landmarks: head pose, eye and mouth openness,
 * bounding box and guide-oval fit. Pure functions over `Float32Array` x,y,z triplets so they run
 * in a worker, on the main thread and in node tests alike.
 *
 * Landmark x and y are normalised to the frame's width and height; z is on the same scale as x
 * (MediaPipe's convention), with smaller z nearer the camera.
 */
import type { Box, GuideFit, GuideOval, HeadPose } from './types.js';

/** MediaPipe face mesh indices used here (the subject's right eye is on the image's left). */
export const LM = {
  noseTip: 1,
  foreheadTop: 10,
  chin: 152,
  rightEyeOuter: 33,
  rightEyeInner: 133,
  leftEyeOuter: 263,
  leftEyeInner: 362,
  // Eyelid pairs (upper, lower) used for the eye aspect ratio.
  rightEyeLids: [
    [160, 144],
    [159, 145],
    [158, 153],
  ],
  leftEyeLids: [
    [385, 380],
    [386, 374],
    [387, 373],
  ],
  upperInnerLip: 13,
  lowerInnerLip: 14,
  mouthRight: 61,
  mouthLeft: 291,
} as const;

export const LANDMARK_COUNT = 478;

type Vec3 = [number, number, number];

/** Landmark `i` in pixel-proportional units: x and z scaled by the frame aspect so angles are true. */
function point(lm: ArrayLike<number>, i: number, aspect: number): Vec3 {
  return [(lm[i * 3] as number) * aspect, lm[i * 3 + 1] as number, (lm[i * 3 + 2] as number) * aspect];
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}
function norm(a: Vec3): Vec3 {
  const l = Math.hypot(a[0], a[1], a[2]);
  return l === 0 ? [0, 0, 0] : scale(a, 1 / l);
}
function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function dist2d(lm: ArrayLike<number>, i: number, j: number, aspect: number): number {
  const a = point(lm, i, aspect);
  const b = point(lm, j, aspect);
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

const DEG = 180 / Math.PI;

/**
 * The forehead–chin line of the MediaPipe canonical face leans back from the vertical, so a face
 * looking straight into the camera reads as slightly pitched. Measured on the frontal fixture
 * clips (blink-webcam, talking-grid-s2); subtracting it makes "frontal" mean pitch ≈ 0.
 */
export const PITCH_OFFSET_DEG = 0;

/**
 * Head pose from the face's own axes: eye line (subject's right → left eye corner) and the
 * chin → forehead line, orthonormalised; the face normal is their cross product.
 * `aspect` is frame width / height (landmark x and y are normalised to different lengths).
 */
export function headPose(lm: ArrayLike<number>, aspect: number): HeadPose {
  const right = norm(sub(point(lm, LM.leftEyeOuter, aspect), point(lm, LM.rightEyeOuter, aspect)));
  const upRaw = sub(point(lm, LM.foreheadTop, aspect), point(lm, LM.chin, aspect));
  const up = norm(sub(upRaw, scale(right, dot(upRaw, right))));
  // Image axes: x right, y down, z away from the camera. right × up points out of the face,
  // towards the camera (−z) for a frontal face.
  const forward = cross(right, up);
  const yaw = Math.atan2(forward[0], -forward[2]) * DEG;
  const pitch = Math.asin(Math.max(-1, Math.min(1, -forward[1]))) * DEG - PITCH_OFFSET_DEG;
  // The subject's left eye is on the image's right; it drops (y grows) when they tilt towards
  // their left shoulder.
  const roll = Math.atan2(right[1], right[0]) * DEG;
  return { yaw, pitch, roll };
}

/** Eye aspect ratio: mean eyelid gap over eye width, averaged over both eyes (≈0.25–0.35 open). */
export function eyeAspectRatio(lm: ArrayLike<number>, aspect: number): number {
  const one = (lids: readonly (readonly [number, number])[], outer: number, inner: number): number => {
    const width = dist2d(lm, outer, inner, aspect);
    if (width === 0) return 0;
    let gap = 0;
    for (const [u, l] of lids) gap += dist2d(lm, u, l, aspect);
    return gap / lids.length / width;
  };
  return (
    (one(LM.rightEyeLids, LM.rightEyeOuter, LM.rightEyeInner) +
      one(LM.leftEyeLids, LM.leftEyeOuter, LM.leftEyeInner)) /
    2
  );
}

/** Inner-lip gap over face height (forehead top to chin). */
export function mouthOpenness(lm: ArrayLike<number>, aspect: number): number {
  const face = dist2d(lm, LM.foreheadTop, LM.chin, aspect);
  return face === 0 ? 0 : dist2d(lm, LM.upperInnerLip, LM.lowerInnerLip, aspect) / face;
}

/** Bounding box of all landmarks, clipped to the frame. */
export function landmarkBox(lm: ArrayLike<number>): Box {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i + 2 < lm.length; i += 3) {
    const x = lm[i] as number;
    const y = lm[i + 1] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (minX > maxX) return { x: 0, y: 0, width: 0, height: 0 };
  const x0 = Math.max(0, minX);
  const y0 = Math.max(0, minY);
  return {
    x: x0,
    y: y0,
    width: Math.max(0, Math.min(1, maxX) - x0),
    height: Math.max(0, Math.min(1, maxY) - y0),
  };
}

/** Default guide oval: centred, sized for a face at arm's length (face about 55–70 % of the frame height). */
export const DEFAULT_GUIDE: GuideOval = { cx: 0.5, cy: 0.5, rx: 0.24, ry: 0.36 };

/** How the face box sits in the guide oval. */
export function guideFit(box: Box, guide: GuideOval): GuideFit {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return {
    dx: guide.rx === 0 ? 0 : (cx - guide.cx) / guide.rx,
    dy: guide.ry === 0 ? 0 : (cy - guide.cy) / guide.ry,
    size: guide.ry === 0 ? 0 : box.height / (2 * guide.ry),
  };
}

/** Fraction of landmarks that fall outside the frame. */
export function outOfFrameFraction(lm: ArrayLike<number>): number {
  let out = 0;
  let n = 0;
  for (let i = 0; i + 2 < lm.length; i += 3, n++) {
    const x = lm[i] as number;
    const y = lm[i + 1] as number;
    if (x < 0 || x > 1 || y < 0 || y > 1) out++;
  }
  return n === 0 ? 0 : out / n;
}
