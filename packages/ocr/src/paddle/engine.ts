// biome-ignore-all lint/style/noNonNullAssertion: pixel and row loops index arrays within bounds the loops check; noUncheckedIndexedAccess would type every read as possibly undefined.
/**
 * The PP-OCR text reader: every text line in a photo, with where it is and which way it reads.
 * Detection → per-line crop → direction classifier → recognition, on onnxruntime-web's wasm
 * backend. Runtime-agnostic: the caller hands in the onnxruntime module (node imports it
 * directly; the browser adapter runs this inside a worker) and the verified asset bytes.
 */
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import type { Point, Quad, RgbaImage } from '../image/types.js';
import { PADDLE_FILES, type PaddleAsset } from './assets.js';
import type { ChwInput, OrtModule, OrtSession } from './ort.js';
import {
  boxesFromProbability,
  DETECTION_DEFAULTS,
  type DetectionParams,
  detectionInput,
} from './text-detection.js';
import {
  CLS_HEIGHT,
  CLS_WIDTH,
  cropLine,
  ctcGreedyDecode,
  parseKeys,
  recognitionInput,
  rotate180,
  stripInput,
} from './text-recognition.js';

export interface TextLine {
  text: string;
  /** Mean character probability, 0–100. */
  confidence: number;
  /** The detected box in input-image pixels (PaddleOCR's corner order). */
  quad: Quad;
  /** Unit vector of the reading direction in the image (after the classifier's verdict). */
  reading: Point;
  /** The line's height across the reading direction, pixels. */
  height: number;
  /** Centre in input-image pixels. */
  center: Point;
  /** The classifier turned the line by 180°. */
  flipped: boolean;
}

export interface PaddleReadTimings {
  detectMs: number;
  classifyMs: number;
  recognizeMs: number;
}

export interface PaddleReadResult {
  lines: TextLine[];
  timings: PaddleReadTimings;
}

/** What the reader needs from a PP-OCR engine: in-process ({@link PaddleTextReader}) or in a worker. */
export interface PaddleLineSource {
  readLines(image: RgbaImage, signal?: AbortSignal): Promise<PaddleReadResult>;
  close(): Promise<void>;
}

export interface PaddleEngineOptions {
  /** The onnxruntime-web module (`import('onnxruntime-web/wasm')`). */
  ort: OrtModule;
  /** URL or path of each file by name, from {@link paddleAssetUrls}. */
  assets: Readonly<Record<PaddleAsset['name'], string>>;
  /** Reads a file's bytes (default fetch). The bytes are SHA-256-checked against {@link PADDLE_FILES}. */
  readAsset?: (url: string, signal?: AbortSignal) => Promise<Uint8Array>;
  /** Worker threads for onnxruntime (default 1: threads need cross-origin isolation in a browser). */
  threads?: number;
  /** Called as each file arrives, for a progress bar. */
  onProgress?: (loaded: number, total: number) => void;
  detection?: Partial<DetectionParams>;
  signal?: AbortSignal;
}

/** onnxruntime-web's plain-wasm ES module, which `dualrec assets` writes beside its wasm. */
export const ORT_MODULE_FILE = 'ort.wasm.bundle.min.mjs';

/**
 * The URL of onnxruntime-web's module next to the `ort-wasm` asset's URL: browsers import it from
 * there at run time (the worker does) so no bundler copies the wasm into the app's build.
 *
 * @example
 * ```ts
 * ortModuleUrl('/dualrec-assets/onnxruntime/ort-wasm-simd-threaded.wasm');
 * // '/dualrec-assets/onnxruntime/ort.wasm.bundle.min.mjs'
 * ```
 */
export function ortModuleUrl(wasmUrl: string): string {
  return wasmUrl.replace(/[^/]*$/, ORT_MODULE_FILE);
}

/** Each file's URL under a base that serves `dualrec assets`' output. */
export function paddleAssetUrls(assetsBase: string): Record<PaddleAsset['name'], string> {
  const base = assetsBase.replace(/\/+$/, '');
  return Object.fromEntries(PADDLE_FILES.map((f) => [f.name, `${base}/${f.path}`])) as Record<
    PaddleAsset['name'],
    string
  >;
}

async function fetchBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal, credentials: 'same-origin' });
  } catch (cause) {
    if (signal?.aborted) throw new DualrecError('ABORTED', { cause: signal.reason });
    throw new DualrecError('ASSET_FETCH_FAILED', {
      detail: `${url}: ${(cause as Error)?.message}`,
      cause,
      context: { url },
    });
  }
  if (!response.ok)
    throw new DualrecError('ASSET_FETCH_FAILED', {
      detail: `${url}: HTTP ${response.status}`,
      context: { url },
    });
  return new Uint8Array(await response.arrayBuffer());
}

/** Whether the line should be turned: the classifier says 180° with PaddleOCR's confidence 0.9. */
const CLS_THRESHOLD = 0.9;

const now = () => performance.now();

function tensor(ort: OrtModule, input: ChwInput) {
  return new ort.Tensor('float32', input.data, [...input.dims]);
}

