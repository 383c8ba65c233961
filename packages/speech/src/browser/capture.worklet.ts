/**
 * AudioWorklet processor: cuts the microphone into 20 ms frames on the audio thread and posts
 * each frame's RMS and samples to the page. The heavy part (VAD decisions, PCM for a recogniser)
 * stays on the main thread in plain, tested code; the worklet only does what must not miss a
 * sample. Served as its own same-origin file (no blob: URL), so it works under a strict CSP.
 */

// Minimal AudioWorkletGlobalScope declarations (TypeScript's DOM lib has no worklet scope).
declare const sampleRate: number;
declare const currentTime: number;
declare function registerProcessor(name: string, processor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

export interface CaptureFrameMessage {
  /** Context time of the frame's first sample, seconds. */
  time: number;
  rms: number;
  samples: Float32Array;
}

class DualrecCaptureProcessor extends AudioWorkletProcessor {
  private readonly size = Math.round(sampleRate / 50);
  private buffer = new Float32Array(this.size);
  private filled = 0;
  private frameStart = 0;
  private stopped = false;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent) => {
      if ((event.data as { type?: string })?.type === 'stop') {
        this.stopped = true;
        this.port.close();
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const channel = inputs[0]?.[0];
    // No input connected (yet): keep the processor alive, post nothing.
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      if (this.filled === 0) this.frameStart = currentTime + i / sampleRate;
      this.buffer[this.filled++] = channel[i] as number;
      if (this.filled === this.size) {
        let sum = 0;
        for (let j = 0; j < this.size; j++) sum += (this.buffer[j] as number) ** 2;
        const message: CaptureFrameMessage = {
          time: this.frameStart,
          rms: Math.sqrt(sum / this.size),
          samples: this.buffer,
        };
        this.port.postMessage(message, [this.buffer.buffer]);
        this.buffer = new Float32Array(this.size);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('dualrec-capture', DualrecCaptureProcessor);
