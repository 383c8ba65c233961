/**
 * The script runner as an explicit state machine: `step(state, input, config)` is pure and
 * returns the next state plus the effects to carry out (speak, listen, timers, events). The
 * interpreter (runner.ts) performs the effects and feeds results back as inputs, so every path
 * through a script, including the failure paths, is tested in node without a browser.
 *
 *   idle ─start─► prompting ─prompt-done─► holding ─hold─► (next segment)            [prompt]
 *                 prompting ─prompt-done─► listening ─speech-end / no-speech /
 *                                   max-duration / user-done─► evaluating ─evaluated─►
 *                     pass ──► next segment        rejected ──► finished(rejected)
 *                     fail ──► reprompting ─prompt-done─► listening (attempt + 1)
 *                     fail, no attempts left ──► awaiting-tap (question) | flagged | finished(failed)
 *                     needs-tap ──► awaiting-tap ─tap accept─► next │ tap reject ─► finished(rejected)
 *   any ─abort─► finished(aborted)        question, any phase ─tap reject─► finished(rejected)
 */
import type { JsonValue } from '@dualrec/evidence';
import type { SpeechEvent } from '../events.js';
import type { RenderedScript, RenderedSegment } from '../script/render.js';
import type { AttemptReason, AttemptVerdict } from './judge.js';
import { repromptText } from './messages.js';

export type Phase =
  | 'idle'
  | 'prompting'
  | 'holding'
  | 'listening'
  | 'evaluating'
  | 'reprompting'
  | 'awaiting-tap'
  | 'finished';

export type FlowOutcome = 'completed' | 'completed-with-flags' | 'rejected' | 'failed' | 'aborted';
export type SegmentOutcome = 'shown' | 'passed' | 'confirmed-by-tap' | 'rejected' | 'failed' | 'flagged';
export type PromptMode = 'speech-synthesis' | 'audio-url' | 'text-only';
export type TimerName = 'hold' | 'no-speech' | 'max-duration' | 'tap-timeout';

export interface PromptResult {
  mode: PromptMode;
  /** False when playback was cut short (error, watchdog); the text stayed on screen. */
  completed: boolean;
  voice: string | null;
  rate: number;
  /** Why the mode was chosen or playback failed (e.g. "no zh-CN voice"). */
  reason: string | null;
}

export type RunnerInput =
  | { type: 'start'; now: number }
  | { type: 'prompt-done'; now: number; result: PromptResult }
  | { type: 'timer'; now: number; name: TimerName }
  | { type: 'speech-start'; now: number }
  | { type: 'speech-end'; now: number }
  | { type: 'user-done'; now: number }
  | { type: 'evaluated'; now: number; attempt: number; verdict: AttemptVerdict }
  | { type: 'tap'; now: number; choice: 'accept' | 'reject' }
  | { type: 'abort'; now: number; reason: string };

export type Effect =
  | {
      type: 'speak';
      segmentId: string;
      purpose: 'segment' | 'instruction' | 'reprompt';
      text: string;
      language: RenderedSegment['language'];
      audioUrl: string | null;
    }
  | { type: 'cancel-speech' }
  | { type: 'start-listening'; segmentId: string; attempt: number }
  | { type: 'stop-listening'; evaluate: boolean; segmentId: string; attempt: number }
  | { type: 'set-timer'; name: TimerName; ms: number }
  | { type: 'clear-timers' }
  | { type: 'emit'; event: SpeechEvent }
  | { type: 'finish'; outcome: FlowOutcome; reasons: string[] };

export interface RunnerState {
  phase: Phase;
  index: number;
  attempt: number;
  segmentStartedAt: number;
  listenStartedAt: number;
  heardSpeech: boolean;
  /** Clock time the current window's first speech started (null before). */
  speechStartedAt: number | null;
  lastPrompt: PromptResult | null;
  lastVerdict: AttemptVerdict | null;
  flagged: string[];
  outcome: FlowOutcome | null;
  reasons: string[];
}

export interface MachineConfig {
  script: RenderedScript;
  /** SHA-256 of the rendered script's canonical JSON (fingerprintScript). */
  sha256: string;
  elderMode: boolean;
  /** Re-prompt when no speech starts within this (default 6 s; 9 s in elder mode). */
  silenceTimeoutMs: number;
  /** How long the tap buttons wait (default 60 s). */
  tapTimeoutMs: number;
}

