/**
 * `BrowserFaceMatcher`: the face matcher in a page. TensorFlow.js and the models load only when
 * one is created (lazily, in their own worker where the browser has module workers, else on the
 * main thread), from the lender's asset folder, each file SHA-256-checked.
 */
import { DualrecError } from '@dualrec/evidence';
import { fetchMatchAsset, tfjsWasmBase } from './browser-assets.js';
import type { RgbaImage } from './image.js';
import {
  type CompareOptions,
  compareEmbeddings,
  type FaceComparison,
  type FaceEmbedding,
  FaceMatcher,
  type FaceRole,
} from './matcher.js';
import type { FromMatchWorker, ToMatchWorker } from './worker-protocol.js';

export interface BrowserFaceMatcherOptions {
  /** URL of the self-hosted asset folder written by `dualrec assets` (holds `face-match/`, `tfjs-wasm/`). */
  assetsBase: string;
  /** `wasm` (default) or `cpu`. */
  backend?: 'wasm' | 'cpu';
  /** `'auto'` (default): a module worker where possible; `'off'`: the main thread; or your own worker. */
  worker?: 'auto' | 'off' | (() => Worker);
  signal?: AbortSignal;
}

/** What a page can hand over: pixels, a canvas, a bitmap, a video frame or an image element. */
export type MatchImageSource =
  | RgbaImage
  | ImageData
  | ImageBitmap
  | HTMLCanvasElement
  | OffscreenCanvas
  | HTMLImageElement
  | HTMLVideoElement;

/** Copies any image source into RGBA pixels (the worker needs plain bytes). */
export function toRgba(source: MatchImageSource): RgbaImage {
  if ('data' in source && !(typeof HTMLCanvasElement !== 'undefined' && source instanceof HTMLCanvasElement))
    return source as RgbaImage;
  const el = source as CanvasImageSource & {
    videoWidth?: number;
    naturalWidth?: number;
    width: number;
    height: number;
  };
  const width = el.videoWidth || el.naturalWidth || Number(el.width);
  const height =
    (el as { videoHeight?: number }).videoHeight ||
    (el as { naturalHeight?: number }).naturalHeight ||
    Number(el.height);
  if (!(width > 0 && height > 0))
    throw new DualrecError('FACE_MATCH_IMAGE_INVALID', { detail: `image is ${width}×${height}` });
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new DualrecError('FACE_MATCH_IMAGE_INVALID', { detail: '2D canvas unavailable' });
  ctx.drawImage(el, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height);
  return { width, height, data: pixels.data };
}

interface Backend {
  embed(image: RgbaImage, role: FaceRole, landmarks?: ArrayLike<number>): Promise<FaceEmbedding>;
  close(): Promise<void>;
  readonly backend: string;
}

class InlineBackend implements Backend {
  constructor(private readonly matcher: FaceMatcher) {}
  get backend() {
    return this.matcher.backend;
  }
  embed(image: RgbaImage, role: FaceRole, landmarks?: ArrayLike<number>) {
    return this.matcher.embed(image, { role, ...(landmarks ? { landmarks } : {}) });
  }
  async close() {
    this.matcher.close();
  }
}

class WorkerBackend implements Backend {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (e: FaceEmbedding) => void; reject: (e: DualrecError) => void }
  >();
  private closing: Promise<void> | undefined;
  backend = 'wasm';

  constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (event: MessageEvent<FromMatchWorker>) => {
      const m = event.data;
      if (m.type === 'embedding') {
        this.pending.get(m.id)?.resolve(m.embedding);
        this.pending.delete(m.id);
      } else if (m.type === 'error' && m.id !== undefined) {
        this.pending
          .get(m.id)
          ?.reject(
            new DualrecError(m.code, { detail: m.detail, ...(m.context ? { context: m.context } : {}) }),
          );
        this.pending.delete(m.id);
      }
    });
  }

  async start(assetsBase: string, backend: 'wasm' | 'cpu', signal?: AbortSignal): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new DualrecError('ABORTED'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const onMessage = (event: MessageEvent<FromMatchWorker>) => {
        const m = event.data;
        if (m.type === 'ready' || (m.type === 'error' && m.id === undefined)) {
          this.worker.removeEventListener('message', onMessage);
          signal?.removeEventListener('abort', onAbort);
          if (m.type === 'ready') {
            this.backend = m.backend;
            resolve();
          } else reject(new DualrecError(m.code, { detail: m.detail }));
        }
      };
      this.worker.addEventListener('message', onMessage);
      this.worker.addEventListener('error', (e) =>
        reject(new DualrecError('FACE_WORKER_FAILED', { detail: e.message || 'face-match worker failed' })),
      );
      this.post({ type: 'init', assetsBase, backend });
    });
  }

  private post(message: ToMatchWorker, transfer: Transferable[] = []) {
    this.worker.postMessage(message, transfer);
  }

  embed(image: RgbaImage, role: FaceRole, landmarks?: ArrayLike<number>): Promise<FaceEmbedding> {
    if (this.closing) return Promise.reject(new DualrecError('FACE_MATCH_CLOSED'));
    const id = this.nextId++;
    // A copy is transferred, so the caller keeps its pixels.
    const data = new Uint8ClampedArray(image.data);
    const lm = landmarks ? Float32Array.from(landmarks) : undefined;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post(
        {
          type: 'embed',
          id,
          role,
          image: { width: image.width, height: image.height, data },
          ...(lm ? { landmarks: lm } : {}),
        },
        [data.buffer, ...(lm ? [lm.buffer] : [])],
      );
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.worker.terminate();
        resolve();
      };
      const timer = setTimeout(done, 1000);
      this.worker.addEventListener('message', (e: MessageEvent<FromMatchWorker>) => {
        if (e.data.type === 'closed') done();
      });
      this.post({ type: 'close' });
    }).then(() => {
      for (const p of this.pending.values()) p.reject(new DualrecError('FACE_MATCH_CLOSED'));
      this.pending.clear();
    });
    return this.closing;
  }
}

