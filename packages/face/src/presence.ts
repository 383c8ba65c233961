/**
 * Presence during recording: regulators expect the applicant visible throughout. Each analysed
 * frame's state (no face / one face / one frontal face / several faces) is held until the next
 * frame, at most `maxFrameGapMs`; time beyond that (a stalled camera, a throttled tab) is
 * "unobserved" and counts as not present — evidence first: what we did not see is not proof.
 */
import { type FaceEvent, faceEvent } from './events.js';
import type { FrameMeasurement } from './types.js';

export interface PresenceOptions {
  /** |yaw| and |pitch| at most this to count as frontal, degrees (default 25). */
  frontalMaxDeg?: number;
  /** Longest gap one frame may stand for, ms (default 1000). */
  maxFrameGapMs?: number;
  /** A second face present this long is "persistent" (a failure for liveness), ms (default 1000). */
  multiplePersistMs?: number;
}

export interface SegmentPresence {
  segmentId: string;
  start: number;
  end: number;
  durationMs: number;
  onePresentPct: number;
  oneFrontalPct: number;
  noFacePct: number;
  multiplePct: number;
  unobservedPct: number;
  frames: number;
}

type State = 'none' | 'one' | 'frontal' | 'multiple';

interface Totals {
  none: number;
  one: number;
  frontal: number;
  multiple: number;
  frames: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export class PresenceMonitor {
  private readonly frontalMaxDeg: number;
  private readonly maxGap: number;
  readonly multiplePersistMs: number;
  private last: { t: number; state: State } | undefined;
  private absentSince: number | undefined;
  private multiple: { since: number; maxCount: number } | undefined;
  private segment: { id: string; start: number; totals: Totals } | undefined;
  /** Total time a second face was present, and whether any run of it was persistent. */
  multipleMs = 0;
  persistentMultiple = false;

  constructor(options: PresenceOptions = {}) {
    this.frontalMaxDeg = options.frontalMaxDeg ?? 25;
    this.maxGap = options.maxFrameGapMs ?? 1000;
    this.multiplePersistMs = options.multiplePersistMs ?? 1000;
  }

  /** Current run of several faces, if any (for callers that fail on persistence). */
  multipleSince(): number | undefined {
    return this.multiple?.since;
  }

  push(frame: FrameMeasurement): FaceEvent[] {
    const events: FaceEvent[] = [];
    const n = frame.faces.length;
    const face = frame.faces[0];
    const state: State =
      n === 0
        ? 'none'
        : n > 1
          ? 'multiple'
          : face &&
              Math.abs(face.pose.yaw) <= this.frontalMaxDeg &&
              Math.abs(face.pose.pitch) <= this.frontalMaxDeg
            ? 'frontal'
            : 'one';
    this.account(frame.t);
    this.last = { t: frame.t, state };
    if (this.segment) this.segment.totals.frames++;

    if (n === 0 && this.absentSince === undefined) {
      this.absentSince = frame.t;
      events.push(faceEvent('face.absent', frame.t));
    } else if (n > 0 && this.absentSince !== undefined) {
      events.push(this.absentEnd(frame.t));
    }
    if (n > 1) {
      if (!this.multiple) {
        this.multiple = { since: frame.t, maxCount: n };
        events.push(faceEvent('face.multiple', frame.t, { count: n }));
      } else this.multiple.maxCount = Math.max(this.multiple.maxCount, n);
    } else if (this.multiple) events.push(this.multipleEnd(frame.t));
    return events;
  }

  segmentStart(id: string, t: number): void {
    this.account(t);
    this.segment = { id, start: t, totals: { none: 0, one: 0, frontal: 0, multiple: 0, frames: 0 } };
  }

  /**
   * Closes the current segment and returns its `face.presence` event. With `id`, only that
   * segment is closed (a late call for a segment already ended by the next `segmentStart` is a
   * no-op instead of closing the wrong one).
   */
  segmentEnd(t: number, id?: string): FaceEvent | undefined {
    if (id !== undefined && this.segment?.id !== id) return undefined;
    this.account(t);
    const seg = this.segment;
    this.segment = undefined;
    if (!seg) return undefined;
    const d = t - seg.start;
    const pct = (x: number) => (d > 0 ? round1((100 * x) / d) : 0);
    const observed = seg.totals.none + seg.totals.one + seg.totals.frontal + seg.totals.multiple;
    const presence: SegmentPresence = {
      segmentId: seg.id,
      start: seg.start,
      end: t,
      durationMs: d,
      onePresentPct: pct(seg.totals.one + seg.totals.frontal),
      oneFrontalPct: pct(seg.totals.frontal),
      noFacePct: pct(seg.totals.none),
      multiplePct: pct(seg.totals.multiple),
      unobservedPct: pct(Math.max(0, d - observed)),
      frames: seg.totals.frames,
    };
    return faceEvent('face.presence', t, { ...presence });
  }

  /** Ends open spans (and the open segment) at `t`. */
  finish(t: number): FaceEvent[] {
    const events: FaceEvent[] = [];
    const segment = this.segmentEnd(t);
    if (segment) events.push(segment);
    if (this.absentSince !== undefined) events.push(this.absentEnd(t));
    if (this.multiple) events.push(this.multipleEnd(t));
    this.last = undefined;
    return events;
  }

  private absentEnd(t: number): FaceEvent {
    const start = this.absentSince as number;
    this.absentSince = undefined;
    return faceEvent('face.absent.end', t, { start, end: t, durationMs: t - start });
  }

  private multipleEnd(t: number): FaceEvent {
    const run = this.multiple as { since: number; maxCount: number };
    this.multiple = undefined;
    const durationMs = t - run.since;
    const persistent = durationMs >= this.multiplePersistMs;
    this.multipleMs += durationMs;
    this.persistentMultiple ||= persistent;
    return faceEvent('face.multiple.end', t, {
      start: run.since,
      end: t,
      durationMs,
      maxCount: run.maxCount,
      persistent,
    });
  }

  /** Attributes the time since the last frame to that frame's state (capped), within the segment. */
  private account(t: number): void {
    const last = this.last;
    const seg = this.segment;
    if (!last || !seg) return;
    const from = Math.max(last.t, seg.start);
    const span = Math.min(t, last.t + this.maxGap) - from;
    if (span > 0) seg.totals[last.state] += span;
  }
}
