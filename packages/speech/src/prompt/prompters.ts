/**
 * Prompt delivery: the browser's speech synthesis, a pre-recorded audio file, or text only.
 * Headless browsers, many Android WebViews and some phones have no voice for zh-CN, so the
 * chain falls back and says why; the runner then keeps the text on screen long enough to read,
 * and the evidence log records the mode of every prompt.
 */
import type { PromptResult } from '../runner/machine.js';
import type { Prompter, PromptRequest } from '../runner/seams.js';

/** Shows text only: resolves at once with mode `text-only` and the reason. */
export class TextOnlyPrompter implements Prompter {
  constructor(private readonly reason = 'speech output disabled') {}
  async speak(request: PromptRequest): Promise<PromptResult> {
    return { mode: 'text-only', completed: true, voice: null, rate: request.rate, reason: this.reason };
  }
  cancel(): void {}
  close(): void {}
}

export interface SpeechSynthesisPrompterOptions {
  /** The page's speechSynthesis (injectable for tests); default globalThis.speechSynthesis. */
  synthesis?: SpeechSynthesis;
  /** Constructor for utterances; default globalThis.SpeechSynthesisUtterance. */
  Utterance?: typeof SpeechSynthesisUtterance;
  /** How long to wait for the voice list to load (default 1000 ms). */
  voicesTimeoutMs?: number;
  /** Prefer local (on-device) voices: a network voice sends the text to a vendor (default true). */
  localOnly?: boolean;
}

/** Chooses the best installed voice for a language, preferring exact tag, then same base language. */
export function pickVoice(
  voices: readonly SpeechSynthesisVoice[],
  language: string,
  localOnly = true,
): SpeechSynthesisVoice | null {
  const usable = voices.filter((v) => !localOnly || v.localService);
  const tag = language.toLowerCase();
  const base = tag.split('-')[0] as string;
  const norm = (l: string) => l.toLowerCase().replace('_', '-');
  return (
    usable.find((v) => norm(v.lang) === tag) ??
    usable.find((v) => norm(v.lang).startsWith(`${base}-`) || norm(v.lang) === base) ??
    null
  );
}

/**
 * Speaks with `speechSynthesis`. Resolves `completed: false` with a reason (never rejects) when
 * there is no voice for the language, on an error event, on abort, or when the watchdog fires
 * (Chrome can stall long utterances without an end event).
 */
export class SpeechSynthesisPrompter implements Prompter {
  private readonly synthesis: SpeechSynthesis | undefined;
  private readonly Utterance: typeof SpeechSynthesisUtterance | undefined;
  private readonly voicesTimeoutMs: number;
  private readonly localOnly: boolean;
  private readonly pending = new Set<() => void>();

  constructor(options: SpeechSynthesisPrompterOptions = {}) {
    this.synthesis = options.synthesis ?? globalThis.speechSynthesis;
    this.Utterance = options.Utterance ?? globalThis.SpeechSynthesisUtterance;
    this.voicesTimeoutMs = options.voicesTimeoutMs ?? 1000;
    this.localOnly = options.localOnly ?? true;
  }

  /** Voices, waiting briefly for Chrome's asynchronous voice list. */
  async voices(signal?: AbortSignal): Promise<SpeechSynthesisVoice[]> {
    const synthesis = this.synthesis;
    if (!synthesis) return [];
    const now = synthesis.getVoices();
    if (now.length > 0) return now;
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        synthesis.removeEventListener('voiceschanged', finish);
        signal?.removeEventListener('abort', finish);
        this.pending.delete(finish);
        resolve(synthesis.getVoices());
      };
      const timer = setTimeout(finish, this.voicesTimeoutMs);
      synthesis.addEventListener('voiceschanged', finish);
      signal?.addEventListener('abort', finish);
      this.pending.add(finish);
    });
  }

  async speak(request: PromptRequest): Promise<PromptResult> {
    const fail = (reason: string, voice: string | null = null): PromptResult => ({
      mode: 'speech-synthesis',
      completed: false,
      voice,
      rate: request.rate,
      reason,
    });
    if (!this.synthesis || !this.Utterance) return fail('speechSynthesis is not available');
    const voice = pickVoice(await this.voices(request.signal), request.language, this.localOnly);
    if (request.signal.aborted) return fail('cancelled');
    if (!voice) return fail(`no ${this.localOnly ? 'on-device ' : ''}voice for ${request.language}`);
    const synthesis = this.synthesis;
    const utterance = new this.Utterance(request.text);
    utterance.lang = voice.lang;
    utterance.voice = voice;
    utterance.rate = request.rate;
    // Watchdog: generous (text at half speed plus 5 s) so a slow voice is never cut off.
    const watchdogMs = (request.text.length / 3 / request.rate) * 1000 * 2 + 5000;
    return new Promise<PromptResult>((resolve) => {
      let settled = false;
      const settle = (result: PromptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        utterance.onend = null;
        utterance.onerror = null;
        request.signal.removeEventListener('abort', onAbort);
        this.pending.delete(onAbort);
        resolve(result);
      };
      const onAbort = () => {
        synthesis.cancel();
        settle(fail('cancelled', voice.name));
      };
      const watchdog = setTimeout(() => {
        synthesis.cancel();
        settle(fail('speech synthesis stalled (watchdog)', voice.name));
      }, watchdogMs);
      utterance.onend = () =>
        settle({
          mode: 'speech-synthesis',
          completed: true,
          voice: voice.name,
          rate: request.rate,
          reason: null,
        });
      utterance.onerror = (event) => settle(fail(`speech synthesis error: ${event.error}`, voice.name));
      request.signal.addEventListener('abort', onAbort, { once: true });
      this.pending.add(onAbort);
      synthesis.speak(utterance);
    });
  }

  cancel(): void {
    this.synthesis?.cancel();
    for (const stop of [...this.pending]) stop();
  }

  close(): void {
    this.cancel();
  }

  /** Open utterances and waits, for leak checks. */
  get pendingCount(): number {
    return this.pending.size;
  }
}

