/**
 * Presence monitoring while the recording runs (browser): the analyzer's frames go into a
 * `PresenceMonitor`; the SDK marks script segments with `beginSegment` / `endSegment` and gets a
 * `face.presence` event per segment, plus `face.absent*` and `face.multiple*` spans as they happen.
 */
import { DualrecError } from '@dualrec/evidence';
import type { FaceAnalyzer } from './analyzer.js';
import type { FaceEvent } from './events.js';
import { PresenceMonitor, type PresenceOptions } from './presence.js';

export interface PresenceSessionOptions extends PresenceOptions {
  analyzer: FaceAnalyzer;
  video: HTMLVideoElement;
  clock?: () => number;
  onEvent?: (event: FaceEvent) => void;
}

export class PresenceSession {
  readonly monitor: PresenceMonitor;
  readonly events: FaceEvent[] = [];
  private readonly clock: () => number;
  private off: (() => void) | undefined;

  constructor(private readonly options: PresenceSessionOptions) {
    this.monitor = new PresenceMonitor(options);
    this.clock = options.clock ?? (() => performance.now());
  }

  start(): void {
    if (this.off) throw new DualrecError('BAD_USAGE', { detail: 'presence monitoring already started' });
    this.off = this.options.analyzer.onFrame((frame) => this.emit(this.monitor.push(frame)));
    if (!this.options.analyzer.running) this.options.analyzer.start(this.options.video);
  }

  beginSegment(id: string): void {
    const ended = this.monitor.endSegment(this.clock());
    if (ended) this.emit([ended]);
    this.monitor.beginSegment(id, this.clock());
  }

  endSegment(): FaceEvent | undefined {
    const ended = this.monitor.endSegment(this.clock());
    if (ended) this.emit([ended]);
    return ended;
  }

  /** Stops the analyzer loop and closes open spans and segments. */
  async stop(): Promise<FaceEvent[]> {
    this.off?.();
    this.off = undefined;
    await this.options.analyzer.stop();
    const closing = this.monitor.finish(this.clock());
    this.emit(closing);
    return closing;
  }

  private emit(events: FaceEvent[]): void {
    for (const e of events) {
      this.events.push(e);
      this.options.onEvent?.(e);
    }
  }
}
