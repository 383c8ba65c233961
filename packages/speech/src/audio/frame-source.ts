/**
 * A SpeechAudioSource fed frame by frame: the browser's AudioWorklet host pushes the live
 * microphone's frames into it, and node tests push frames decoded from the fixture wav files, so
 * the listening logic (VAD, end of utterance, what is kept) is one piece of code for both.
 */
import type {
  AudioCapture,
  CapturedAudio,
  ListenHandlers,
  ListenOptions,
  SpeechAudioSource,
} from '../runner/seams.js';
import { resample } from './resample.js';
import { type AudioFrame, EnergyVad, type EnergyVadOptions, type VadFrame } from './vad.js';

/** Longest PCM kept for one window (a read-aloud is capped well below this). */
const MAX_PCM_SECONDS = 120;

class Window implements AudioCapture {
  readonly frames: VadFrame[] = [];
  private readonly pcm: Float32Array[] = [];
  private pcmLength = 0;
  private inUtterance = false;
  private silenceMs = 0;
  private endT: number | null = null;
  private skippingLeading: boolean;
  /** Frames left out because an utterance was under way when listening started. */
  skippedMs = 0;
  closed = false;

  constructor(
    private readonly source: FrameAudioSource,
    private readonly handlers: ListenHandlers,
    private readonly options: ListenOptions,
    readonly startT: number,
    speakingAtStart: boolean,
  ) {
    this.skippingLeading = (options.ignoreLeadingSpeech ?? false) && speakingAtStart;
  }

  push(frame: VadFrame, pcm: Float32Array | undefined, sampleRate: number): void {
    if (this.closed) return;
    if (this.skippingLeading) {
      if (frame.speech) {
        this.skippedMs += frame.durationMs;
        return;
      }
      this.skippingLeading = false;
    }
    this.frames.push(frame);
    if (this.options.keepPcm && pcm && this.pcmLength < MAX_PCM_SECONDS * sampleRate) {
      this.pcm.push(pcm);
      this.pcmLength += pcm.length;
    }
    if (frame.speech) {
      this.silenceMs = 0;
      if (!this.inUtterance) {
        this.inUtterance = true;
        this.handlers.onSpeechStart(frame.t);
      }
    } else if (this.inUtterance) {
      this.silenceMs += frame.durationMs;
      if (this.silenceMs >= this.options.endSilenceMs) {
        this.inUtterance = false;
        this.handlers.onSpeechEnd(frame.t + frame.durationMs);
      }
    }
  }

  async stop(): Promise<CapturedAudio> {
    this.closed = true;
    this.source.detach(this);
    const last = this.frames.at(-1);
    this.endT = last ? last.t + last.durationMs : this.startT;
    let pcm16k: Float32Array | null = null;
    if (this.options.keepPcm && this.pcmLength > 0) {
      const joined = new Float32Array(this.pcmLength);
      let offset = 0;
      for (const chunk of this.pcm) {
        joined.set(chunk, offset);
        offset += chunk.length;
      }
      pcm16k = resample(joined, this.source.sampleRate, 16_000);
    }
    return { startT: this.startT, endT: this.endT, frames: this.frames, pcm16k };
  }

  cancel(): void {
    this.closed = true;
    this.source.detach(this);
  }
}

export class FrameAudioSource implements SpeechAudioSource {
  private readonly vad: EnergyVad;
  private window: Window | null = null;
  private lastT = 0;
  /** The most recent frame, for a level meter. */
  latest: VadFrame | null = null;

  constructor(
    readonly sampleRate: number,
    vadOptions: EnergyVadOptions = {},
  ) {
    this.vad = new EnergyVad(vadOptions);
  }

  /** Feeds one frame (and optionally its samples at `sampleRate`). Frames arrive in time order. */
  push(frame: AudioFrame, pcm?: Float32Array): VadFrame {
    const judged = this.vad.push(frame);
    this.latest = judged;
    this.lastT = frame.t + frame.durationMs;
    this.window?.push(judged, pcm, this.sampleRate);
    return judged;
  }

  listen(handlers: ListenHandlers, options: ListenOptions): AudioCapture {
    this.window?.cancel();
    const window = new Window(this, handlers, options, this.lastT, this.vad.speaking);
    this.window = window;
    return window;
  }

  /** @internal */
  detach(window: Window): void {
    if (this.window === window) this.window = null;
  }

  get listening(): boolean {
    return this.window !== null;
  }
}