export class PaddleTextReader implements PaddleLineSource {
  private sessions: { det: OrtSession; cls: OrtSession; rec: OrtSession } | null;
  private busy: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly ort: OrtModule,
    sessions: { det: OrtSession; cls: OrtSession; rec: OrtSession },
    private readonly keys: string[],
    private readonly detection: DetectionParams,
  ) {
    this.sessions = sessions;
  }

  /**
   * Reads, checks and loads the three models.
   *
   * @example
   * ```ts
   * const ort = await import('onnxruntime-web/wasm');
   * const reader = await PaddleTextReader.load({ ort, assets: paddleAssetUrls('/assets') });
   * const { lines } = await reader.readLines(rgbaImage);
   * ```
   */
  static async load(options: PaddleEngineOptions): Promise<PaddleTextReader> {
    const read = options.readAsset ?? fetchBytes;
    const bytes = new Map<PaddleAsset['name'], Uint8Array>();
    let loaded = 0;
    const missing = PADDLE_FILES.find((file) => !options.assets?.[file.name]);
    if (missing)
      throw new DualrecError('ASSET_NOT_FOUND', {
        detail: `PP-OCR asset "${missing.name}" was not given`,
        context: { name: missing.name },
      });
    options.onProgress?.(0, PADDLE_FILES.length);
    await Promise.all(
      PADDLE_FILES.map(async (file) => {
        const url = options.assets[file.name];
        const data = await read(url, options.signal);
        const actual = await sha256Hex(data);
        if (actual !== file.sha256)
          throw new DualrecError('ASSET_HASH_MISMATCH', {
            detail: url,
            context: { url, expected: file.sha256, actual },
          });
        bytes.set(file.name, data);
        options.onProgress?.(++loaded, PADDLE_FILES.length);
      }),
    );
    options.signal?.throwIfAborted();
    const { ort } = options;
    try {
      // No proxy worker (this already runs in one in the browser, and a strict CSP forbids blob
      // workers) and the runtime from the verified bytes, not a second, unchecked fetch.
      ort.env.wasm.numThreads = Math.max(1, options.threads ?? 1);
      ort.env.wasm.proxy = false;
      const wasm = bytes.get('ort-wasm') as Uint8Array;
      ort.env.wasm.wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
      const create = (name: 'det' | 'cls' | 'rec') =>
        ort.InferenceSession.create(bytes.get(name) as Uint8Array, {
          executionProviders: ['wasm'],
          graphOptimizationLevel: 'all',
        });
      const det = await create('det');
      const cls = await create('cls');
      const rec = await create('rec');
      const keys = parseKeys(new TextDecoder().decode(bytes.get('keys')));
      return new PaddleTextReader(ort, { det, cls, rec }, keys, {
        ...DETECTION_DEFAULTS,
        ...options.detection,
      });
    } catch (cause) {
      throw new DualrecError('MODEL_LOAD_FAILED', {
        detail: `PP-OCR: ${(cause as Error)?.message ?? cause}`,
        cause,
      });
    }
  }

  /**
   * Every text line in the image. One read at a time (onnxruntime's wasm sessions are not
   * re-entrant); a second call waits for the first.
   */
  readLines(image: RgbaImage, signal?: AbortSignal): Promise<PaddleReadResult> {
    const run = this.busy.then(() => this.run(image, signal));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async run(image: RgbaImage, signal?: AbortSignal): Promise<PaddleReadResult> {
    const sessions = this.sessions;
    if (!sessions) throw new DualrecError('OCR_READER_CLOSED');
    const check = () => {
      if (signal?.aborted)
        throw new DualrecError('ABORTED', { detail: 'the read was aborted', cause: signal.reason });
    };
    check();
    const t0 = now();
    const input = detectionInput(image, this.detection.limitSide);
    const out = await sessions.det.run({ [sessions.det.inputNames[0]!]: tensor(this.ort, input) });
    const map = out[sessions.det.outputNames[0]!]!;
    const [, , mapHeight, mapWidth] = map.dims as [number, number, number, number];
    const boxes = boxesFromProbability(
      map.data as Float32Array,
      mapWidth,
      mapHeight,
      {
        scaleX: image.width / mapWidth,
        scaleY: image.height / mapHeight,
        imageWidth: image.width,
        imageHeight: image.height,
      },
      this.detection,
    );
    const t1 = now();
    let classifyMs = 0;
    let recognizeMs = 0;
    const lines: TextLine[] = [];
    for (const box of boxes) {
      check();
      const tc = now();
      const crop = cropLine(image, box.quad);
      const clsOut = await sessions.cls.run({
        [sessions.cls.inputNames[0]!]: tensor(this.ort, stripInput(crop.strip, CLS_HEIGHT, CLS_WIDTH)),
      });
      const p = clsOut[sessions.cls.outputNames[0]!]!.data;
      const flipped = (p[1] as number) > (p[0] as number) && (p[1] as number) >= CLS_THRESHOLD;
      const strip = flipped ? rotate180(crop.strip) : crop.strip;
      const tr = now();
      classifyMs += tr - tc;
      const recOut = await sessions.rec.run({
        [sessions.rec.inputNames[0]!]: tensor(this.ort, recognitionInput(strip)),
      });
      const probs = recOut[sessions.rec.outputNames[0]!]!;
      const [, steps, classes] = probs.dims as [number, number, number];
      const decoded = ctcGreedyDecode(probs.data, steps, classes, this.keys);
      recognizeMs += now() - tr;
      if (!decoded.text.trim()) continue;
      const reading: Point = flipped ? [-crop.reading[0], -crop.reading[1]] : crop.reading;
      const [q0, q1, q2, q3] = box.quad;
      const center: Point = [(q0[0] + q1[0] + q2[0] + q3[0]) / 4, (q0[1] + q1[1] + q2[1] + q3[1]) / 4];
      lines.push({
        text: decoded.text,
        confidence: Math.round(decoded.confidence * 1000) / 10,
        quad: box.quad,
        reading,
        height: strip.height,
        center,
        flipped,
      });
    }
    return { lines, timings: { detectMs: t1 - t0, classifyMs, recognizeMs } };
  }

  /** Releases the three sessions. Idempotent. */
  async close(): Promise<void> {
    const sessions = this.sessions;
    this.sessions = null;
    await this.busy;
    if (sessions) await Promise.all([sessions.det.release(), sessions.cls.release(), sessions.rec.release()]);
  }
}
