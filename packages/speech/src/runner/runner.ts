/**
 * Interprets the state machine (machine.ts) against real seams: speaks prompts, opens listening
 * windows on the audio source, runs timers on the injected clock, measures each attempt (VAD
 * summary, lip sync, optional recogniser), and sends events to the sink. Exposes a view for the
 * teleprompter UI and the applicant's actions (done speaking, tap confirm / refuse).
 */
import { DualrecError } from '@dualrec/evidence';
import type { AsrAdapter } from '../asr/types.js';
import { summarizeSpeech } from '../audio/vad.js';
import type { SpeechEventSink } from '../events.js';
import type { MouthSource } from '../lipsync/collector.js';
import { type LipSyncOptions, lipSyncScore } from '../lipsync/lipsync.js';
import { fingerprintScript, type RenderedScript, type RenderedSegment } from '../script/render.js';
import type { VoiceAnalyser } from '../vad/silero.js';
import { type AttemptVerdict, type JudgeThresholds, judgeAttempt } from './judge.js';
import {
  currentSegment,
  type Effect,
  type FlowOutcome,
  initialState,
  type MachineConfig,
  type Phase,
  type PromptResult,
  type RunnerInput,
  type RunnerState,
  step,
  type TimerName,
} from './machine.js';
import {
  type AudioCapture,
  type Clock,
  type Prompter,
  performanceClock,
  type SpeechAudioSource,
} from './seams.js';

export interface ScriptRunnerOptions {
  script: RenderedScript;
  prompter: Prompter;
  audio: SpeechAudioSource;
  sink: SpeechEventSink;
  clock?: Clock;
  /** Mouth openness for lip sync (e.g. a MouthCollector fed with the face analyzer's jawOpen). */
  mouth?: MouthSource;
  /** An on-device recogniser; used for the segments whose kind and language it supports. */
  recogniser?: AsrAdapter;
  /** A model VAD (SileroVad) run on each window's PCM; it then decides whether there was speech. */
  voiceAnalyser?: VoiceAnalyser;
  /** Slower speech (rate 0.8), longer silences and reading times. */
  elderMode?: boolean;
  silenceTimeoutMs?: number;
  endSilenceMs?: number;
  tapTimeoutMs?: number;
  thresholds?: Partial<JudgeThresholds>;
  lipSync?: LipSyncOptions;
}

export interface RunnerView {
  phase: Phase;
  segmentIndex: number;
  segmentCount: number;
  /** The segment on screen (null before start and after the end). */
  segment: RenderedSegment | null;
  attempt: number;
  /** Share of segments done, 0–1, for the progress bar. */
  progress: number;
  /** True while the applicant should speak (show the live level meter). */
  listening: boolean;
  heardSpeech: boolean;
  /** Clock time the applicant started speaking in this window (for the reading highlight), or null. */
  speechStartedAt: number | null;
  /** Show the confirm / refuse buttons. */
  awaitingTap: boolean;
  /** How the last prompt was delivered (the UI says "read the text" when it was text-only). */
  promptMode: PromptResult['mode'] | null;
  /** Why the last attempt failed, for the hint under the text. */
  lastReasons: string[];
  outcome: FlowOutcome | null;
}

/**
 * How many characters of a read-aloud text to highlight `now`, assuming the applicant reads at the
 * expected pace from when they started: a teleprompter cue, not a measurement (nothing is judged on it).
 */
export function readingHighlight(
  view: RunnerView,
  now: number,
  options: { elderMode?: boolean } = {},
): number {
  const segment = view.segment;
  if (segment?.kind !== 'read-aloud' || view.speechStartedAt === null || !view.listening) return 0;
  const expected = segment.expectedReadingMs * (options.elderMode ? 1.5 : 1);
  const share = expected > 0 ? Math.min(1, Math.max(0, (now - view.speechStartedAt) / expected)) : 1;
  return Math.round(share * Array.from(segment.text).length);
}

export interface FlowResult {
  outcome: FlowOutcome;
  reasons: string[];
  sha256: string;
}

export class ScriptRunner {
  private readonly options: ScriptRunnerOptions;
  private readonly clock: Clock;
  private config: MachineConfig | null = null;
  private state: RunnerState = initialState;
  private readonly timers = new Map<TimerName, unknown>();
  private capture: AudioCapture | null = null;
  private readonly speechAbort = new Set<AbortController>();
  private readonly listeners = new Set<(view: RunnerView) => void>();
  private resolveRun: ((result: FlowResult) => void) | null = null;
  private started = false;
  private closed = false;
  private speaking = false;
  private sha256 = '';
  private abortListener: (() => void) | null = null;
  private signal: AbortSignal | undefined;

  constructor(options: ScriptRunnerOptions) {
    this.options = options;
    this.clock = options.clock ?? performanceClock;
  }

