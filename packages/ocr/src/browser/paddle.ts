/**
 * The PP-OCR engine in the browser: a dedicated worker runs onnxruntime-web (wasm, SIMD, one
 * thread: threads need cross-origin isolation, which a lender's H5 page rarely has) so the page
 * stays responsive while a card is read. The models come from the lender's own asset folder,
 * SHA-256-checked inside the worker.
 */
import { DualrecError } from '@dualrec/evidence';
import type { RgbaImage } from '../image/types.js';
import { type PaddleLineSource, type PaddleReadResult, paddleAssetUrls } from '../paddle/engine.js';
import type { FromPaddleWorker, ToPaddleWorker } from '../paddle/worker-protocol.js';

// The smallest module using a SIMD instruction (i8x16.splat + i8x16.popcnt, as wasm-feature-detect).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

/**
 * Why PP-OCR cannot run here, or `undefined` when it can: it needs WebAssembly with SIMD (the
 * onnxruntime build we ship has no plain variant) and module workers.
 */
export function paddleUnsupportedReason(): string | undefined {
  if (typeof WebAssembly === 'undefined') return 'no WebAssembly';
  try {
    if (!WebAssembly.validate(SIMD_PROBE)) return 'no WebAssembly SIMD';
  } catch {
    return 'no WebAssembly SIMD';
  }
  if (typeof Worker === 'undefined') return 'no Worker';
  return undefined;
}

export interface PaddleWorkerOptions {
  /** Where `dualrec assets` output is served, same origin (e.g. `/dualrec-assets`). */
  assetsBase: string;
  /** Model download progress, files loaded of total. */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  signal?: AbortSignal;
  /** Makes the worker (tests, bundlers that need their own worker URL). */
  worker?: () => Worker;
}

export class PaddleWorkerEngine implements PaddleLineSource {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve(r: PaddleReadResult): void; reject(e: unknown): void }
  >();
  private failure: DualrecError | undefined;
  private closing: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (event: MessageEvent<FromPaddleWorker>) => {
      const m = event.data;
      if (m.type === 'result') {
        this.pending.get(m.id)?.resolve(m.result);
        this.pending.delete(m.id);
      } else if (m.type === 'error' && m.id !== undefined) {
        this.pending.get(m.id)?.reject(new DualrecError(m.code as never, { detail: m.detail }));
        this.pending.delete(m.id);
      }
    });
    worker.addEventListener('error', (event) => {
      this.failure ??= new DualrecError('MODEL_LOAD_FAILED', {
        detail: `PP-OCR worker: ${event.message || 'failed'}`,
      });
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    });
  }

  /**
   * Starts the worker and loads the models; resolves when it can read.
   *
   * @example
   * ```ts
   * const reader = createOcrReader({ paddle: PaddleWorkerEngine.start({ assetsBase: '/dualrec-assets' }) });
   * const result = await reader.read(await toRgbaImage(file));
   * ```
   */
  static async start(options: PaddleWorkerOptions): Promise<PaddleWorkerEngine> {
    const unsupported = options.worker ? undefined : paddleUnsupportedReason();
    if (unsupported) throw new DualrecError('MODEL_LOAD_FAILED', { detail: `PP-OCR: ${unsupported}` });
    options.signal?.throwIfAborted();
    const worker =
      options.worker?.() ??
      // Vite and webpack 5 bundle the worker (and onnxruntime with it) from this exact expression.
      new Worker(new URL('../paddle/paddle.worker.js', import.meta.url), { type: 'module' });
    const engine = new PaddleWorkerEngine(worker);
    const base = new URL(options.assetsBase.replace(/\/*$/, '/'), document.baseURI).href;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: unknown) => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) {
          worker.terminate();
          reject(error);
        } else resolve();
      };
      const onAbort = () => done(new DualrecError('ABORTED', { cause: options.signal?.reason }));
      const onMessage = (event: MessageEvent<FromPaddleWorker>) => {
        const m = event.data;
        if (m.type === 'progress') options.onProgress?.({ loaded: m.loaded, total: m.total });
        else if (m.type === 'ready') done();
        else if (m.type === 'error' && m.id === undefined)
          done(new DualrecError(m.code as never, { detail: m.detail }));
      };
      const onError = (event: ErrorEvent) =>
        done(
          new DualrecError('MODEL_LOAD_FAILED', {
            detail: `PP-OCR worker: ${event.message || 'did not start'}`,
          }),
        );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      const message: ToPaddleWorker = { type: 'init', assets: paddleAssetUrls(base) };
      worker.postMessage(message);
    });
    return engine;
  }

  readLines(image: RgbaImage, signal?: AbortSignal): Promise<PaddleReadResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new DualrecError('OCR_READER_CLOSED'));
    if (signal?.aborted) return Promise.reject(new DualrecError('ABORTED', { cause: signal.reason }));
    const id = this.nextId++;
    // A copy is transferred: the caller keeps its pixels.
    const data = new Uint8ClampedArray(image.data);
    return new Promise<PaddleReadResult>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        reject(new DualrecError('ABORTED', { cause: signal?.reason }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      const message: ToPaddleWorker = { type: 'read', id, width: image.width, height: image.height, data };
      this.worker.postMessage(message, [data.buffer]);
    });
  }

  /** Releases the models and ends the worker. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.worker.terminate();
        for (const p of this.pending.values()) p.reject(new DualrecError('OCR_READER_CLOSED'));
        this.pending.clear();
        resolve();
      };
      // The worker answers once its sessions are released; a wedged one is ended regardless.
      const timer = setTimeout(finish, 2000);
      this.worker.addEventListener('message', (event: MessageEvent<FromPaddleWorker>) => {
        if (event.data.type === 'closed') finish();
      });
      this.worker.postMessage({ type: 'close' } satisfies ToPaddleWorker);
    });
    return this.closing;
  }
}