/** Plays a pre-recorded prompt with an <audio> element (same-origin URL under a strict CSP). */
export class AudioUrlPrompter implements Prompter {
  private current: HTMLAudioElement | null = null;
  private stopCurrent: (() => void) | null = null;

  constructor(private readonly createAudio: () => HTMLAudioElement = () => new Audio()) {}

  async speak(request: PromptRequest): Promise<PromptResult> {
    const base = { mode: 'audio-url' as const, voice: null, rate: request.rate };
    if (!request.audioUrl) return { ...base, completed: false, reason: 'no audio URL for this prompt' };
    this.cancel();
    const audio = this.createAudio();
    this.current = audio;
    audio.preload = 'auto';
    audio.playbackRate = request.rate;
    audio.src = request.audioUrl;
    return new Promise<PromptResult>((resolve) => {
      let settled = false;
      const settle = (completed: boolean, reason: string | null) => {
        if (settled) return;
        settled = true;
        audio.onended = null;
        audio.onerror = null;
        request.signal.removeEventListener('abort', onAbort);
        audio.pause();
        audio.removeAttribute('src');
        audio.load();
        if (this.current === audio) {
          this.current = null;
          this.stopCurrent = null;
        }
        resolve({ ...base, completed, reason });
      };
      const onAbort = () => settle(false, 'cancelled');
      this.stopCurrent = onAbort;
      audio.onended = () => settle(true, null);
      audio.onerror = () => settle(false, `audio could not be played: ${request.audioUrl}`);
      request.signal.addEventListener('abort', onAbort, { once: true });
      audio
        .play()
        .catch((error: unknown) =>
          settle(false, `audio play() refused: ${(error as Error)?.message ?? error}`),
        );
    });
  }

  cancel(): void {
    this.stopCurrent?.();
  }

  close(): void {
    this.cancel();
  }

  get playing(): boolean {
    return this.current !== null;
  }
}

/**
 * Tries speech synthesis, then the prompt's audio URL, then text only. The result's `reason`
 * keeps why each earlier mode was not used, so the log says e.g. "no on-device voice for zh-CN;
 * no audio URL for this prompt".
 */
export class FallbackPrompter implements Prompter {
  constructor(
    private readonly synthesis: Prompter | null = new SpeechSynthesisPrompter(),
    private readonly audio: Prompter | null = new AudioUrlPrompter(),
  ) {}

  async speak(request: PromptRequest): Promise<PromptResult> {
    const reasons: string[] = [];
    for (const [kind, prompter] of [
      ['synthesis', this.synthesis],
      ['audio', this.audio],
    ] as const) {
      if (request.signal.aborted) break;
      if (kind === 'audio' && !request.audioUrl) {
        reasons.push('no audio URL for this prompt');
        continue;
      }
      if (!prompter) continue;
      const result = await prompter.speak(request);
      if (result.completed || result.reason === 'cancelled') return result;
      if (result.reason) reasons.push(result.reason);
    }
    return {
      mode: 'text-only',
      completed: true,
      voice: null,
      rate: request.rate,
      reason: reasons.join('; ') || null,
    };
  }

  cancel(): void {
    this.synthesis?.cancel();
    this.audio?.cancel();
  }

  close(): void {
    this.synthesis?.close();
    this.audio?.close();
  }
}
