/**
 * The seam between the voiceprint model and its users: a `SpeakerEmbedder` turns one window of
 * 16 kHz speech into a length-normalised 128-dim x-vector. The flow (enrolment, per-segment
 * comparison) talks only to this interface, so the model can run on the main thread (node, tests)
 * or in a worker (browser) without the flow knowing. The model files are self-hosted under
 * `assetsBase` and SHA-256-checked before use, as every other model is.
 */
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import type { AsrAsset } from '../asr/types.js';
import { loadXVectorExtractor, type XVectorExtractor } from './xvector.js';

/** The pinned files of vosk-model-spk-0.4 (see packages/cli/asset-manifest.json). */
export const VOICEPRINT_FILES = [
  {
    name: 'nnet',
    path: 'voiceprint/vosk-model-spk-0.4/final.ext.raw',
    sha256: 'd30354474ac719b3cfce58186463302b988cf22ce3afee7237a2da862c4a91d1',
  },
  {
    name: 'mean',
    path: 'voiceprint/vosk-model-spk-0.4/mean.vec',
    sha256: '3bc5dfa9479c3aaacf4f45c155e9bd4772785449112566fac23578c09e93bcd7',
  },
  {
    name: 'transform',
    path: 'voiceprint/vosk-model-spk-0.4/transform.mat',
    sha256: 'fab14481fb27c41df0f1825afe18530e4f6d128dbb2c239ee86d8d7096e22c33',
  },
] as const;

/** The model id recorded in the evidence beside every score. */
export const VOICEPRINT_MODEL_ID = 'vosk-model-spk-0.4/xvector-dualrec-1';

/**
 * The voiceprint files' URLs under `assetsBase`.
 *
 * @example
 * ```ts
 * const embedder = await loadSpeakerEmbedder({ assets: voiceprintAssets('/dualrec-assets') });
 * ```
 */
export function voiceprintAssets(assetsBase: string): AsrAsset[] {
  const base = assetsBase.replace(/\/+$/, '');
  return VOICEPRINT_FILES.map((f) => ({ name: f.name, url: `${base}/${f.path}`, sha256: f.sha256 }));
}

/** Turns speech into a speaker embedding. */
export interface SpeakerEmbedder {
  /** Model id recorded in the evidence. */
  readonly id: string;
  /**
   * The length-normalised 128-dim embedding of mono 16 kHz samples in [-1, 1]. Rejects with
   * `SPEECH_AUDIO_FAILED` when the audio is too short for the model (under about 0.15 s).
   */
  embed(pcm16k: Float32Array, signal?: AbortSignal): Promise<Float32Array>;
  /** Frees the model (and its worker, where there is one). */
  close(): Promise<void>;
}

export interface SpeakerEmbedderOptions {
  /** The files from {@link voiceprintAssets}. */
  assets: readonly AsrAsset[];
  /** Reads an asset's bytes (default fetch, same-origin credentials). */
  readAsset?: (url: string, signal?: AbortSignal) => Promise<Uint8Array>;
  signal?: AbortSignal;
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

/** Reads and SHA-256-checks the voiceprint files; refuses a missing or altered file. */
export async function readVoiceprintFiles(
  options: SpeakerEmbedderOptions,
): Promise<{ nnet: Uint8Array; mean: Uint8Array; transform: Uint8Array }> {
  const read = options.readAsset ?? fetchBytes;
  const out: Record<string, Uint8Array> = {};
  for (const file of VOICEPRINT_FILES) {
    const asset = options.assets.find((a) => a.name === file.name);
    if (!asset)
      throw new DualrecError('ASSET_NOT_FOUND', {
        detail: `voiceprint: no asset named ${file.name}`,
        context: { name: file.name },
      });
    const bytes = await read(asset.url, options.signal);
    const digest = await sha256Hex(bytes);
    if (digest !== file.sha256)
      throw new DualrecError('ASSET_HASH_MISMATCH', {
        detail: `${asset.url}: SHA-256 ${digest}, expected ${file.sha256}`,
        context: { url: asset.url },
      });
    out[file.name] = bytes;
  }
  return {
    nnet: out.nnet as Uint8Array,
    mean: out.mean as Uint8Array,
    transform: out.transform as Uint8Array,
  };
}

/** A {@link SpeakerEmbedder} around an extractor on the calling thread. */
export function inlineSpeakerEmbedder(extractor: XVectorExtractor): SpeakerEmbedder {
  let closed = false;
  return {
    id: VOICEPRINT_MODEL_ID,
    async embed(pcm16k, signal) {
      if (closed) throw new DualrecError('SPEECH_AUDIO_FAILED', { detail: 'voiceprint: embedder is closed' });
      signal?.throwIfAborted();
      return extractor.embed(pcm16k, 16_000);
    },
    async close() {
      closed = true;
    },
  };
}

/**
 * Loads the voiceprint model from `assets` (checked by SHA-256) and returns an embedder.
 *
 * @example
 * ```ts
 * const embedder = await loadSpeakerEmbedder({ assets: voiceprintAssets('/dualrec-assets') });
 * const a = await embedder.embed(firstSegmentPcm16k);
 * const b = await embedder.embed(answerPcm16k);
 * const score = cosine(a, b);
 * await embedder.close();
 * ```
 */
export async function loadSpeakerEmbedder(options: SpeakerEmbedderOptions): Promise<SpeakerEmbedder> {
  const files = await readVoiceprintFiles(options);
  return inlineSpeakerEmbedder(loadXVectorExtractor(files));
}
