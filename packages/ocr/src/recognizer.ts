/**
 * The recognition seam. The reader only needs "text and confidence for this field crop"; the
 * tesseract.js implementation below keeps pre-started workers per model and reuses them for every
 * card. Tests and other engines (a server-side model, a native SDK) plug in through `Recognizer`.
 */
import { DualrecError } from '@dualrec/evidence';
import { encodePgm } from './image/preprocess.js';
import type { GrayImage } from './image/types.js';
import type { Model } from './layout.js';

export interface RecognizeRequest {
  /** Which layout field the crop is (`name`, `idNumber`, `address2`…), for engines that care. */
  field?: string;
  model: Model;
  /** Tesseract page segmentation mode: 7 = single line, 6 = uniform block. */
  psm: 6 | 7;
  whitelist?: string;
}

export interface Recognition {
  text: string;
  /** 0–100, tesseract's mean word confidence. */
  confidence: number;
}

export interface Recognizer {
  /** Resolves once every worker has loaded its model (rejects with MODEL_LOAD_FAILED). */
  ready(): Promise<void>;
  recognize(image: GrayImage, request: RecognizeRequest, signal?: AbortSignal): Promise<Recognition>;
  /** Terminates every worker and waits until they are gone. Idempotent. */
  close(): Promise<void>;
}

/**
 * Which language files the cache entries hold. tesseract.js keys its cache by
 * `${cachePath}/${lang}.traineddata` and ignores `langPath`, so a browser that once cached the full
 * 20 MB chi_sim from elsewhere on the same origin would silently keep using it: the version in the
 * default `cachePath` makes our entries distinct and lets a model change invalidate them.
 */
export const LANG_DATA_VERSION = 'eng-4.0.0_best_int.chi_sim-4.0.0-lstm';
export const DEFAULT_CACHE_PATH = `dualrec-ocr/${LANG_DATA_VERSION}`;

export interface TesseractRecognizerOptions {
  /**
   * Folder (node: a path or URL; browser: a URL) holding `eng.traineddata.gz` and
   * `chi_sim.traineddata.gz` as written by `dualrec assets` (its `tesseract/lang`). Never a CDN.
   */
  langPath: string;
  /** Browser: URL of the folder with `tesseract-core-*-lstm.wasm.js` (`tesseract/core`). */
  corePath?: string;
  /** Browser: URL of `worker.min.js` (`tesseract/worker.min.js`). */
  workerPath?: string;
  /** Default false: a blob: worker needs `worker-src blob:` in the lender's CSP. */
  workerBlobURL?: boolean;
  /** Cache key prefix (browser: IndexedDB key; node: a folder). Default {@link DEFAULT_CACHE_PATH}. */
  cachePath?: string;
  /**
   * tesseract.js cache method. Default: `'write'` in the browser (IndexedDB, so a second visit
   * does not download again), `'none'` in node (the files are local already, and `'write'`
   * would create files in the working directory).
   */
  cacheMethod?: 'write' | 'readOnly' | 'refresh' | 'none';
  /**
   * Workers per model. Default two chi_sim and one eng: a front side has seven chi_sim crops and
   * one eng crop, so two chi_sim workers keep both cores of a cheap phone busy (measured on two
   * cores: recognition ≈175 ms/card vs ≈240 ms with one). Each chi_sim worker holds its own
   * copy of the model (tens of MB); set `{ chi_sim: 1 }` where memory is tighter than time.
   */
  workers?: Partial<Record<Model, number>>;
}

interface TesseractWorker {
  setParameters(params: Record<string, string>): Promise<unknown>;
  recognize(image: Uint8Array): Promise<{ data: { text: string; confidence: number } }>;
  terminate(): Promise<unknown>;
  worker: unknown;
}

interface Slot {
  model: Model;
  worker: TesseractWorker;
  params: string;
  busy: boolean;
}

