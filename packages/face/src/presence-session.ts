/**
 * Presence monitoring while the recording runs (browser): the analyzer's frames go into a
 * `PresenceMonitor`; the SDK marks script segments with `segmentStart(id)` / `segmentEnd(id)` and
 * gets a `face.presence` event per segment, plus `face.absent*` and `face.multiple*` spans as
 * they happen. Regulators expect the applicant visible throughout, so the per-segment
 * percentages are the figure an auditor reads.
 */
import { DualrecError } from '@dualrec/evidence';
import type { FaceAnalyzer } from './analyzer.js';
import type { FaceEvent } from './events.js';
import { PresenceMonitor, type PresenceOptions } from './presence.js';

export interface PresenceSessionOptions extends PresenceOptions {
  /** A created analyzer; the session starts and stops its frame loop but does not close it. */
  analyzer: FaceAnalyzer;
  /** The playing camera video (the one being recorded). */
  video: HTMLVideoElement;
  /** The analyzer's clock; default `performance.now`. */
  clock?: () => number;
  onEvent?: (event: FaceEvent) => void;
  /** Aborting stops monitoring like `close()`. */
  signal?: AbortSignal;
}

export class PresenceSession {
  readonly monitor: PresenceMonitor;
  /** Every event emitted so far, in order. */
  readonly events: FaceEvent[] = [];
  private readonly clock: () => number;
  private off: (() => void) | undefined;
  private closed: Promise<FaceEvent[]> | undefined;
  private readonly onAbort = () => void this.close();

  constructor(private readonly options: PresenceSessionOptions) {
    this.monitor = new PresenceMonitor(options);
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Starts monitoring (and the analyzer's frame loop, when it is not running yet). */
  start(): void {
    if (this.closed)
      throw new DualrecError('FACE_ANALYZER_CLOSED', { detail: 'the presence session is closed' });
    if (this.off) throw new DualrecError('BAD_USAGE', { detail: 'presence monitoring already started' });
    this.options.signal?.throwIfAborted();
    this.off = this.options.analyzer.onFrame((frame) => this.emit(this.monitor.push(frame)));
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (!this.options.analyzer.running) this.options.analyzer.start(this.options.video);
  }

  /** Opens segment `id`; a segment still open is closed first. */
  segmentStart(id: string): void {
    if (!this.off) throw new DualrecError('BAD_USAGE', { detail: 'call start() before segmentStart()' });
    const t = this.clock();
    const ended = this.monitor.segmentEnd(t);
    if (ended) this.emit([ended]);
    this.monitor.segmentStart(id, t);
  }

  /** Closes segment `id` (or the open one) and returns its `face.presence` event. */
  segmentEnd(id?: string): FaceEvent | undefined {
    const ended = this.monitor.segmentEnd(this.clock(), id);
    if (ended) this.emit([ended]);
    return ended;
  }

  /**
   * Stops the analyzer loop and closes open spans and segments; resolves with the closing
   * events. Safe to call twice. The analyzer itself stays open (its owner closes it).
   */
  close(): Promise<FaceEvent[]> {
    this.closed ??= (async () => {
      this.options.signal?.removeEventListener('abort', this.onAbort);
      this.off?.();
      this.off = undefined;
      await this.options.analyzer.stop();
      const closing = this.monitor.finish(this.clock());
      this.emit(closing);
      return closing;
    })();
    return this.closed;
  }

  private emit(events: FaceEvent[]): void {
    for (const e of events) {
      this.events.push(e);
      this.options.onEvent?.(e);
    }
  }
}
