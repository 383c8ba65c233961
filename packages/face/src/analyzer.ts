/**
 * `FaceAnalyzer`: runs the face model on a camera video at a bounded, adaptive rate and emits one
 * `FrameMeasurement` per analysed frame. Where the browser has workers, OffscreenCanvas and
 * createImageBitmap, the model runs in a worker and the UI thread only grabs frames; otherwise
 * (old WebViews) it runs on the main thread and backs off so it never takes more than about half
 * of the main thread's time.
 */
import { DualrecError, isDualrecError } from '@dualrec/evidence';
import { DEFAULT_GUIDE } from './geometry.js';
import { type LoadProgress, loadFaceLandmarker } from './landmarker.js';
import { FrameProcessor, type FrameSource, frameSize } from './processor.js';
import type { FrameMeasurement, GuideOval } from './types.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

export interface FaceAnalyzerOptions {
  /** URL of the self-hosted asset folder written by `dualrec assets`. */
  assetsBase: string;
  /** CPU by default (GPU is slower on many phones and on software GL). */
  delegate?: 'CPU' | 'GPU';
  /** Upper bound on analysed frames per second (default 15). */
  maxFps?: number;
  /** Faces the model looks for; 2 (the default) is enough to notice a second person. */
  numFaces?: number;
  /** The on-screen guide oval, in normalised frame coordinates. */
  guide?: GuideOval;
  /**
   * `'auto'` (default): a worker where the browser supports one, else the main thread.
   * `'off'`: always the main thread. A function: your own worker (for bundlers that cannot
   * follow `new URL('./face.worker.js', import.meta.url)`); it must run `face.worker.js`.
   */
  worker?: 'auto' | 'off' | (() => Worker);
  /** Clock for frame times (default `performance.now`). */
  clock?: () => number;
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
}

export interface AnalyzerStats {
  mode: 'worker' | 'main-thread';
  /** Why the worker was not used, when it was not. */
  fallbackReason: string | undefined;
  framesAnalyzed: number;
  /** Analysed frames per second over the last two seconds. */
  fps: number;
  /** Moving average of the time from frame grab to measurement, ms. */
  averageCostMs: number;
  /** Current minimum gap between analysed frames, ms (grows when frames take too long). */
  intervalMs: number;
}

export type FrameListener = (frame: FrameMeasurement) => void;
export type ErrorListener = (error: DualrecError) => void;

interface Engine {
  readonly mode: 'worker' | 'main-thread';
  analyze(source: FrameSource | ImageData, t: number, index: number): Promise<FrameMeasurement>;
  setGuide(guide: GuideOval): void;
  close(): Promise<void>;
}

function toDualrec(error: unknown, code: 'FACE_WORKER_FAILED' | 'FACE_FRAME_INVALID'): DualrecError {
  return isDualrecError(error)
    ? (error as DualrecError)
    : new DualrecError(code, { detail: String(error), cause: error });
}

class InlineEngine implements Engine {
  readonly mode = 'main-thread' as const;
  private constructor(
    private readonly processor: FrameProcessor,
    private readonly release: () => void,
  ) {}