interface Job {
  image: Uint8Array;
  request: RecognizeRequest;
  resolve(r: Recognition): void;
  reject(e: unknown): void;
  signal: AbortSignal | undefined;
  onAbort?: () => void;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

function abortError(signal: AbortSignal): DualrecError {
  return new DualrecError('ABORTED', { detail: 'the read was aborted', cause: signal.reason });
}

/** Waits until a worker thread (node) has really exited; a browser Worker stops synchronously. */
async function awaitThreadExit(thread: unknown): Promise<void> {
  const t = thread as { terminate?: () => unknown } | null;
  const result = t?.terminate?.();
  if (result && typeof (result as Promise<unknown>).then === 'function') await result;
}

/**
 * Checks that both language files can be read before any worker starts, so a wrong `langPath`
 * fails fast with MODEL_LOAD_FAILED instead of leaving a tesseract.js worker that can no longer
 * be terminated (see the note in start()). In node a local folder is checked on disk; a URL is
 * checked with HEAD — a network error there is let through, as the browser cache may still hold
 * the files, but a 404 is not.
 */
async function preflight(langPath: string, cacheMethod: string): Promise<void> {
  const files = ['eng', 'chi_sim'].map((lang) => `${langPath.replace(/\/$/, '')}/${lang}.traineddata.gz`);
  const getBuiltin = isNode
    ? (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule
    : undefined;
  const localPath = isNode && !/^[a-z][a-z0-9+.-]*:\/\//i.test(langPath);
  for (const file of files) {
    if (localPath && getBuiltin) {
      const fs = getBuiltin('node:fs/promises') as { access(path: string): Promise<void> };
      await fs.access(file).catch((cause: unknown) => {
        throw new DualrecError('MODEL_LOAD_FAILED', {
          detail: `cannot read ${file}`,
          cause,
          context: { file },
        });
      });
    } else if (!localPath && cacheMethod !== 'readOnly' && typeof fetch === 'function') {
      let response: Response | undefined;
      try {
        response = await fetch(file, { method: 'HEAD' });
      } catch {
        continue;
      }
      if (!response.ok)
        throw new DualrecError('MODEL_LOAD_FAILED', {
          detail: `${file} answered HTTP ${response.status}`,
          context: { file, status: response.status },
        });
    }
  }
}

export class TesseractRecognizer implements Recognizer {
  private readonly slots: Slot[] = [];
  private readonly queues: Record<Model, Job[]> = { chi_sim: [], eng: [] };
  private readonly starting: Promise<void>;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: TesseractRecognizerOptions) {
    if (typeof options?.langPath !== 'string' || options.langPath === '')
      throw new DualrecError('BAD_USAGE', {
        detail: 'langPath is required (the self-hosted tesseract/lang folder)',
      });
    this.starting = this.start(options);
    // Callers that never await ready() must not see an unhandled rejection; read() reports it.
    this.starting.catch(() => {});
  }

  private async start(options: TesseractRecognizerOptions): Promise<void> {
    const { createWorker, OEM } = await import('tesseract.js');
    const counts: Record<Model, number> = { chi_sim: 2, eng: 1, ...options.workers };
    const workerOptions: Record<string, unknown> = {
      langPath: options.langPath,
      cachePath: options.cachePath ?? DEFAULT_CACHE_PATH,
      cacheMethod: options.cacheMethod ?? (isNode ? 'none' : 'write'),
      gzip: true,
      workerBlobURL: options.workerBlobURL ?? false,
    };
    if (options.corePath) workerOptions.corePath = options.corePath;
    if (options.workerPath) workerOptions.workerPath = options.workerPath;
    for (const model of ['chi_sim', 'eng'] as const) {
      const n = counts[model];
      if (!Number.isInteger(n) || n < 1 || n > 8)
        throw new DualrecError('BAD_USAGE', { detail: `workers.${model} must be an integer 1–8` });
    }
    await preflight(options.langPath, workerOptions.cacheMethod as string);
    const pending: Promise<void>[] = [];
    for (const model of ['chi_sim', 'eng'] as const) {
      for (let i = 0; i < counts[model]; i++) {
        // tesseract.js 7 never settles createWorker() when loading a language fails (its start-up
        // chain ends in .catch(() => {})); the error only reaches errorHandler. Racing the two
        // makes a bad file an error instead of a hang. The worker of such a failed start cannot
        // be reached to terminate it, which is why preflight() checks the files first.
        let failLoad: (reason: unknown) => void = () => {};
        const loadFailed = new Promise<never>((_, reject) => {
          failLoad = reject;
        });
        const created = createWorker(model, OEM.LSTM_ONLY, {
          ...workerOptions,
          errorHandler: (error: unknown) => failLoad(error),
        }) as Promise<unknown> as Promise<TesseractWorker>;
        pending.push(
          Promise.race([created, loadFailed]).then(async (worker) => {
            if (this.closed) {
              await this.terminate(worker);
              return;
            }
            this.slots.push({ model, worker, params: '', busy: false });
            this.pump(model);
          }),
        );
      }
    }
    const results = await Promise.allSettled(pending);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.shutdown();
      throw new DualrecError('MODEL_LOAD_FAILED', {
        detail: `tesseract.js could not start: ${String((failed.reason as Error)?.message ?? failed.reason)}`,
        cause: failed.reason,
        context: { langPath: options.langPath },
      });
    }
  }

