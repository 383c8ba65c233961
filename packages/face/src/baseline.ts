/**
 * The applicant's neutral face, measured at the start of the liveness step. Every active
 * threshold is relative to it: blendshape peaks differ a lot between people (0.6–0.75 for the
 * glasses wearers in our fixtures, near 1.0 for others), and a camera above or beside the screen
 * shifts the "straight ahead" pose by several degrees.
 */
import { median, standardDeviation } from './stats.js';
import type { FaceMeasurement } from './types.js';

export interface NeutralBaseline {
  eyeClosure: number;
  eyeOpenness: number;
  jawOpen: number;
  mouthOpenness: number;
  yaw: number;
  pitch: number;
  roll: number;
}

export interface BaselineOptions {
  /** Frames needed (default 10: about 0.7 s at 15 fps). */
  frames?: number;
  /** Largest pose spread (standard deviation, degrees) allowed across those frames (default 4). */
  maxPoseSpreadDeg?: number;
  /** The pose must be within this many degrees of straight ahead (default 20). */
  maxAbsPoseDeg?: number;
}

/**
 * Collects frames until it has a steady, roughly frontal run of them. Unsteady or turned frames
 * restart the run, so a head that is still moving does not become "neutral".
 */
export class BaselineCollector {
  private faces: FaceMeasurement[] = [];
  private readonly frames: number;
  private readonly maxSpread: number;
  private readonly maxAbs: number;

  constructor(options: BaselineOptions = {}) {
    this.frames = options.frames ?? 10;
    this.maxSpread = options.maxPoseSpreadDeg ?? 4;
    this.maxAbs = options.maxAbsPoseDeg ?? 20;
  }

  /** Adds a frame's single face; returns the baseline once enough steady frames are in. */
  push(face: FaceMeasurement): NeutralBaseline | undefined {
    const { yaw, pitch } = face.pose;
    if (Math.abs(yaw) > this.maxAbs || Math.abs(pitch) > this.maxAbs) {
      this.faces = [];
      return undefined;
    }
    this.faces.push(face);
    if (this.faces.length > this.frames) this.faces.shift();
    if (this.faces.length < this.frames) return undefined;
    const spread = Math.max(
      standardDeviation(this.faces.map((f) => f.pose.yaw)),
      standardDeviation(this.faces.map((f) => f.pose.pitch)),
    );
    if (spread > this.maxSpread) return undefined;
    return baselineOf(this.faces);
  }

  reset(): void {
    this.faces = [];
  }
}

/** Median of each measure: a blink or a word inside the window does not shift it. */
export function baselineOf(faces: readonly FaceMeasurement[]): NeutralBaseline {
  const m = (pick: (f: FaceMeasurement) => number) => median(faces.map(pick));
  return {
    eyeClosure: m((f) => f.eyeClosure),
    eyeOpenness: m((f) => f.eyeOpenness),
    jawOpen: m((f) => f.jawOpen),
    mouthOpenness: m((f) => f.mouthOpenness),
    yaw: m((f) => f.pose.yaw),
    pitch: m((f) => f.pose.pitch),
    roll: m((f) => f.pose.roll),
  };
}
