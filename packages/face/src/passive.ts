/**
 * Passive liveness: evidence of a live face gathered while the applicant simply looks at the
 * camera, with no challenge. A printed or on-screen photo has no blinks, no expression changes
 * and, when moved by hand, only planar (affine) motion; a live face blinks every few seconds and
 * deforms non-affinely (expression, and the parallax of a 3-D head turning).
 *
 * Three measures, each on its own applicant-relative scale:
 * - blinks, detected against the window's own median eye state;
 * - expression dynamics: mean standard deviation of the expressive blendshapes;
 * - non-rigid motion: landmarks are aligned to the window's first frame with the best 2-D affine
 *   map (which absorbs any movement of a flat photo) and the leftover error is measured, in
 *   eye-distance units.
 *
 * This defeats still and handheld photos. It does not defeat a replayed video of the applicant
 * (that moves and blinks): the randomised active challenges are the defence against replays.
 */
import { baselineOf } from './baseline.js';
import { type Blink, BlinkDetector } from './blink.js';
import { LM } from './geometry.js';
import { clamp, standardDeviation } from './stats.js';
import type { FaceMeasurement, FrameMeasurement } from './types.js';

/** Landmarks spread over the face: eyes, brows, nose, lips, jaw line. */
export const MOTION_LANDMARKS = [
  33, 133, 159, 145, 263, 362, 386, 374, 70, 105, 107, 336, 334, 300, 1, 4, 6, 168, 197, 13, 14, 61, 291, 0,
  17, 234, 454, 152, 10, 58, 288, 172, 397,
] as const;

/** Blendshapes that move with expression and eyelids (head pose does not drive them). */
export const EXPRESSIVE_BLENDSHAPES = [
  'eyeBlinkLeft',
  'eyeBlinkRight',
  'eyeSquintLeft',
  'eyeSquintRight',
  'browDownLeft',
  'browDownRight',
  'browInnerUp',
  'jawOpen',
  'mouthClose',
  'mouthFunnel',
  'mouthPucker',
  'mouthSmileLeft',
  'mouthSmileRight',
  'mouthStretchLeft',
  'mouthStretchRight',
  'mouthRollLower',
  'mouthRollUpper',
  'mouthShrugLower',
  'mouthPressLeft',
  'mouthPressRight',
  'cheekPuff',
  'cheekSquintLeft',
  'cheekSquintRight',
] as const;

export interface PassiveOptions {
  /** Shortest observation before a verdict, ms (default 3000). */
  minDurationMs?: number;
  /** Fewest single-face frames before a verdict (default 30). */
  minFrames?: number;
  /** Frames kept (a sliding window; default 300, 20 s at 15 fps). */
  maxFrames?: number;
  /** Expression std at which that measure counts fully (default 0.03). */
  expressionReference?: number;
  /** Non-rigid residual (eye-distance units, 90th percentile) at which that measure counts fully (default 0.03). */
  nonRigidReference?: number;
  /** Score at or above which the face is judged live (default 0.5). */
  passScore?: number;
}

export interface PassiveResult {
  /** False until enough has been seen (`minDurationMs` and `minFrames`). */
  decided: boolean;
  live: boolean;
  /** 0..1: max(blink evidence, mean of the two motion measures). */
  score: number;
  blinks: number;
  expression: number;
  nonRigid: number;
  /** Standard deviation of yaw, pitch, roll over the window (degrees), reported only. */
  poseSpread: number;
  frames: number;
  durationMs: number;
}

interface Sample {
  t: number;
  face: FaceMeasurement;
  points: Float64Array;
}

/** Inter-ocular distance (outer eye corners) in x-scaled units. */
function eyeDistance(face: FaceMeasurement, aspect: number): number {
  const l = face.landmarks;
  const a = LM.rightEyeOuter * 3;
  const b = LM.leftEyeOuter * 3;
  return Math.hypot(
    ((l[a] as number) - (l[b] as number)) * aspect,
    (l[a + 1] as number) - (l[b + 1] as number),
  );
}

function motionPoints(face: FaceMeasurement, aspect: number): Float64Array {
  const out = new Float64Array(MOTION_LANDMARKS.length * 2);
  const scale = 1 / Math.max(eyeDistance(face, aspect), 1e-6);
  MOTION_LANDMARKS.forEach((i, k) => {
    out[k * 2] = (face.landmarks[i * 3] as number) * aspect * scale;
    out[k * 2 + 1] = (face.landmarks[i * 3 + 1] as number) * scale;
  });
  return out;
}

