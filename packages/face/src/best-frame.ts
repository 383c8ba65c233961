/**
 * Best-frame scoring: the applicant's sharpest frontal, neutral, well-lit frame, for the
 * lender's server-side comparison with the ID photo. A frame only qualifies when it would make a
 * good reference photo; among those, sharper, larger and more frontal wins.
 */
import type { NeutralBaseline } from './baseline.js';
import { clamp } from './stats.js';
import type { FrameMeasurement } from './types.js';

export interface BestFrameOptions {
  /** Largest |yaw| / |pitch| from straight ahead (or from the baseline when given), degrees (default 12). */
  maxTurnDeg?: number;
  /** Largest jawOpen (mouth closed, neutral), default 0.15 above baseline. */
  maxJawOpen?: number;
  /** Largest fraction of landmarks outside the frame (default 0.01). */
  maxOutOfFrame?: number;
  /** Sharpness (Laplacian variance on the 96 px crop) that scores fully (default 1000). */
  sharpnessReference?: number;
}

/** 0 when the frame does not qualify, else in (0, 1]. */
export function bestFrameScore(
  frame: FrameMeasurement,
  baseline?: NeutralBaseline,
  o: BestFrameOptions = {},
): number {
  if (frame.faces.length !== 1) return 0;
  const face = frame.faces[0];
  if (!face) return 0;
  const maxTurn = o.maxTurnDeg ?? 12;
  const yaw = face.pose.yaw - (baseline?.yaw ?? 0);
  const pitch = face.pose.pitch - (baseline?.pitch ?? 0);
  if (Math.abs(yaw) > maxTurn || Math.abs(pitch) > maxTurn) return 0;
  if (face.jawOpen - (baseline?.jawOpen ?? 0) > (o.maxJawOpen ?? 0.15)) return 0;
  // Eyes open: no more closed than the applicant's own neutral (plus noise), or absolutely open.
  const closureLimit = baseline ? baseline.eyeClosure + 0.15 : 0.35;
  const opennessLimit = baseline ? 0.75 * baseline.eyeOpenness : 0.2;
  if (face.eyeClosure > closureLimit || face.eyeOpenness < opennessLimit) return 0;
  // A landmark or two past the edge (the model extrapolates the forehead and chin outline) is
  // common on a close phone camera and does not spoil the photo; measured on blink-webcam: 0.2–0.4 %.
  if (face.brightness < 0.2 || face.brightness > 0.9 || face.outOfFrame > (o.maxOutOfFrame ?? 0.01)) return 0;
  const sharp = clamp(face.sharpness / (o.sharpnessReference ?? 1000), 0, 1);
  const frontal = 1 - (Math.abs(yaw) + Math.abs(pitch)) / (2 * maxTurn);
  const size = clamp(face.box.height / 0.4, 0, 1);
  return Math.max(1e-6, sharp * (0.5 + 0.5 * frontal) * (0.5 + 0.5 * size));
}