  /** Walks the script to its end. Resolves with the outcome (never rejects for a failed or refused flow). */
  async run(signal?: AbortSignal): Promise<FlowResult> {
    if (this.started)
      throw new DualrecError('BAD_USAGE', { detail: 'A ScriptRunner runs once; create another.' });
    if (this.closed) throw new DualrecError('BAD_USAGE', { detail: 'The ScriptRunner is closed.' });
    this.started = true;
    signal?.throwIfAborted();
    const elder = this.options.elderMode ?? false;
    const { sha256 } = await fingerprintScript(this.options.script);
    this.sha256 = sha256;
    // Closed or aborted while the fingerprint was being computed: nothing was shown or recorded.
    if (this.closed || signal?.aborted)
      return { outcome: 'aborted', reasons: [this.closed ? 'closed' : 'aborted'], sha256 };
    this.config = {
      script: this.options.script,
      sha256,
      elderMode: elder,
      silenceTimeoutMs: this.options.silenceTimeoutMs ?? (elder ? 9000 : 6000),
      tapTimeoutMs: this.options.tapTimeoutMs ?? 60_000,
    };
    const done = new Promise<FlowResult>((resolve) => {
      this.resolveRun = resolve;
    });
    if (signal) {
      this.signal = signal;
      this.abortListener = () => this.dispatch({ type: 'abort', now: this.clock.now(), reason: 'aborted' });
      signal.addEventListener('abort', this.abortListener, { once: true });
    }
    this.dispatch({ type: 'start', now: this.clock.now() });
    return done;
  }

  get view(): RunnerView {
    const config = this.config;
    const segment = config && this.state.phase !== 'finished' ? currentSegment(this.state, config) : null;
    const count = this.options.script.segments.length;
    return {
      phase: this.state.phase,
      segmentIndex: this.state.index,
      segmentCount: count,
      segment,
      attempt: this.state.attempt,
      progress: this.state.phase === 'finished' ? 1 : count === 0 ? 0 : this.state.index / count,
      listening: this.state.phase === 'listening',
      heardSpeech: this.state.heardSpeech,
      speechStartedAt: this.state.speechStartedAt,
      awaitingTap: this.state.phase === 'awaiting-tap',
      promptMode: this.state.lastPrompt?.mode ?? null,
      lastReasons: this.state.lastVerdict?.reasons ?? [],
      outcome: this.state.outcome,
    };
  }

  /** Calls `listener` on every change of the view (and once now). Returns the unsubscribe function. */
  subscribe(listener: (view: RunnerView) => void): () => void {
    this.listeners.add(listener);
    listener(this.view);
    return () => this.listeners.delete(listener);
  }

  /** The applicant tapped "读完了 / Done". */
  finishSpeaking(): void {
    this.dispatch({ type: 'user-done', now: this.clock.now() });
  }

  /** The applicant tapped confirm (only while `awaitingTap`) or refuse (any time during a question). */
  tap(choice: 'accept' | 'reject'): void {
    this.dispatch({ type: 'tap', now: this.clock.now(), choice });
  }

  /** Stops everything (speech, microphone window, timers). The run resolves as `aborted` if it was going. */
  close(): void {
    if (this.closed) return;
    if (this.state.phase !== 'finished' && this.started && this.config)
      this.dispatch({ type: 'abort', now: this.clock.now(), reason: 'closed' });
    this.closed = true;
    this.clearTimers();
    this.cancelSpeech();
    this.capture?.cancel();
    this.capture = null;
    if (this.signal && this.abortListener) this.signal.removeEventListener('abort', this.abortListener);
    this.listeners.clear();
  }

  /** Timers and open resources, for leak checks in tests. */
  get activeResources(): { timers: number; listening: boolean; speaking: boolean } {
    return {
      timers: this.timers.size,
      listening: this.capture !== null,
      speaking: this.speechAbort.size > 0,
    };
  }

  private dispatch(input: RunnerInput): void {
    if (!this.config || this.closed) return;
    const { state, effects } = step(this.state, input, this.config);
    const changed = state !== this.state;
    this.state = state;
    for (const effect of effects) this.perform(effect);
    if (changed) for (const listener of this.listeners) listener(this.view);
  }

  private perform(effect: Effect): void {
    switch (effect.type) {
      case 'emit':
        this.options.sink.emit(effect.event);
        return;
      case 'speak':
        this.speak(effect);
        return;
      case 'cancel-speech':
        this.cancelSpeech();
        return;
      case 'set-timer': {
        const old = this.timers.get(effect.name);
        if (old !== undefined) this.clock.clearTimeout(old);
        const handle = this.clock.setTimeout(() => {
          if (this.timers.get(effect.name) !== handle) return;
          this.timers.delete(effect.name);
          this.dispatch({ type: 'timer', now: this.clock.now(), name: effect.name });
        }, effect.ms);
        this.timers.set(effect.name, handle);
        return;
      }
      case 'clear-timers':
        this.clearTimers();
        return;
      case 'start-listening': {
        this.capture?.cancel();
        const elder = this.config?.elderMode ?? false;
        const segment = this.config ? currentSegment(this.state, this.config) : null;
        this.capture = this.options.audio.listen(
          {
            onSpeechStart: (t) => this.dispatch({ type: 'speech-start', now: t }),
            onSpeechEnd: (t) => this.dispatch({ type: 'speech-end', now: t }),
          },
          {
            endSilenceMs: this.options.endSilenceMs ?? (elder ? 2000 : 1200),
            keepPcm: segment
              ? this.recogniserFor(segment) !== null || this.options.voiceAnalyser !== undefined
              : false,
            ignoreLeadingSpeech: segment?.kind === 'question',
          },
        );
        return;
      }
      case 'stop-listening': {
        const capture = this.capture;
        this.capture = null;
        if (!capture) return;
        if (!effect.evaluate) {
          capture.cancel();
          return;
        }
        void this.evaluate(capture, effect.attempt);
        return;
      }
      case 'finish':
        this.clearTimers();
        this.resolveRun?.({ outcome: effect.outcome, reasons: effect.reasons, sha256: this.sha256 });
        this.resolveRun = null;
        return;
    }
  }

