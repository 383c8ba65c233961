/**
 * Silero VAD (v5, the ONNX file shipped in @ricky0123/vad-web) as a second, model-based opinion on
 * each listening window. Energy VAD takes steady or loud noise for speech; Silero was trained to
 * tell speech from noise, so when it is configured it decides whether the applicant spoke.
 *
 * Run on the window's 16 kHz PCM after the window closes (not live): the energy VAD still drives
 * the live re-prompt and end-of-utterance decisions at no cost, and the model costs about 3% of real
 * time on one core (pnpm bench --filter speech), once per attempt. Inference uses onnxruntime-web's plain wasm build
 * (14 MB) rather than vad-web's own wrapper, which imports onnxruntime-web's default entry and with
 * it the 22 MB WebGPU/JSEP build a phone would then download; the model, its input layout (512
 * samples plus 64 of context, state [2,1,128], sample rate) and thresholds follow Silero's
 * reference implementation. Both files are self-hosted and SHA-256-checked before use.
 */
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import type { AsrAsset } from '../asr/types.js';

export const SILERO_FILES = [
  {
    name: 'model',
    path: 'silero/silero_vad_v5.onnx',
    sha256: '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f',
  },
  {
    name: 'ort-wasm',
    path: 'onnxruntime/ort-wasm-simd-threaded.wasm',
    sha256: '3398c10d07d229bd91b364548e130e0e51a8e5704b88c7c083ebbeb78842dee2',
  },
] as const;

export function sileroAssets(assetsBase: string): AsrAsset[] {
  const base = assetsBase.replace(/\/+$/, '');
  return SILERO_FILES.map((f) => ({ name: f.name, url: `${base}/${f.path}`, sha256: f.sha256 }));
}

const FRAME = 512;
const CONTEXT = 64;
const FRAME_MS = (FRAME / 16_000) * 1000;

export interface VoiceAnalysis {
  /** Analyser id recorded in the evidence. */
  analyser: string;
  frames: number;
  speechMs: number;
  speechRatio: number;
  /** From the start of the PCM to the first speech frame, ms; null without speech. */
  onsetMs: number | null;
  /** First speech to end of the last speech frame, ms. */
  speechSpanMs: number;
}

/** A model-based voice check on one window's 16 kHz PCM (Silero here; any other model can implement it). */
export interface VoiceAnalyser {
  readonly id: string;
  analyse(pcm16k: Float32Array, signal?: AbortSignal): Promise<VoiceAnalysis>;
  close(): Promise<void>;
}

interface OrtTensor {
  data: ArrayLike<number>;
}
interface OrtModule {
  env: { wasm: { numThreads?: number; proxy?: boolean; wasmBinary?: ArrayBufferLike | Uint8Array } };
  Tensor: new (type: string, data: Float32Array | BigInt64Array, dims: number[]) => OrtTensor;
  InferenceSession: {
    create(
      model: Uint8Array,
      options?: Record<string, unknown>,
    ): Promise<{
      run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
      release(): Promise<void>;
    }>;
  };
}

export interface SileroOptions {
  assets: readonly AsrAsset[];
  /** Reads an asset's bytes (default fetch). */
  readAsset?: (url: string, signal?: AbortSignal) => Promise<Uint8Array>;
  /** Speech probability that counts a frame as speech (default 0.5, Silero's default). */
  threshold?: number;
  signal?: AbortSignal;
  /**
   * Loads onnxruntime-web's plain-wasm module. Default: import `ort.wasm.bundle.min.mjs` from the
   * folder of the `ort-wasm` asset (`dualrec assets` writes both), never from the app's bundle: a
   * bundled onnxruntime makes Vite copy its 14 MB wasm into the app's build by
   * `new URL(…, import.meta.url)`. Node (tests) passes `() => import('onnxruntime-web/wasm')`.
   */
  loadOrt?: (url: string) => Promise<unknown>;
}

/** onnxruntime-web's plain-wasm ES module, beside its wasm under `assetsBase` (`onnxruntime/`). */
export const ORT_MODULE_FILE = 'ort.wasm.bundle.min.mjs';

/** The URL of onnxruntime-web's module next to the wasm asset's URL. */
export function ortModuleUrl(wasmUrl: string): string {
  return wasmUrl.replace(/[^/]*$/, ORT_MODULE_FILE);
}