/**
 * The face matcher in a browser page.
 *
 * @example
 * ```ts
 * const matcher = await BrowserFaceMatcher.create({ assetsBase: '/dualrec-assets' });
 * const reference = await matcher.embed(idPortraitBitmap, { role: 'reference' });
 * const result = await matcher.match(reference, videoElement);
 * await matcher.close();
 * ```
 */
export class BrowserFaceMatcher {
  private closed = false;
  private constructor(
    private readonly impl: Backend,
    /** `worker` or `main-thread`. */
    readonly mode: 'worker' | 'main-thread',
  ) {}

  get backend(): string {
    return this.impl.backend;
  }

  static async create(options: BrowserFaceMatcherOptions): Promise<BrowserFaceMatcher> {
    options.signal?.throwIfAborted();
    const base = typeof document !== 'undefined' ? document.baseURI : globalThis.location?.href;
    const assetsBase = new URL(options.assetsBase.replace(/\/*$/, '/'), base).href;
    const backend = options.backend ?? 'wasm';
    const choice = options.worker ?? 'auto';
    if (choice !== 'off' && typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined') {
      const worker =
        typeof choice === 'function'
          ? choice()
          : new Worker(new URL('../face-match.worker.js', import.meta.url), { type: 'module' });
      const impl = new WorkerBackend(worker);
      try {
        await impl.start(assetsBase, backend, options.signal);
        return new BrowserFaceMatcher(impl, 'worker');
      } catch (error) {
        worker.terminate();
        // A worker that could not run at all (no module workers in an old WebView): the main
        // thread instead. A missing or tampered file fails there the same way, so it is reported.
        if (
          !(error instanceof DualrecError && error.code === 'FACE_WORKER_FAILED') ||
          options.signal?.aborted
        )
          throw error;
      }
    }
    const matcher = await FaceMatcher.load({
      backend,
      wasmPaths: tfjsWasmBase(assetsBase),
      readAsset: (asset) => fetchMatchAsset(assetsBase, asset, undefined, options.signal),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return new BrowserFaceMatcher(new InlineBackend(matcher), 'main-thread');
  }

  /** Embeds the largest face of `source` (or the face at `landmarks`, MediaPipe layout). */
  async embed(
    source: MatchImageSource,
    options: { role?: FaceRole; landmarks?: ArrayLike<number>; signal?: AbortSignal } = {},
  ): Promise<FaceEmbedding> {
    if (this.closed) throw new DualrecError('FACE_MATCH_CLOSED');
    options.signal?.throwIfAborted();
    const result = await this.impl.embed(toRgba(source), options.role ?? 'probe', options.landmarks);
    if (options.signal?.aborted) throw new DualrecError('ABORTED');
    return result;
  }

  /** Compares a reference (source or embedding) with a probe (source or embedding). */
  async match(
    reference: MatchImageSource | FaceEmbedding,
    probe: MatchImageSource | FaceEmbedding,
    options: CompareOptions & { probeLandmarks?: ArrayLike<number> } = {},
  ): Promise<FaceComparison> {
    const isEmbedding = (x: unknown): x is FaceEmbedding =>
      typeof x === 'object' && x !== null && 'faceres' in x;
    const ref = isEmbedding(reference)
      ? reference
      : await this.embed(reference, {
          role: 'reference',
          ...(options.signal ? { signal: options.signal } : {}),
        });
    const p = isEmbedding(probe)
      ? probe
      : await this.embed(probe, {
          role: 'probe',
          ...(options.probeLandmarks ? { landmarks: options.probeLandmarks } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
    return compareEmbeddings(ref, p, options);
  }

  /** Ends the worker (or frees the models). Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await this.impl.close();
  }
}
