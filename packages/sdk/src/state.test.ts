import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currentStep,
  initialState,
  isFinal,
  normalizeSteps,
  type SessionInput,
  type SessionState,
  STEP_ORDER,
  transition,
} from './state.js';

const failure = (retryable: boolean) => ({ code: 'SESSION_STEP_FAILED' as const, detail: 'x', retryable });

function run(state: SessionState, inputs: SessionInput[]): SessionState {
  return inputs.reduce(transition, state);
}

describe('normalizeSteps', () => {
  it('keeps the fixed order and always includes the required steps', () => {
    expect(normalizeSteps(['upload', 'liveness'])).toEqual([
      'support',
      'consent',
      'liveness',
      'recording',
      'seal',
      'upload',
    ]);
    expect(normalizeSteps(undefined)).toEqual([...STEP_ORDER]);
  });
  it('adds the front of the ID card when only the back is asked for', () => {
    expect(normalizeSteps(['id-back'])).toContain('id-front');
  });
  it('rejects unknown steps', () => {
    expect(() => normalizeSteps(['selfie'])).toThrow(/unknown step "selfie"/);
  });
});

describe('transition', () => {
  const steps = normalizeSteps(['id-front', 'liveness', 'upload']);

  it('walks every step in order to complete', () => {
    let state = transition(initialState(steps), { type: 'start' });
    const seen: string[] = [];
    while (state.status === 'running') {
      seen.push(currentStep(state) as string);
      state = transition(state, { type: 'step-done' });
    }
    expect(seen).toEqual(steps);
    expect(state.status).toBe('complete');
    expect(currentStep(state)).toBeNull();
  });

  it('skips the ML steps in record-only mode', () => {
    const state = run(initialState(steps), [
      { type: 'start' },
      { type: 'mode', mode: 'record-only' },
      { type: 'step-done' }, // support
      { type: 'step-done' }, // consent
      { type: 'step-done' }, // id-front
    ]);
    expect(currentStep(state)).toBe('recording');
  });

  it('retries a retryable failure at the same step and counts attempts', () => {
    const failed = run(initialState(steps), [
      { type: 'start' },
      { type: 'step-done' },
      { type: 'step-failed', failure: failure(true) },
    ]);
    expect(failed.status).toBe('failed');
    const retried = transition(failed, { type: 'retry' });
    expect(retried).toMatchObject({ status: 'running', attempt: 2, failure: null });
    expect(currentStep(retried)).toBe('consent');
  });

  it('does not retry a failure that is not retryable', () => {
    const failed = run(initialState(steps), [
      { type: 'start' },
      { type: 'step-failed', failure: failure(false) },
    ]);
    expect(transition(failed, { type: 'retry' })).toBe(failed);
  });

  it('pauses at a step boundary and resumes', () => {
    const paused = run(initialState(steps), [{ type: 'start' }, { type: 'step-done' }, { type: 'pause' }]);
    expect(paused.status).toBe('paused');
    expect(currentStep(paused)).toBe('consent');
    // The step under way finishes while paused: it counts, and the next step waits for resume.
    const finished = transition(paused, { type: 'step-done' });
    expect(finished).toMatchObject({ status: 'paused' });
    expect(currentStep(finished)).toBe('id-front');
    const resumed = transition(finished, { type: 'resume' });
    expect(resumed.status).toBe('running');
    expect(currentStep(resumed)).toBe('id-front');
  });

  it('has no way out of cancelled or complete (property)', () => {
    const input = fc.constantFrom<SessionInput>(
      { type: 'start' },
      { type: 'step-done' },
      { type: 'mode', mode: 'record-only' },
      { type: 'step-failed', failure: failure(true) },
      { type: 'retry' },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'cancel' },
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 40 }), (inputs) => {
        let state = initialState(steps);
        for (const next of inputs) {
          const before = state;
          state = transition(state, next);
          if (isFinal(before)) expect(state).toBe(before);
          // The index only moves forward, and only while running.
          expect(state.index).toBeGreaterThanOrEqual(before.index);
          if (state.index !== before.index) expect(['running', 'idle', 'paused']).toContain(before.status);
        }
      }),
    );
  });
});
