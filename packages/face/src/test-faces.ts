/**
 * Synthetic faces for the node unit tests: a rough 3-D head whose landmarks we rotate, scale and
 * project ourselves, so the expected pose and openness are known exactly. Not exported from the
 * package index.
 */
import { LANDMARK_COUNT, LM } from './geometry.js';
import type { FaceMeasurement, FrameMeasurement } from './types.js';

type P = [number, number, number];

/** A head in its own frame (x to the subject's left, y up, z towards the camera), units ≈ eye distance. */
const HEAD: Record<number, P> = {
  [LM.rightEyeOuter]: [-0.5, 0.3, 0],
  [LM.rightEyeInner]: [-0.15, 0.3, 0.02],
  [LM.leftEyeOuter]: [0.5, 0.3, 0],
  [LM.leftEyeInner]: [0.15, 0.3, 0.02],
  [LM.foreheadTop]: [0, 0.95, -0.05],
  [LM.chin]: [0, -0.95, -0.05],
  [LM.noseTip]: [0, 0, 0.35],
  [LM.upperInnerLip]: [0, -0.45, 0.15],
  [LM.lowerInnerLip]: [0, -0.45, 0.15],
  [LM.mouthRight]: [-0.25, -0.45, 0.1],
  [LM.mouthLeft]: [0.25, -0.45, 0.1],
};
const LID_X = [-0.42, -0.33, -0.24];

export interface SyntheticFace {
  yaw?: number;
  pitch?: number;
  roll?: number;
  /** Eyelid gap as a fraction of eye width (EAR), default 0.3. */
  ear?: number;
  /** Inner-lip gap, head units. */
  lipGap?: number;
  /** Head centre in the frame (normalised) and the head unit in frame heights. */
  cx?: number;
  cy?: number;
  size?: number;
  aspect?: number;
}

function rotate([x, y, z]: P, yawDeg: number, pitchDeg: number, rollDeg: number): P {
  const r = Math.PI / 180;
  const [cy, sy] = [Math.cos(yawDeg * r), Math.sin(yawDeg * r)];
  const [cp, sp] = [Math.cos(pitchDeg * r), Math.sin(pitchDeg * r)];
  const [cr, sr] = [Math.cos(rollDeg * r), Math.sin(rollDeg * r)];
  // roll about z (towards the subject's left shoulder), then pitch about x (look up), then yaw about y.
  let p: P = [x * cr + y * sr, -x * sr + y * cr, z];
  p = [p[0], p[1] * cp + p[2] * sp, -p[1] * sp + p[2] * cp];
  p = [p[0] * cy + p[2] * sy, p[1], -p[0] * sy + p[2] * cy];
  return p;
}

export function syntheticLandmarks(face: SyntheticFace = {}): Float32Array {
  const ear = face.ear ?? 0.3;
  const head: Record<number, P> = { ...HEAD };
  const eyeWidth = 0.35;
  LM.rightEyeLids.forEach(([u, l], k) => {
    head[u] = [LID_X[k] as number, 0.3 + (ear * eyeWidth) / 2, 0.01];
    head[l] = [LID_X[k] as number, 0.3 - (ear * eyeWidth) / 2, 0.01];
  });
  LM.leftEyeLids.forEach(([u, l], k) => {
    head[u] = [-(LID_X[k] as number), 0.3 + (ear * eyeWidth) / 2, 0.01];
    head[l] = [-(LID_X[k] as number), 0.3 - (ear * eyeWidth) / 2, 0.01];
  });
  const gap = face.lipGap ?? 0;
  head[LM.upperInnerLip] = [0, -0.45 + gap / 2, 0.15];
  head[LM.lowerInnerLip] = [0, -0.45 - gap / 2, 0.15];
  const aspect = face.aspect ?? 4 / 3;
  const size = face.size ?? 0.15;
  const cx = face.cx ?? 0.5;
  const cy = face.cy ?? 0.5;
  const out = new Float32Array(LANDMARK_COUNT * 3);
  // Unused landmarks sit on a ring around the head so the bounding box is face-sized.
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const a = (i / LANDMARK_COUNT) * 2 * Math.PI;
    const base: P = head[i] ?? [0.75 * Math.cos(a), 1.0 * Math.sin(a), -0.2];
    const [x, y, z] = rotate(base, face.yaw ?? 0, face.pitch ?? 0, face.roll ?? 0);
    // Image: x right = subject's left, y down, z away from the camera; x and z on the width scale.
    out[i * 3] = cx + (x * size) / aspect;
    out[i * 3 + 1] = cy - y * size;
    out[i * 3 + 2] = (-z * size) / aspect;
  }
  return out;
}

export function syntheticMeasurement(overrides: Partial<FaceMeasurement> = {}): FaceMeasurement {
  return {
    box: { x: 0.3, y: 0.2, width: 0.4, height: 0.6 },
    outOfFrame: 0,
    pose: { yaw: 0, pitch: 0, roll: 0 },
    eyeClosure: 0.1,
    eyeOpenness: 0.3,
    mouthOpenness: 0.01,
    jawOpen: 0.02,
    blendshapes: {},
    guide: { dx: 0, dy: 0, size: 0.8 },
    sharpness: 500,
    brightness: 0.5,
    landmarks: syntheticLandmarks(),
    ...overrides,
  };
}

export function frameOf(t: number, faces: FaceMeasurement[], index = 0): FrameMeasurement {
  return { t, index, width: 640, height: 480, faces, brightness: 0.5, processingMs: 30 };
}