  static async create(options: FaceAnalyzerOptions, guide: GuideOval): Promise<InlineEngine> {
    const landmarker = await loadFaceLandmarker({
      assetsBase: options.assetsBase,
      delegate: options.delegate ?? 'CPU',
      numFaces: options.numFaces ?? 2,
      runningMode: 'VIDEO',
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return new InlineEngine(new FrameProcessor(landmarker, { guide }), () => landmarker.close());
  }

  async analyze(source: FrameSource | ImageData, t: number, index: number): Promise<FrameMeasurement> {
    if (typeof ImageData !== 'undefined' && source instanceof ImageData) {
      const bitmap = await createImageBitmap(source);
      try {
        return this.processor.process(bitmap, t, index);
      } finally {
        bitmap.close();
      }
    }
    return this.processor.process(source as FrameSource, t, index);
  }

  setGuide(guide: GuideOval): void {
    this.processor.setGuide(guide);
  }

  async close(): Promise<void> {
    this.release();
  }
}

class WorkerEngine implements Engine {
  readonly mode = 'worker' as const;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (m: FrameMeasurement) => void; reject: (e: DualrecError) => void }
  >();
  private failure: DualrecError | undefined;
  private closed: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.type === 'result') {
        this.pending.get(message.id)?.resolve(message.measurement);
        this.pending.delete(message.id);
      } else if (message.type === 'error' && message.id !== undefined) {
        this.pending.get(message.id)?.reject(new DualrecError(message.code, { detail: message.detail }));
        this.pending.delete(message.id);
      }
    });
    worker.addEventListener('error', (event) => this.fail(event.message || 'worker error'));
  }

  private fail(detail: string): void {
    this.failure ??= new DualrecError('FACE_WORKER_FAILED', { detail });
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  static async create(worker: Worker, options: FaceAnalyzerOptions, guide: GuideOval): Promise<WorkerEngine> {
    const engine = new WorkerEngine(worker);
    const assetsBase = new URL(options.assetsBase.replace(/\/*$/, '/'), document.baseURI).href;
    const ready = new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new DualrecError('ABORTED'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const onMessage = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        if (m.type === 'progress') options.onProgress?.({ loaded: m.loaded, total: m.total });
        else if (m.type === 'ready' || (m.type === 'error' && m.id === undefined)) {
          worker.removeEventListener('message', onMessage);
          worker.removeEventListener('error', onError);
          options.signal?.removeEventListener('abort', onAbort);
          if (m.type === 'ready') resolve();
          else reject(new DualrecError(m.code, { detail: m.detail }));
        }
      };
      const onError = (event: ErrorEvent) => {
        worker.removeEventListener('message', onMessage);
        reject(new DualrecError('FACE_WORKER_FAILED', { detail: event.message || 'worker failed to start' }));
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
    });
    engine.post({
      type: 'init',
      assetsBase,
      delegate: options.delegate ?? 'CPU',
      numFaces: options.numFaces ?? 2,
      guide,
    });
    try {
      await ready;
    } catch (error) {
      worker.terminate();
      throw error;
    }
    return engine;
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  async analyze(source: FrameSource | ImageData, t: number, index: number): Promise<FrameMeasurement> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new DualrecError('FACE_ANALYZER_CLOSED');
    // createImageBitmap copies the current video frame; the copy is transferred, not cloned.
    const bitmap = await createImageBitmap(source as ImageBitmapSource);
    const id = this.nextId++;
    return new Promise<FrameMeasurement>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'frame', id, bitmap, t, index }, [bitmap]);
    });
  }

  setGuide(guide: GuideOval): void {
    this.post({ type: 'guide', guide });
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      // The worker closes its FaceLandmarker (freeing wasm memory) before it exits; if it is
      // stuck, terminate it anyway after a second.
      const done = () => {
        clearTimeout(timer);
        this.worker.terminate();
        resolve();
      };
      const timer = setTimeout(done, 1000);
      this.worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
        if (e.data.type === 'closed') done();
      });
      this.post({ type: 'close' });
    }).then(() => {
      for (const p of this.pending.values()) p.reject(new DualrecError('FACE_ANALYZER_CLOSED'));
      this.pending.clear();
    });
    return this.closed;
  }
}

function workerSupported(): string | undefined {
  if (typeof Worker === 'undefined') return 'no Worker';
  if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas';
  if (typeof createImageBitmap === 'undefined') return 'no createImageBitmap';
  return undefined;
}

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

interface Run {
  video: VideoWithFrameCallback;
  stopped: boolean;
  /** Frames decoded since the run started (from requestVideoFrameCallback). */
  decoded: number;
  frameWaiter?: (() => void) | undefined;
  done: Promise<void>;
}

export class FaceAnalyzer {
  private readonly frameListeners = new Set<FrameListener>();
  private readonly errorListeners = new Set<ErrorListener>();
  private readonly clock: () => number;
  private readonly minIntervalMs: number;
  private intervalMs: number;
  private averageCostMs = 0;
  private index = 0;
  private readonly recent: number[] = [];
  private run: Run | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  private frameCallback: { video: VideoWithFrameCallback; handle: number } | undefined;
  private closing: Promise<void> | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly engine: Engine,
    private readonly fallbackReason: string | undefined,
    options: FaceAnalyzerOptions,
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.minIntervalMs = 1000 / (options.maxFps ?? 15);
    this.intervalMs = this.minIntervalMs;
  }

  /** Loads the model (in a worker when possible) and resolves when the first frame can be analysed. */
  static async create(options: FaceAnalyzerOptions): Promise<FaceAnalyzer> {
    const maxFps = options.maxFps ?? 15;
    if (!(maxFps > 0 && maxFps <= 60))
      throw new DualrecError('BAD_USAGE', { detail: `maxFps must be in (0, 60], not ${maxFps}` });
    const numFaces = options.numFaces ?? 2;
    if (!Number.isInteger(numFaces) || numFaces < 1 || numFaces > 5)
      throw new DualrecError('BAD_USAGE', { detail: `numFaces must be 1..5, not ${numFaces}` });
    options.signal?.throwIfAborted();
    const guide = options.guide ?? DEFAULT_GUIDE;
    const choice = options.worker ?? 'auto';
    let fallbackReason: string | undefined = choice === 'off' ? 'disabled by option' : undefined;
    if (choice !== 'off') {
      const unsupported = typeof choice === 'function' ? undefined : workerSupported();
      if (unsupported) fallbackReason = unsupported;
      else {
        try {
          const worker =
            typeof choice === 'function'
              ? choice()
              : // Classic, not module: MediaPipe loads its wasm glue with importScripts(), which
                // module workers lack ("ModuleFactory not set"). Vite and webpack 5 bundle the
                // worker into one classic script from this exact expression.
                new Worker(new URL('./face.worker.js', import.meta.url));
          return new FaceAnalyzer(await WorkerEngine.create(worker, options, guide), undefined, options);
        } catch (error) {
          if (options.signal?.aborted) throw new DualrecError('ABORTED', { cause: error });
          // A missing asset fails the same way on the main thread: report it instead of retrying.
          if (
            isDualrecError(error) &&
            (error.code === 'MODEL_LOAD_FAILED' || error.code === 'TELEMETRY_GUARD_FAILED')
          )
            throw error;
          fallbackReason = `worker failed: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
    }
    return new FaceAnalyzer(await InlineEngine.create(options, guide), fallbackReason, options);
  }

  get stats(): AnalyzerStats {
    return {
      mode: this.engine.mode,
      fallbackReason: this.fallbackReason,
      framesAnalyzed: this.index,
      fps: this.fps(),
      averageCostMs: this.averageCostMs,
      intervalMs: this.intervalMs,
    };
  }

  get running(): boolean {
    return this.run !== undefined && !this.run.stopped;
  }

  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** Errors of the frame loop (the loop stops on the first one). */
  onError(listener: ErrorListener): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  setGuide(guide: GuideOval): void {
    this.engine.setGuide(guide);
  }

  /**
   * Analyses one frame you supply (a canvas, ImageBitmap, ImageData or video element). `t` is its
   * time in ms; frames must come in increasing time. Listeners are not called.
   */
  async analyze(frame: FrameSource | ImageData, t: number = this.clock()): Promise<FrameMeasurement> {
    if (this.closing) throw new DualrecError('FACE_ANALYZER_CLOSED');
    const [w, h] = frame instanceof ImageData ? [frame.width, frame.height] : frameSize(frame as FrameSource);
    if (!(w > 0 && h > 0))
      throw new DualrecError('FACE_FRAME_INVALID', { detail: `frame is ${w}×${h}`, context: { w, h } });
    const work = this.engine.analyze(frame, t, this.index++);
    this.inFlight = work.catch(() => undefined);
    try {
      return await work;
    } catch (error) {
      throw toDualrec(error, 'FACE_FRAME_INVALID');
    }
  }

  /** Starts analysing `video` (which must be playing a camera stream) until `stop()` or `close()`. */
  start(video: HTMLVideoElement): void {
    if (this.closing) throw new DualrecError('FACE_ANALYZER_CLOSED');
    if (this.running) throw new DualrecError('BAD_USAGE', { detail: 'the analyzer is already running' });
    const run: Run = {
      video: video as VideoWithFrameCallback,
      stopped: false,
      decoded: 0,
      done: Promise.resolve(),
    };
    this.run = run;
    run.done = this.loop(run);
  }

  /** Stops the frame loop; resolves when the frame being analysed (if any) is done. */
  async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.stopped = true;
    this.cancelWaits();
    await run.done;
    if (this.run === run) this.run = undefined;
  }

  /** Stops, frees the model and the worker. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.stop();
      await this.inFlight;
      this.frameListeners.clear();
      this.errorListeners.clear();
      await this.engine.close();
    })();
    return this.closing;
  }

  private fps(): number {
    const now = this.clock();
    while (this.recent.length && (this.recent[0] as number) < now - 2000) this.recent.shift();
    return this.recent.length / 2;
  }

  private cancelWaits(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.frameCallback) {
      this.frameCallback.video.cancelVideoFrameCallback?.(this.frameCallback.handle);
      this.frameCallback = undefined;
    }
    this.wake?.();
    this.wake = undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      }, ms);
    });
  }

  /**
   * Keeps a requestVideoFrameCallback chain running for the whole run, counting decoded frames,
   * so the loop can tell "a new frame is already there" (go now) from "wait for the next one".
   */
  private watchFrames(video: VideoWithFrameCallback, run: Run): void {
    if (!video.requestVideoFrameCallback) return;
    const onFrame = () => {
      if (run.stopped) return;
      run.decoded++;
      const wake = run.frameWaiter;
      run.frameWaiter = undefined;
      wake?.();
      this.frameCallback = { video, handle: video.requestVideoFrameCallback?.(onFrame) ?? 0 };
    };
    this.frameCallback = { video, handle: video.requestVideoFrameCallback(onFrame) };
  }

  /** Resolves when a frame newer than `seen` is decoded, or after 500 ms (a stalled camera). */
  private newFrame(run: Run, seen: number): Promise<void> {
    if (!run.video.requestVideoFrameCallback || run.decoded > seen) return Promise.resolve();
    return new Promise((resolve) => {
      run.frameWaiter = () => {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      };
      this.wake = run.frameWaiter;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        run.frameWaiter = undefined;
        this.wake = undefined;
        resolve();
      }, 500);
    });
  }

  private async loop(run: Run): Promise<void> {
    let lastStart = Number.NEGATIVE_INFINITY;
    let seen = -1;
    this.watchFrames(run.video, run);
    while (!run.stopped) {
      const wait = lastStart + this.intervalMs - this.clock();
      if (wait > 1) await this.sleep(wait);
      if (run.stopped) break;
      await this.newFrame(run, seen);
      if (run.stopped) break;
      if (run.video.readyState < 2 || run.video.videoWidth === 0) {
        await this.sleep(50);
        continue;
      }
      seen = run.decoded;
      const t = this.clock();
      lastStart = t;
      let frame: FrameMeasurement;
      try {
        const work = this.engine.analyze(run.video, t, this.index++);
        this.inFlight = work.catch(() => undefined);
        frame = await work;
      } catch (error) {
        if (run.stopped || this.closing) break;
        run.stopped = true;
        this.cancelWaits();
        const failure = toDualrec(error, 'FACE_WORKER_FAILED');
        for (const listener of this.errorListeners) listener(failure);
        break;
      }
      this.adapt(this.clock() - t);
      this.recent.push(t);
      if (run.stopped) break;
      for (const listener of this.frameListeners) listener(frame);
    }
  }

  /**
   * Slows the loop when frames take longer than the budget: in a worker the model may run back to
   * back; on the main thread we leave at least as much idle time as the model takes, so the page
   * keeps painting.
   */
  private adapt(costMs: number): void {
    this.averageCostMs = this.averageCostMs === 0 ? costMs : 0.8 * this.averageCostMs + 0.2 * costMs;
    const floor = this.engine.mode === 'worker' ? this.averageCostMs : 2 * this.averageCostMs;
    this.intervalMs = Math.max(this.minIntervalMs, floor);
  }
}

/** `FaceAnalyzer.create(options)`: loads the model (in a worker where possible) and resolves when it is ready. */
export function createFaceAnalyzer(options: FaceAnalyzerOptions): Promise<FaceAnalyzer> {
  return FaceAnalyzer.create(options);
}
