/**
 * Blink detection relative to the applicant's own open-eye baseline, from two signals that fail
 * differently: the model's eyeBlink blendshapes (which peak at only 0.6–0.75 behind glasses) and
 * the eyelid-landmark aspect ratio (which collapses to ≈0.01–0.12 in a blink from ≈0.3 open).
 * Measured on the fixtures at 15 fps: every one of blink-webcam's five blinks rises ≥ 0.38 above
 * its 0.09 baseline or drops the aspect ratio below 0.4× its baseline; the open-eye noise stays
 * under a 0.2 rise and above 0.6×.
 */
import type { NeutralBaseline } from './baseline.js';
import type { FaceMeasurement } from './types.js';

export interface BlinkThresholds {
  /** Closure rise above baseline that marks eyes shut (default min(0.3, 0.6 × (1 − baseline))). */
  closureRise?: number;
  /** Aspect ratio below this fraction of baseline marks eyes shut (default 0.5). */
  opennessRatio?: number;
  /** A closure longer than this is not a blink (eyes held shut), ms (default 1000). */
  maxDurationMs?: number;
}

export interface Blink {
  start: number;
  end: number;
  /** Highest closure rise above baseline during the blink. */
  peakRise: number;
  /** Lowest aspect ratio / baseline during the blink. */
  minOpennessRatio: number;
}

export function eyesShut(face: FaceMeasurement, baseline: NeutralBaseline, t: BlinkThresholds = {}): boolean {
  const rise = t.closureRise ?? Math.min(0.3, 0.6 * (1 - baseline.eyeClosure));
  const ratio = t.opennessRatio ?? 0.5;
  return (
    face.eyeClosure - baseline.eyeClosure >= rise ||
    (baseline.eyeOpenness > 0 && face.eyeOpenness <= ratio * baseline.eyeOpenness)
  );
}

/** Eyes clearly open again: half-way back, so noise at the threshold does not split one blink in two. */
function eyesOpen(face: FaceMeasurement, baseline: NeutralBaseline, t: BlinkThresholds): boolean {
  const rise = (t.closureRise ?? Math.min(0.3, 0.6 * (1 - baseline.eyeClosure))) / 2;
  const ratio = ((t.opennessRatio ?? 0.5) + 1) / 2;
  return (
    face.eyeClosure - baseline.eyeClosure < rise &&
    (baseline.eyeOpenness <= 0 || face.eyeOpenness > ratio * baseline.eyeOpenness)
  );
}

/** Streaming detector: feed every frame's face (or `undefined` when none); returns a blink when one ends. */
export class BlinkDetector {
  private closedSince: number | undefined;
  private peakRise = 0;
  private minRatio = 1;
  /** Closure longer than `maxDurationMs` in progress (eyes held shut). */
  heldShut = false;

  constructor(
    private baseline: NeutralBaseline,
    private readonly thresholds: BlinkThresholds = {},
  ) {}

  setBaseline(baseline: NeutralBaseline): void {
    this.baseline = baseline;
  }

  push(face: FaceMeasurement | undefined, t: number): Blink | undefined {
    if (!face) {
      // Losing the face mid-blink voids it: we cannot tell a blink from the face leaving.
      this.closedSince = undefined;
      this.heldShut = false;
      return undefined;
    }
    const maxMs = this.thresholds.maxDurationMs ?? 1000;
    if (this.closedSince === undefined) {
      if (eyesShut(face, this.baseline, this.thresholds)) {
        this.closedSince = t;
        this.peakRise = face.eyeClosure - this.baseline.eyeClosure;
        this.minRatio = this.baseline.eyeOpenness > 0 ? face.eyeOpenness / this.baseline.eyeOpenness : 1;
      }
      return undefined;
    }
    this.peakRise = Math.max(this.peakRise, face.eyeClosure - this.baseline.eyeClosure);
    if (this.baseline.eyeOpenness > 0)
      this.minRatio = Math.min(this.minRatio, face.eyeOpenness / this.baseline.eyeOpenness);
    if (!eyesOpen(face, this.baseline, this.thresholds)) {
      this.heldShut = t - this.closedSince > maxMs;
      return undefined;
    }
    const start = this.closedSince;
    this.closedSince = undefined;
    const wasHeld = this.heldShut || t - start > maxMs;
    this.heldShut = false;
    if (wasHeld) return undefined;
    return { start, end: t, peakRise: this.peakRise, minOpennessRatio: this.minRatio };
  }
}
