/**
 * The liveness step in the browser: a `FaceAnalyzer` on the camera video feeding the pure
 * `LivenessMachine`, plus a clock tick for time-outs when frames stop, and the best-frame keeper.
 * UI-free (like amplify-ui's liveness controller): a UI subscribes to `onState` to show prompts
 * and feedback, and the SDK takes `onEvent` into the evidence log.
 */
import { DualrecError } from '@dualrec/evidence';
import type { FaceAnalyzer } from './analyzer.js';
import { type BestFrame, BestFrameKeeper } from './best-frame-keeper.js';
import type { FaceEvent } from './events.js';
import { type LivenessConfig, LivenessMachine, type LivenessOutcome, type LivenessState } from './machine.js';

export interface LivenessSessionOptions {
  /** A created analyzer; the session starts and stops its frame loop but does not close it. */
  analyzer: FaceAnalyzer;
  /** The playing camera video. */
  video: HTMLVideoElement;
  config?: LivenessConfig;
  /** Capture the best reference frame (default true). */
  bestFrame?: boolean;
  /** The analyzer's clock; default `performance.now`. */
  clock?: () => number;
  onEvent?: (event: FaceEvent) => void;
  onState?: (state: LivenessState) => void;
  signal?: AbortSignal;
}

export interface LivenessSessionResult extends LivenessOutcome {
  events: FaceEvent[];
  bestFrame: BestFrame | undefined;
}

export class LivenessSession {
  readonly machine: LivenessMachine;
  private readonly events: FaceEvent[] = [];
  private readonly clock: () => number;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private unsubscribe: (() => void)[] = [];
  private keeper: BestFrameKeeper | undefined;
  private running: Promise<LivenessSessionResult> | undefined;
  private lastStateName = '';
  private wake: (() => void) | undefined;

  constructor(private readonly options: LivenessSessionOptions) {
    this.machine = new LivenessMachine(options.config);
    this.clock = options.clock ?? (() => performance.now());
  }

  get state(): LivenessState {
    return this.machine.state;
  }

  /** Runs the step to its end; resolves with the outcome (a failed check resolves, it does not reject). */
  run(): Promise<LivenessSessionResult> {
    this.running ??= this.execute();
    return this.running;
  }

  /** Ends the step now as `cancelled` (`run()` then resolves with that verdict). */
  cancel(): void {
    this.dispatch(this.machine.send({ type: 'cancel', t: this.clock() }));
    this.wake?.();
  }

  /**
   * Cancels a step still running and waits until the frame loop has stopped and every frame copy
   * is freed. Safe to call twice, and before `run()`. The analyzer stays open (its owner closes it).
   */
  async close(): Promise<void> {
    if (!this.running) {
      this.running = Promise.reject(
        new DualrecError('FACE_ANALYZER_CLOSED', { detail: 'the liveness session is closed' }),
      );
      this.running.catch(() => undefined);
      return;
    }
    if (!this.machine.done) this.cancel();
    await this.running.catch(() => undefined);
  }

  /**
   * Records the events and tells the UI about the state: after every analysed frame (progress and
   * feedback change in place) and whenever something happened or the state changed on a tick.
   */
  private dispatch(events: FaceEvent[], frame = false): void {
    for (const event of events) {
      this.events.push(event);
      if (event.type === 'face.baseline') this.keeper?.setBaseline(this.machine.currentBaseline);
      this.options.onEvent?.(event);
    }
    const name = this.machine.state.name;
    if (frame || events.length || name !== this.lastStateName) this.options.onState?.(this.machine.state);
    this.lastStateName = name;
  }

  private async execute(): Promise<LivenessSessionResult> {
    const { analyzer, video, signal } = this.options;
    signal?.throwIfAborted();
    if (video.readyState < 2 || video.videoWidth === 0)
      throw new DualrecError('FACE_FRAME_INVALID', { detail: 'the video is not playing yet' });
    if (this.options.bestFrame ?? true) this.keeper = new BestFrameKeeper(video);
    const finished = new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.machine.done) resolve();
      };
      this.wake = check;
      this.unsubscribe.push(
        analyzer.onFrame((frame) => {
          if (this.machine.done) return;
          this.dispatch(this.machine.send({ type: 'frame', frame }), true);
          const s = this.machine.state.name;
          if (s === 'baseline' || s === 'challenge' || s === 'passive-wait' || s === 'observing')
            this.keeper?.offer(frame);
          check();
        }),
        analyzer.onError((error) => reject(error)),
      );
      const onAbort = () => this.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.unsubscribe.push(() => signal?.removeEventListener('abort', onAbort));
      // Time-outs must fire even when no frames come (camera stalled, face model failing).
      this.ticker = setInterval(() => {
        this.dispatch(this.machine.send({ type: 'tick', t: this.clock() }));
        check();
      }, 250);
    });
    this.dispatch(this.machine.send({ type: 'start', t: this.clock() }));
    try {
      if (!this.machine.done) {
        // The SDK may already run the analyzer for its camera preview; the step shares that loop.
        if (!analyzer.running) analyzer.start(video);
        await finished;
      }
    } finally {
      this.wake = undefined;
      clearInterval(this.ticker);
      this.ticker = undefined;
      for (const off of this.unsubscribe) off();
      this.unsubscribe = [];
      await analyzer.stop();
    }
    const outcome = this.machine.outcome as LivenessOutcome;
    let bestFrame: BestFrame | undefined;
    try {
      if (this.keeper && outcome.verdict === 'passed') {
        // Its `face.best-frame` event is not emitted here: it is logged by `recordBestFrame`
        // together with the bundle entry that holds the JPEG, so the log never names a photo
        // the bundle does not have.
        bestFrame = await this.keeper.take(analyzer, this.clock);
      }
    } finally {
      this.keeper?.close();
    }
    return { ...outcome, events: [...this.events], bestFrame };
  }
}
