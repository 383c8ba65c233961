/**
 * The session's explicit state machine (as amplify-ui's liveness controller keeps one): a pure
 * reducer over the ordered steps, so every transition the UI can see is listed here and tested in
 * node. The controller (session.ts) performs the work of each step and feeds the outcomes back in.
 *
 *   idle ─start→ running(step 0) ─step-done→ running(step 1) … ─step-done(last)→ complete
 *   running ─step-failed→ failed ─retry→ running(same step)      (when the failure is retryable)
 *   running ─pause→ paused ─resume→ running   (the step under way finishes; the next one waits)
 *   any non-final ─cancel→ cancelled
 */
import type { DualrecErrorCode } from '@dualrec/evidence';

/** The steps in their only possible order; a lender chooses a subset with `steps`. */
export const STEP_ORDER = [
  'support',
  'consent',
  'id-front',
  'id-back',
  'liveness',
  'recording',
  'seal',
  'upload',
] as const;
export type StepName = (typeof STEP_ORDER)[number];

/** Steps the session cannot do without: a bundle needs a check, consent, a recording and a seal. */
export const REQUIRED_STEPS: readonly StepName[] = ['support', 'consent', 'recording', 'seal'];

export type SessionStatus = 'idle' | 'running' | 'paused' | 'failed' | 'cancelled' | 'complete';

export interface StepFailure {
  code: DualrecErrorCode;
  /** Machine-readable detail (never shown as the message; messages come from the code). */
  detail: string;
  /** The applicant may try this step again (a failed liveness attempt, a blurred card). */
  retryable: boolean;
}

export interface SessionState {
  status: SessionStatus;
  steps: readonly StepName[];
  /** Index into `steps` of the current step (−1 before start, `steps.length` once complete). */
  index: number;
  /** Attempts made at the current step (1 on first entry). */
  attempt: number;
  failure: StepFailure | null;
  /** `record-only` when the support check found on-device checks impossible (ML steps skipped). */
  mode: 'full' | 'record-only';
}

export type SessionInput =
  | { type: 'start' }
  | { type: 'step-done' }
  | { type: 'mode'; mode: 'full' | 'record-only' }
  | { type: 'step-failed'; failure: StepFailure }
  | { type: 'retry' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' };

/** Steps that need on-device ML; in `record-only` mode they are skipped (and logged as such). */
export const ML_STEPS: readonly StepName[] = ['liveness'];

export function normalizeSteps(requested: readonly string[] | undefined): StepName[] {
  const wanted = new Set(requested ?? STEP_ORDER);
  for (const name of wanted) {
    if (!(STEP_ORDER as readonly string[]).includes(name)) {
      throw new RangeError(`unknown step "${name}"; steps are ${STEP_ORDER.join(', ')}`);
    }
  }
  for (const name of REQUIRED_STEPS) wanted.add(name);
  if (wanted.has('id-back') && !wanted.has('id-front')) wanted.add('id-front');
  return STEP_ORDER.filter((name) => wanted.has(name));
}

export function initialState(steps: readonly StepName[]): SessionState {
  return { status: 'idle', steps, index: -1, attempt: 0, failure: null, mode: 'full' };
}

export function currentStep(state: SessionState): StepName | null {
  return state.index >= 0 && state.index < state.steps.length ? (state.steps[state.index] ?? null) : null;
}

const FINAL: readonly SessionStatus[] = ['cancelled', 'complete'];

export function isFinal(state: SessionState): boolean {
  return FINAL.includes(state.status);
}

/** Index of the next step to run after `from`, skipping ML steps in record-only mode. */
function nextIndex(state: SessionState, from: number): number {
  let index = from + 1;
  while (
    index < state.steps.length &&
    state.mode === 'record-only' &&
    ML_STEPS.includes(state.steps[index] as StepName)
  )
    index++;
  return index;
}

/** Returns the next state, or the same object when the input does not apply (a no-op, never a throw). */
export function transition(state: SessionState, input: SessionInput): SessionState {
  switch (input.type) {
    case 'start':
      if (state.status !== 'idle') return state;
      return { ...state, status: 'running', index: nextIndex(state, -1), attempt: 1 };
    case 'mode':
      if (state.status !== 'running' || state.mode === input.mode) return state;
      return { ...state, mode: input.mode };
    case 'step-done': {
      // A step may finish after pause() was asked for: it counts, and the session stays paused.
      if (state.status !== 'running' && state.status !== 'paused') return state;
      const index = nextIndex(state, state.index);
      if (index >= state.steps.length) return { ...state, status: 'complete', index, attempt: 0 };
      return { ...state, index, attempt: 1, failure: null };
    }
    case 'step-failed':
      if (state.status !== 'running' && state.status !== 'paused') return state;
      return { ...state, status: 'failed', failure: input.failure };
    case 'retry':
      if (state.status !== 'failed' || !state.failure?.retryable) return state;
      return { ...state, status: 'running', attempt: state.attempt + 1, failure: null };
    case 'pause':
      return state.status === 'running' ? { ...state, status: 'paused' } : state;
    case 'resume':
      return state.status === 'paused' ? { ...state, status: 'running' } : state;
    case 'cancel':
      return isFinal(state) ? state : { ...state, status: 'cancelled' };
  }
}