export const initialState: RunnerState = {
  phase: 'idle',
  index: 0,
  attempt: 0,
  segmentStartedAt: 0,
  listenStartedAt: 0,
  heardSpeech: false,
  speechStartedAt: null,
  lastPrompt: null,
  lastVerdict: null,
  flagged: [],
  outcome: null,
  reasons: [],
};

interface Result {
  state: RunnerState;
  effects: Effect[];
}

const emit = (
  type: SpeechEvent['type'],
  at: number,
  payload: SpeechEvent['payload'],
  sealed?: SpeechEvent['sealed'],
): Effect => ({
  type: 'emit',
  event: sealed ? { type, at, payload, sealed } : { type, at, payload },
});

export function currentSegment(state: RunnerState, config: MachineConfig): RenderedSegment | null {
  return config.script.segments[state.index] ?? null;
}

function finish(
  state: RunnerState,
  now: number,
  outcome: FlowOutcome,
  reasons: string[],
  segmentId: string | null,
): Result {
  return {
    state: { ...state, phase: 'finished', outcome, reasons },
    effects: [
      { type: 'clear-timers' },
      emit('speech.flow.end', now, { outcome, segmentId, reasons }),
      { type: 'finish', outcome, reasons },
    ],
  };
}

function startSegment(state: RunnerState, index: number, now: number, config: MachineConfig): Result {
  const segment = config.script.segments[index];
  if (!segment) {
    const outcome: FlowOutcome = state.flagged.length > 0 ? 'completed-with-flags' : 'completed';
    return finish(
      { ...state, index },
      now,
      outcome,
      state.flagged.map((id) => `flagged:${id}`),
      null,
    );
  }
  const next: RunnerState = {
    ...state,
    phase: 'prompting',
    index,
    attempt: 1,
    segmentStartedAt: now,
    heardSpeech: false,
    lastPrompt: null,
    lastVerdict: null,
  };
  const speakText = segment.kind === 'read-aloud' ? (segment.instruction ?? segment.text) : segment.text;
  return {
    state: next,
    effects: [
      emit('speech.segment.start', now, {
        segmentId: segment.id,
        index,
        kind: segment.kind,
        topic: segment.topic,
        attempt: 1,
      }),
      {
        type: 'speak',
        segmentId: segment.id,
        purpose: segment.kind === 'read-aloud' ? 'instruction' : 'segment',
        text: speakText,
        language: segment.language,
        // A recording of the instruction would not be this text: only prompts and questions use it.
        audioUrl: segment.kind === 'read-aloud' ? null : segment.audioUrl,
      },
    ],
  };
}

function endSegment(
  state: RunnerState,
  now: number,
  config: MachineConfig,
  outcome: SegmentOutcome,
  reasons: string[],
): Result {
  const segment = currentSegment(state, config) as RenderedSegment;
  const v = state.lastVerdict;
  const event = emit(
    'speech.segment',
    now,
    {
      segmentId: segment.id,
      kind: segment.kind,
      outcome,
      attempts: segment.kind === 'prompt' ? 0 : state.attempt,
      contentChecked: v?.contentChecked ?? false,
      reasons,
      speechRatio: v?.speechRatio ?? null,
      lipSync: v?.lipSync ?? null,
      characterErrorRate: v?.characterErrorRate ?? null,
    },
    v?.sealed ? { transcript: v.sealed.transcript as JsonValue } : undefined,
  );
  if (outcome === 'rejected') {
    const done = finish(state, now, 'rejected', ['rejected-by-applicant'], segment.id);
    return { state: done.state, effects: [event, ...done.effects] };
  }
  if (outcome === 'failed') {
    const done = finish(state, now, 'failed', reasons, segment.id);
    return { state: done.state, effects: [event, ...done.effects] };
  }
  const flagged = outcome === 'flagged' ? [...state.flagged, segment.id] : state.flagged;
  const next = startSegment({ ...state, flagged }, state.index + 1, now, config);
  return { state: next.state, effects: [{ type: 'clear-timers' }, event, ...next.effects] };
}