  private recogniserFor(segment: RenderedSegment): AsrAdapter | null {
    const r = this.options.recogniser;
    if (!r || segment.kind === 'prompt') return null;
    return r.languages.includes(segment.language) && r.kinds.includes(segment.kind) ? r : null;
  }

  private async evaluate(capture: AudioCapture, attempt: number): Promise<void> {
    const segment = this.config ? currentSegment(this.state, this.config) : null;
    if (!segment) return;
    let verdict: AttemptVerdict;
    try {
      const audio = await capture.stop();
      const speech = summarizeSpeech(audio.frames, audio.startT);
      const mouth = this.options.mouth;
      const lipSync = mouth
        ? lipSyncScore(
            mouth.samplesBetween(audio.startT, audio.endT),
            audio.frames.map((f) => ({ t: f.t, rms: f.rms })),
            this.options.lipSync,
          )
        : null;
      let voice: Parameters<typeof judgeAttempt>[0]['voice'] = null;
      const analyser = this.options.voiceAnalyser;
      if (analyser && audio.pcm16k) {
        try {
          voice = await analyser.analyse(audio.pcm16k);
        } catch (error) {
          voice = { analyser: analyser.id, error: error instanceof Error ? error.message : String(error) };
        }
      }
      const heard = voice && !('error' in voice) ? voice.onsetMs !== null : speech.onsetMs !== null;
      const recogniser = this.recogniserFor(segment);
      let asr: Parameters<typeof judgeAttempt>[0]['asr'] = null;
      if (recogniser && audio.pcm16k && heard) {
        try {
          const result = await recogniser.recognize({
            pcm: audio.pcm16k,
            language: segment.language,
            expected:
              segment.kind === 'read-aloud'
                ? { kind: 'read-aloud', text: segment.text }
                : { kind: 'question', accept: segment.accept ?? [], reject: segment.reject ?? [] },
          });
          asr = { adapterId: recogniser.id, result };
        } catch (error) {
          asr = { adapterId: recogniser.id, error: error instanceof Error ? error.message : String(error) };
        }
      }
      verdict = judgeAttempt({ segment, speech, lipSync, asr, voice, thresholds: this.options.thresholds });
    } catch (error) {
      // A broken audio pipeline must not pass silently: the attempt fails as "no speech" with the cause logged.
      verdict = judgeAttempt({
        segment,
        speech: summarizeSpeech([]),
        lipSync: null,
        asr: null,
        thresholds: this.options.thresholds,
      });
      verdict.details.audioError = error instanceof Error ? error.message : String(error);
    }
    this.dispatch({ type: 'evaluated', now: this.clock.now(), attempt, verdict });
  }

  private speak(effect: Extract<Effect, { type: 'speak' }>): void {
    const controller = new AbortController();
    this.speechAbort.add(controller);
    this.speaking = true;
    const rate = this.options.elderMode ? 0.8 : 1;
    const phase = this.state.phase;
    const index = this.state.index;
    this.options.prompter
      .speak({
        text: effect.text,
        language: effect.language,
        audioUrl: effect.audioUrl,
        rate,
        signal: controller.signal,
      })
      .catch(
        (error: unknown): PromptResult => ({
          mode: 'text-only',
          completed: false,
          voice: null,
          rate,
          reason: error instanceof Error ? error.message : String(error),
        }),
      )
      .then((result) => {
        this.speechAbort.delete(controller);
        this.speaking = this.speechAbort.size > 0;
        // A prompt cancelled by abort or by a later transition must not advance the new state.
        if (controller.signal.aborted || this.state.phase !== phase || this.state.index !== index) return;
        this.dispatch({ type: 'prompt-done', now: this.clock.now(), result });
      });
  }

  private cancelSpeech(): void {
    for (const controller of this.speechAbort) controller.abort();
    this.speechAbort.clear();
    this.speaking = false;
    this.options.prompter.cancel();
  }

  private clearTimers(): void {
    for (const handle of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
  }

  /** True while a prompt is being spoken. */
  get isSpeaking(): boolean {
    return this.speaking;
  }
}
