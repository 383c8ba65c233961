/**
 * Collects mouth-openness samples from any source (the face analyzer's `jawOpen`, a test page's
 * own FaceLandmarker, a server replay) into a bounded ring, for the runner to read one segment's
 * worth at a time. Bounded so a long session cannot grow memory without limit.
 */
import type { MouthSample } from './lipsync.js';

export interface MouthSource {
  /** Samples with start ≤ t ≤ end, in time order. */
  samplesBetween(start: number, end: number): MouthSample[];
}

export class MouthCollector implements MouthSource {
  private readonly samples: MouthSample[] = [];
  private readonly capacity: number;

  /** @param capacity samples kept (default 30 fps × 120 s). */
  constructor(capacity = 3600) {
    this.capacity = capacity;
  }

  /** Adds one sample; `openness` null/NaN (no face in the frame) is skipped, leaving a gap. */
  add(t: number, openness: number | null | undefined): void {
    if (openness === null || openness === undefined || !Number.isFinite(openness) || !Number.isFinite(t))
      return;
    const last = this.samples.at(-1);
    if (last && t <= last.t) return;
    this.samples.push({ t, openness });
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
  }

  samplesBetween(start: number, end: number): MouthSample[] {
    return this.samples.filter((s) => s.t >= start && s.t <= end);
  }

  get size(): number {
    return this.samples.length;
  }

  clear(): void {
    this.samples.length = 0;
  }
}