function startListening(
  state: RunnerState,
  now: number,
  config: MachineConfig,
  segment: RenderedSegment,
): Result {
  return {
    state: { ...state, phase: 'listening', listenStartedAt: now, heardSpeech: false, speechStartedAt: null },
    effects: [
      { type: 'start-listening', segmentId: segment.id, attempt: state.attempt },
      { type: 'set-timer', name: 'no-speech', ms: config.silenceTimeoutMs },
      { type: 'set-timer', name: 'max-duration', ms: segment.maxDurationMs },
    ],
  };
}

function evaluate(state: RunnerState, segment: RenderedSegment): Result {
  return {
    state: { ...state, phase: 'evaluating' },
    effects: [
      { type: 'clear-timers' },
      { type: 'stop-listening', evaluate: true, segmentId: segment.id, attempt: state.attempt },
    ],
  };
}

function awaitTap(state: RunnerState, config: MachineConfig): Result {
  return {
    state: { ...state, phase: 'awaiting-tap' },
    effects: [{ type: 'set-timer', name: 'tap-timeout', ms: config.tapTimeoutMs }],
  };
}

export function step(state: RunnerState, input: RunnerInput, config: MachineConfig): Result {
  const unchanged: Result = { state, effects: [] };
  if (state.phase === 'finished') return unchanged;
  const segment = currentSegment(state, config);
  const now = input.now;

  if (input.type === 'abort') {
    const effects: Effect[] = [{ type: 'cancel-speech' }];
    if (segment && (state.phase === 'listening' || state.phase === 'evaluating'))
      effects.push({
        type: 'stop-listening',
        evaluate: false,
        segmentId: segment.id,
        attempt: state.attempt,
      });
    const done = finish(state, now, 'aborted', [input.reason], segment?.id ?? null);
    return { state: done.state, effects: [...effects, ...done.effects] };
  }

  if (state.phase === 'idle') {
    if (input.type !== 'start') return unchanged;
    const s = config.script;
    const started = startSegment(state, 0, now, config);
    return {
      state: started.state,
      effects: [
        emit(
          'speech.script',
          now,
          {
            scriptId: s.scriptId,
            scriptVersion: s.scriptVersion,
            formatVersion: s.formatVersion,
            language: s.language,
            sha256: config.sha256,
            segmentIds: s.segments.map((x) => x.id),
            elderMode: config.elderMode,
          },
          { script: s as unknown as JsonValue },
        ),
        ...started.effects,
      ],
    };
  }
  if (!segment) return unchanged;

  // Refusing is always possible while a question is open, by voice or by the "不同意 / No" button.
  if (input.type === 'tap' && input.choice === 'reject' && segment.kind === 'question') {
    const effects: Effect[] = [{ type: 'cancel-speech' }, { type: 'clear-timers' }];
    if (state.phase === 'listening' || state.phase === 'evaluating')
      effects.push({
        type: 'stop-listening',
        evaluate: false,
        segmentId: segment.id,
        attempt: state.attempt,
      });
    effects.push(emit('speech.tap', now, { segmentId: segment.id, choice: 'reject', phase: state.phase }));
    const ended = endSegment({ ...state, lastVerdict: null }, now, config, 'rejected', ['rejected-by-tap']);
    return { state: ended.state, effects: [...effects, ...ended.effects] };
  }

  switch (state.phase) {
    case 'prompting':
    case 'reprompting': {
      if (input.type !== 'prompt-done') return unchanged;
      const promptEvent = emit('speech.prompt', now, {
        segmentId: segment.id,
        purpose:
          state.phase === 'reprompting'
            ? 'reprompt'
            : segment.kind === 'read-aloud'
              ? 'instruction'
              : 'segment',
        attempt: state.attempt,
        mode: input.result.mode,
        voice: input.result.voice,
        rate: input.result.rate,
        completed: input.result.completed,
        reason: input.result.reason,
        durationMs: Math.round(
          now - (state.phase === 'prompting' ? state.segmentStartedAt : state.listenStartedAt),
        ),
      });
      const prompted = { ...state, lastPrompt: input.result };
      if (segment.kind === 'prompt') {
        // With no voice (or a cut-short one) the text must stay up long enough to be read.
        const readMs =
          input.result.mode === 'text-only' || !input.result.completed
            ? segment.expectedReadingMs * (config.elderMode ? 1.5 : 1)
            : 0;
        const holdMs = Math.max(segment.minDurationMs, readMs) - (now - state.segmentStartedAt);
        if (holdMs > 0) {
          return {
            state: { ...prompted, phase: 'holding' },
            effects: [promptEvent, { type: 'set-timer', name: 'hold', ms: Math.ceil(holdMs) }],
          };
        }
        const ended = endSegment(prompted, now, config, 'shown', []);
        return { state: ended.state, effects: [promptEvent, ...ended.effects] };
      }
      const listening = startListening(prompted, now, config, segment);
      return { state: listening.state, effects: [promptEvent, ...listening.effects] };
    }
    case 'holding':
      if (input.type === 'timer' && input.name === 'hold') return endSegment(state, now, config, 'shown', []);
      return unchanged;
    case 'listening': {
      const elapsed = now - state.listenStartedAt;
      if (input.type === 'speech-start') {
        if (state.heardSpeech) return unchanged;
        return { state: { ...state, heardSpeech: true, speechStartedAt: now }, effects: [] };
      }
      if (input.type === 'speech-end') {
        // A pause mid-text is not the end: a read-aloud must have run for most of its expected time.
        const least =
          segment.kind === 'read-aloud'
            ? Math.max(segment.minDurationMs, 0.6 * segment.expectedReadingMs * (config.elderMode ? 1.5 : 1))
            : segment.minDurationMs;
        if (state.heardSpeech && elapsed >= least) return evaluate(state, segment);
        return unchanged;
      }
      if (input.type === 'timer' && input.name === 'no-speech') {
        if (state.heardSpeech) return unchanged;
        return evaluate(state, segment);
      }
      if ((input.type === 'timer' && input.name === 'max-duration') || input.type === 'user-done')
        return evaluate(state, segment);
      return unchanged;
    }
    case 'evaluating': {
      if (input.type !== 'evaluated' || input.attempt !== state.attempt) return unchanged;
      const v = input.verdict;
      const withVerdict = { ...state, lastVerdict: v };
      const attemptEvent = emit(
        'speech.attempt',
        now,
        {
          segmentId: segment.id,
          attempt: state.attempt,
          verdict: v.verdict,
          reasons: v.reasons,
          contentChecked: v.contentChecked,
          ...v.details,
        },
        v.sealed,
      );
      const then = (r: Result): Result => ({ state: r.state, effects: [attemptEvent, ...r.effects] });
      if (v.verdict === 'pass') return then(endSegment(withVerdict, now, config, 'passed', []));
      if (v.verdict === 'rejected')
        return then(endSegment(withVerdict, now, config, 'rejected', ['rejected-by-voice']));
      if (v.verdict === 'needs-tap') return then(awaitTap(withVerdict, config));
      if (state.attempt < segment.maxAttempts) {
        const reason = v.reasons[0] as AttemptReason | undefined;
        const nextAttempt = state.attempt + 1;
        return then({
          state: { ...withVerdict, phase: 'reprompting', attempt: nextAttempt, listenStartedAt: now },
          effects: [
            emit('speech.reprompt', now, { segmentId: segment.id, nextAttempt, reason: reason ?? null }),
            {
              type: 'speak',
              segmentId: segment.id,
              purpose: 'reprompt',
              text: repromptText(segment, reason),
              language: segment.language,
              audioUrl: null,
            },
          ],
        });
      }
      if (segment.kind === 'question' && segment.tapFallback) return then(awaitTap(withVerdict, config));
      if (segment.kind === 'read-aloud' && config.script.onSegmentFailure === 'continue-flagged')
        return then(endSegment(withVerdict, now, config, 'flagged', v.reasons));
      return then(endSegment(withVerdict, now, config, 'failed', v.reasons));
    }
    case 'awaiting-tap': {
      if (input.type === 'tap' && input.choice === 'accept') {
        const ended = endSegment(state, now, config, 'confirmed-by-tap', state.lastVerdict?.reasons ?? []);
        return {
          state: ended.state,
          effects: [
            emit('speech.tap', now, { segmentId: segment.id, choice: 'accept', phase: state.phase }),
            ...ended.effects,
          ],
        };
      }
      if (input.type === 'timer' && input.name === 'tap-timeout')
        return endSegment(state, now, config, 'failed', ['no-confirmation']);
      return unchanged;
    }
    default:
      return unchanged;
  }
}