/** Solves the 3×3 system m·x = v (Cramer's rule); undefined when singular. */
function solve3(m: number[], v: [number, number, number]): [number, number, number] | undefined {
  const [a, b, c, d, e, f, g, h, i] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (Math.abs(det) < 1e-12) return undefined;
  const [p, q, r] = v;
  return [
    (p * (e * i - f * h) - b * (q * i - f * r) + c * (q * h - e * r)) / det,
    (a * (q * i - f * r) - p * (d * i - f * g) + c * (d * r - q * g)) / det,
    (a * (e * r - q * h) - b * (d * r - q * g) + p * (d * h - e * g)) / det,
  ];
}

/**
 * RMS distance between `target` and the best affine image of `source` (least squares). Zero for
 * any flat picture moved, scaled, rotated or sheared in the image plane.
 */
export function affineResidual(source: Float64Array, target: Float64Array): number {
  const n = source.length / 2;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let sx = 0;
  let sy = 0;
  const bx: [number, number, number] = [0, 0, 0];
  const by: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < n; k++) {
    const x = source[k * 2] as number;
    const y = source[k * 2 + 1] as number;
    const u = target[k * 2] as number;
    const v = target[k * 2 + 1] as number;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
    sx += x;
    sy += y;
    bx[0] += x * u;
    bx[1] += y * u;
    bx[2] += u;
    by[0] += x * v;
    by[1] += y * v;
    by[2] += v;
  }
  const m = [sxx, sxy, sx, sxy, syy, sy, sx, sy, n];
  const px = solve3(m, bx);
  const py = solve3(m, by);
  if (!px || !py) return 0;
  let err = 0;
  for (let k = 0; k < n; k++) {
    const x = source[k * 2] as number;
    const y = source[k * 2 + 1] as number;
    const du = px[0] * x + px[1] * y + px[2] - (target[k * 2] as number);
    const dv = py[0] * x + py[1] * y + py[2] - (target[k * 2 + 1] as number);
    err += du * du + dv * dv;
  }
  return Math.sqrt(err / n);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

export class PassiveLivenessMonitor {
  private samples: Sample[] = [];
  private readonly o: Required<PassiveOptions>;

  constructor(options: PassiveOptions = {}) {
    this.o = {
      minDurationMs: options.minDurationMs ?? 3000,
      minFrames: options.minFrames ?? 30,
      maxFrames: options.maxFrames ?? 300,
      expressionReference: options.expressionReference ?? 0.03,
      nonRigidReference: options.nonRigidReference ?? 0.03,
      passScore: options.passScore ?? 0.5,
    };
  }

  /** Frames with exactly one face are used; others are skipped (presence is reported elsewhere). */
  push(frame: FrameMeasurement): void {
    if (frame.faces.length !== 1) return;
    const face = frame.faces[0] as FaceMeasurement;
    const aspect = frame.height === 0 ? 1 : frame.width / frame.height;
    this.samples.push({ t: frame.t, face, points: motionPoints(face, aspect) });
    if (this.samples.length > this.o.maxFrames) this.samples.shift();
  }

  reset(): void {
    this.samples = [];
  }

  result(): PassiveResult {
    const s = this.samples;
    const durationMs = s.length > 1 ? (s.at(-1) as Sample).t - (s[0] as Sample).t : 0;
    const blinks = this.countBlinks();
    const expression =
      EXPRESSIVE_BLENDSHAPES.reduce(
        (sum, name) => sum + standardDeviation(s.map((x) => x.face.blendshapes[name] ?? 0)),
        0,
      ) / EXPRESSIVE_BLENDSHAPES.length;
    const reference = s[0]?.points;
    const residuals = reference ? s.map((x) => affineResidual(reference, x.points)) : [];
    const nonRigid = percentile(residuals, 0.9);
    const poseSpread = Math.max(
      standardDeviation(s.map((x) => x.face.pose.yaw)),
      standardDeviation(s.map((x) => x.face.pose.pitch)),
      standardDeviation(s.map((x) => x.face.pose.roll)),
    );
    const motion =
      (clamp(expression / this.o.expressionReference, 0, 1) +
        clamp(nonRigid / this.o.nonRigidReference, 0, 1)) /
      2;
    const score = Math.max(blinks > 0 ? 1 : 0, motion);
    const decided = durationMs >= this.o.minDurationMs && s.length >= this.o.minFrames;
    return {
      decided,
      live: decided && score >= this.o.passScore,
      score,
      blinks,
      expression,
      nonRigid,
      poseSpread,
      frames: s.length,
      durationMs,
    };
  }

  /** Blinks against the window's own median eye state (no neutral-baseline step needed). */
  private countBlinks(): number {
    if (this.samples.length < 5) return 0;
    const base = baselineOf(this.samples.map((x) => x.face));
    const detector = new BlinkDetector(base);
    const found: Blink[] = [];
    for (const x of this.samples) {
      const blink = detector.push(x.face, x.t);
      if (blink) found.push(blink);
    }
    return found.length;
  }
}
