/**
 * The contract for an on-device speech recogniser the lender self-hosts (docs in the package
 * README, "ASR adapters"). The SDK never sends audio off the device: an adapter loads its model
 * from the lender's origin, checks every file's SHA-256, and recognises 16 kHz mono PCM.
 */
import type { SpeechLanguage } from '../text/numbers.js';

/** One model or runtime file: where the lender serves it and the SHA-256 it must have. */
export interface AsrAsset {
  /** The adapter's name for the file (e.g. "mdef", "model.onnx"). */
  name: string;
  url: string;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface AsrInitOptions {
  assets: readonly AsrAsset[];
  signal?: AbortSignal;
}

export interface AsrWord {
  text: string;
  /** From the start of the PCM, ms. */
  startMs: number;
  endMs: number;
  /** 0–1 where the recogniser gives one. */
  confidence?: number;
}

export interface AsrRequest {
  /** Mono PCM at 16 kHz, −1…1. */
  pcm: Float32Array;
  language: SpeechLanguage;
  /** What is expected: the read-aloud text, or the question's accepted and rejected phrases. */
  expected:
    | { kind: 'read-aloud'; text: string }
    | { kind: 'question'; accept: readonly string[]; reject: readonly string[] };
  signal?: AbortSignal;
}

export interface AsrResult {
  text: string;
  words: AsrWord[];
  /**
   * True when a closed grammar matched only its garbage (out-of-grammar) branch. A closed grammar
   * always returns *something*; this says the something was not one of the expected phrases.
   */
  garbage: boolean;
}

export interface AsrAdapter {
  /** Stable id recorded in the evidence (e.g. "soundswallower-en-us-answers/0.6.3"). */
  readonly id: string;
  readonly languages: readonly SpeechLanguage[];
  /** Which segment kinds it can check: a yes/no grammar cannot score a free read-aloud. */
  readonly kinds: ReadonlyArray<'read-aloud' | 'question'>;
  init(options: AsrInitOptions): Promise<void>;
  recognize(request: AsrRequest): Promise<AsrResult>;
  close(): Promise<void>;
}