  ready(): Promise<void> {
    return this.starting;
  }

  recognize(image: GrayImage, request: RecognizeRequest, signal?: AbortSignal): Promise<Recognition> {
    if (this.closed) return Promise.reject(new DualrecError('OCR_READER_CLOSED'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<Recognition>((resolve, reject) => {
      const job: Job = { image: encodePgm(image), request, resolve, reject, signal };
      if (signal) {
        // A queued job leaves the queue at once; a running one cannot be stopped inside
        // tesseract, so its promise rejects now and the worker's late answer is dropped.
        job.onAbort = () => {
          const queue = this.queues[request.model];
          const at = queue.indexOf(job);
          if (at >= 0) queue.splice(at, 1);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queues[request.model].push(job);
      this.pump(request.model);
    });
  }

  private pump(model: Model): void {
    const queue = this.queues[model];
    for (const slot of this.slots) {
      if (slot.model !== model || slot.busy || queue.length === 0) continue;
      const job = queue.shift() as Job;
      slot.busy = true;
      this.run(slot, job).finally(() => {
        slot.busy = false;
        if (!this.closed) this.pump(model);
      });
    }
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    const settle = (fn: () => void) => {
      if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
      fn();
    };
    try {
      const params = JSON.stringify([job.request.psm, job.request.whitelist ?? '']);
      if (slot.params !== params) {
        await slot.worker.setParameters({
          tessedit_pageseg_mode: String(job.request.psm),
          tessedit_char_whitelist: job.request.whitelist ?? '',
        });
        slot.params = params;
      }
      const { data } = await slot.worker.recognize(job.image);
      settle(() => job.resolve({ text: data.text, confidence: data.confidence }));
    } catch (cause) {
      settle(() =>
        job.reject(
          this.closed
            ? new DualrecError('OCR_READER_CLOSED', { cause })
            : new DualrecError('MODEL_LOAD_FAILED', {
                detail: `recognition failed: ${(cause as Error)?.message ?? cause}`,
                cause,
              }),
        ),
      );
    }
  }

  private async terminate(worker: TesseractWorker): Promise<void> {
    const thread = worker.worker;
    try {
      await worker.terminate();
    } finally {
      await awaitThreadExit(thread);
    }
  }

  /** Rejects queued jobs and terminates the started workers (not the ones still loading). */
  private shutdown(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      for (const model of ['chi_sim', 'eng'] as const) {
        for (const job of this.queues[model].splice(0)) {
          if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
          job.reject(new DualrecError('OCR_READER_CLOSED'));
        }
      }
      this.closing = Promise.allSettled(this.slots.splice(0).map((s) => this.terminate(s.worker))).then(
        () => undefined,
      );
    }
    return this.closing;
  }

  async close(): Promise<void> {
    await this.shutdown();
    // Workers still loading are terminated by start() as they arrive: wait for all of them.
    await this.starting.catch(() => {});
  }
}