/** A runtime import of a self-hosted module that bundlers must leave alone. */
export function importSelfHosted(url: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ url);
}

async function fetchBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal, credentials: 'same-origin' });
  if (!response.ok)
    throw new DualrecError('ASSET_FETCH_FAILED', {
      detail: `${url}: HTTP ${response.status}`,
      context: { url },
    });
  return new Uint8Array(await response.arrayBuffer());
}

export class SileroVad implements VoiceAnalyser {
  readonly id = 'silero-vad-v5/onnxruntime-web-1.30.0';
  private session: Awaited<ReturnType<OrtModule['InferenceSession']['create']>> | null;

  private constructor(
    private readonly ort: OrtModule,
    session: Awaited<ReturnType<OrtModule['InferenceSession']['create']>>,
    private readonly threshold: number,
  ) {
    this.session = session;
  }

  static async load(options: SileroOptions): Promise<SileroVad> {
    const read = options.readAsset ?? fetchBytes;
    const bytes = new Map<string, Uint8Array>();
    for (const file of SILERO_FILES) {
      const asset = options.assets.find((a) => a.name === file.name);
      if (!asset)
        throw new DualrecError('ASSET_NOT_FOUND', {
          detail: `Silero asset "${file.name}" was not given.`,
          context: { name: file.name },
        });
      const data = await read(asset.url, options.signal);
      const actual = await sha256Hex(data);
      if (actual !== asset.sha256)
        throw new DualrecError('ASSET_HASH_MISMATCH', {
          detail: asset.url,
          context: { url: asset.url, expected: asset.sha256, actual },
        });
      bytes.set(file.name, data);
    }
    options.signal?.throwIfAborted();
    try {
      // Lazy, self-hosted and the plain-wasm entry: nothing of onnxruntime is downloaded unless
      // Silero is used, and nothing of it is in the app's bundle.
      const wasmUrl = (options.assets.find((a) => a.name === 'ort-wasm') as AsrAsset).url;
      const ort = (await (options.loadOrt ?? importSelfHosted)(ortModuleUrl(wasmUrl))) as OrtModule;
      // One thread (no SharedArrayBuffer without cross-origin isolation), no proxy worker (strict CSP),
      // and the runtime from the verified bytes rather than a second, unchecked fetch.
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      const wasm = bytes.get('ort-wasm') as Uint8Array;
      ort.env.wasm.wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
      const session = await ort.InferenceSession.create(bytes.get('model') as Uint8Array, {
        executionProviders: ['wasm'],
      });
      return new SileroVad(ort, session, options.threshold ?? 0.5);
    } catch (cause) {
      throw new DualrecError('MODEL_LOAD_FAILED', {
        detail: `Silero VAD: ${(cause as Error)?.message ?? cause}`,
        cause,
      });
    }
  }

  async analyse(pcm16k: Float32Array, signal?: AbortSignal): Promise<VoiceAnalysis> {
    const session = this.session;
    if (!session) throw new DualrecError('BAD_USAGE', { detail: 'The Silero VAD is closed.' });
    const { Tensor } = this.ort;
    let state = new Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
    const sr = new Tensor('int64', BigInt64Array.from([16_000n]), []);
    const input = new Float32Array(CONTEXT + FRAME);
    let frames = 0;
    let speech = 0;
    let first: number | null = null;
    let last = 0;
    for (let start = 0; start + FRAME <= pcm16k.length; start += FRAME) {
      signal?.throwIfAborted();
      // Each frame carries the previous frame's last 64 samples, as Silero's reference code does.
      input.copyWithin(0, FRAME, FRAME + CONTEXT);
      input.set(pcm16k.subarray(start, start + FRAME), CONTEXT);
      const out = await session.run({
        input: new Tensor('float32', input.slice(), [1, CONTEXT + FRAME]),
        state,
        sr,
      });
      state = out.stateN as OrtTensor;
      const probability = (out.output as OrtTensor).data[0] as number;
      if (probability >= this.threshold) {
        speech++;
        first ??= frames * FRAME_MS;
        last = (frames + 1) * FRAME_MS;
      }
      frames++;
    }
    return {
      analyser: this.id,
      frames,
      speechMs: speech * FRAME_MS,
      speechRatio: frames > 0 ? speech / frames : 0,
      onsetMs: first,
      speechSpanMs: first === null ? 0 : last - first,
    };
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    await session?.release();
  }
}
