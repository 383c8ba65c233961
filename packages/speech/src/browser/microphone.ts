/**
 * The live microphone as a SpeechAudioSource: an AudioContext with the capture worklet, frames
 * timed on the page's performance.now() clock (the same clock the runner and the face analyzer
 * use, so lip sync compares like with like).
 */
import { DualrecError } from '@dualrec/evidence';
import { FrameAudioSource } from '../audio/frame-source.js';
import type { EnergyVadOptions, VadFrame } from '../audio/vad.js';
import type { AudioCapture, ListenHandlers, ListenOptions, SpeechAudioSource } from '../runner/seams.js';
import type { CaptureFrameMessage } from './capture.worklet.js';

export interface MicrophoneOptions {
  /**
   * URL of capture.worklet.js on the page's own origin. The default resolves it next to this
   * module, which Vite and webpack 5 emit as a separate file. The `?no-inline` query stops Vite
   * from inlining the small file as a `data:` URL, which a strict CSP (no `data:` in script-src)
   * refuses to load as a worklet; other servers ignore the query.
   */
  workletUrl?: string | URL;
  vad?: EnergyVadOptions;
  /** Called with every frame (for a level meter). */
  onFrame?: (frame: VadFrame) => void;
  signal?: AbortSignal;
}

export class MicrophoneAudioSource implements SpeechAudioSource {
  private closed = false;

  private constructor(
    private readonly context: AudioContext,
    private readonly node: AudioWorkletNode,
    private readonly input: MediaStreamAudioSourceNode,
    private readonly mute: GainNode,
    readonly frames: FrameAudioSource,
  ) {}

  /** Opens the analysis graph on `stream`'s first audio track. Does not stop the track on close (the recorder owns it). */
  static async open(stream: MediaStream, options: MicrophoneOptions = {}): Promise<MicrophoneAudioSource> {
    options.signal?.throwIfAborted();
    if (stream.getAudioTracks().length === 0)
      throw new DualrecError('SPEECH_AUDIO_FAILED', { detail: 'The stream has no audio track.' });
    if (typeof AudioContext === 'undefined' || typeof AudioWorkletNode === 'undefined')
      throw new DualrecError('SPEECH_AUDIO_FAILED', { detail: 'This browser has no AudioWorklet.' });
    const context = new AudioContext();
    try {
      const url = options.workletUrl ?? new URL('./capture.worklet.js?no-inline', import.meta.url);
      await context.audioWorklet.addModule(url);
      options.signal?.throwIfAborted();
      const node = new AudioWorkletNode(context, 'dualrec-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 1,
      });
      const input = context.createMediaStreamSource(stream);
      // The graph must reach the destination to be pulled; a zero gain keeps it silent.
      const mute = context.createGain();
      mute.gain.value = 0;
      input.connect(node);
      node.connect(mute);
      mute.connect(context.destination);
      if (context.state === 'suspended') await context.resume();
      const source = new MicrophoneAudioSource(
        context,
        node,
        input,
        mute,
        new FrameAudioSource(context.sampleRate, options.vad),
      );
      node.port.onmessage = (event: MessageEvent<CaptureFrameMessage>) =>
        source.onMessage(event.data, options.onFrame);
      return source;
    } catch (cause) {
      await context.close().catch(() => undefined);
      if (cause instanceof DualrecError || options.signal?.aborted) throw cause;
      throw new DualrecError('SPEECH_AUDIO_FAILED', {
        detail: (cause as Error)?.message ?? String(cause),
        cause,
      });
    }
  }

  private onMessage(message: CaptureFrameMessage, onFrame?: (frame: VadFrame) => void): void {
    if (this.closed) return;
    // Context time → performance.now(): the output timestamp pairs the two clocks.
    const stamp = this.context.getOutputTimestamp();
    const offset =
      stamp.performanceTime && stamp.contextTime !== undefined
        ? stamp.performanceTime - stamp.contextTime * 1000
        : performance.now() - this.context.currentTime * 1000;
    const durationMs = (message.samples.length / this.context.sampleRate) * 1000;
    const frame = this.frames.push(
      { t: message.time * 1000 + offset, durationMs, rms: message.rms },
      message.samples,
    );
    onFrame?.(frame);
  }

  listen(handlers: ListenHandlers, options: ListenOptions): AudioCapture {
    if (this.closed) throw new DualrecError('BAD_USAGE', { detail: 'The microphone source is closed.' });
    return this.frames.listen(handlers, options);
  }

  get sampleRate(): number {
    return this.context.sampleRate;
  }

  /** AudioContext state, for leak checks ("closed" after close()). */
  get state(): AudioContextState {
    return this.context.state;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.node.port.postMessage({ type: 'stop' });
    this.node.port.onmessage = null;
    this.node.port.close();
    this.input.disconnect();
    this.node.disconnect();
    this.mute.disconnect();
    await this.context.close();
  }
}
