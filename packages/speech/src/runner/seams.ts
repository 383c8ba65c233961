/** The runner's edges: time, voice, microphone. Browser implementations live in ../browser. */
import type { VadFrame } from '../audio/vad.js';
import type { SpeechLanguage } from '../text/numbers.js';
import type { PromptResult } from './machine.js';

export interface Clock {
  /** Monotonic milliseconds (performance.now() in the browser). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const performanceClock: Clock = {
  now: () => globalThis.performance.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PromptRequest {
  text: string;
  language: SpeechLanguage;
  /** Pre-recorded audio for this text, if the script or the lender's server made one. */
  audioUrl: string | null;
  /** Speech rate (1 normal; elder mode slower). */
  rate: number;
  signal: AbortSignal;
}

/** Speaks (or shows) a prompt; resolves when it is done. Must not reject: failures resolve with `completed: false`. */
export interface Prompter {
  speak(request: PromptRequest): Promise<PromptResult>;
  /** Stops anything playing now. */
  cancel(): void;
  close(): void;
}

/** The audio of one listening window. */
export interface CapturedAudio {
  /** Clock time listening started and stopped. */
  startT: number;
  endT: number;
  /** Every analysis frame with its VAD decision, on the runner's clock. */
  frames: VadFrame[];
  /** Mono PCM at 16 kHz for a recogniser, or null when none was kept. */
  pcm16k: Float32Array | null;
}

export interface ListenHandlers {
  onSpeechStart(t: number): void;
  /** Fires once speech was followed by `endSilenceMs` of silence. */
  onSpeechEnd(t: number): void;
}

export interface ListenOptions {
  /** Trailing silence that ends an utterance (default 1200 ms; elder mode 2000 ms). */
  endSilenceMs: number;
  /** Keep 16 kHz PCM for a recogniser. */
  keepPcm: boolean;
  /**
   * Leave out an utterance already under way when listening starts (the applicant talking over
   * the question): only what starts after the question counts. A clipped "no" was heard as
   * "i do" in testing, so a clipped answer must never be recognised.
   */
  ignoreLeadingSpeech?: boolean;
}

export interface AudioCapture {
  stop(): Promise<CapturedAudio>;
  /** Stops without analysis (abort). */
  cancel(): void;
}

export interface SpeechAudioSource {
  listen(handlers: ListenHandlers, options: ListenOptions): AudioCapture;
}
