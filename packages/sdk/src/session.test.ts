/**
 * The controller with controlled steps (the `stepRunners` seam): event order, applicant actions,
 * retry, cancel, pause at a step boundary, AbortSignal, and release of what the steps opened.
 */
import type { Camera } from '@dualrec/capture';
import { DualrecError, EvidenceLog } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';
import type { SessionEventMap, SessionEventType } from './events.js';
import type { SessionOptions } from './options.js';
import { createSession, type DualrecSession } from './session.js';
import type { StepName } from './state.js';
import type { StepContext, StepRunner } from './step.js';

const passes: StepRunner = async () => ({ status: 'passed', summary: {} });

function options(
  runners: Partial<Record<StepName, StepRunner>>,
  extra: Partial<SessionOptions> = {},
): SessionOptions {
  const all: Record<StepName, StepRunner> = {
    support: passes,
    consent: passes,
    'id-front': passes,
    'id-back': passes,
    liveness: passes,
    recording: passes,
    seal: passes,
    upload: passes,
  };
  return {
    ticketUrl: '/v1/tickets',
    uploadUrl: '/v1/uploads/',
    assetsBase: '/dualrec-assets',
    script: {},
    terms: {},
    applicationRef: 'APP-1',
    lender: { name: 'L', retention: '5 years' },
    steps: ['liveness', 'upload'],
    stepRunners: { ...all, ...runners },
    ...extra,
  };
}

function record(session: DualrecSession) {
  const seen: { type: SessionEventType; event: unknown }[] = [];
  for (const type of ['state', 'step', 'progress', 'feedback', 'view', 'error', 'complete'] as const) {
    session.on(type, (event) => seen.push({ type, event }));
  }
  return {
    seen,
    of<K extends SessionEventType>(type: K): SessionEventMap[K][] {
      return seen.filter((s) => s.type === type).map((s) => s.event as SessionEventMap[K]);
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('DualrecSession', () => {
  it('runs the planned steps in order and completes', async () => {
    const session = createSession(options({}));
    const events = record(session);
    await session.start();
    expect(events.of('step').map((e) => e.step)).toEqual([
      'support',
      'consent',
      'liveness',
      'recording',
      'seal',
      'upload',
    ]);
    expect(session.state.status).toBe('complete');
    expect(events.of('complete')).toHaveLength(1);
  });

  it('rejects bad options with BAD_USAGE before anything starts', () => {
    const bad = [
      { ticketUrl: undefined },
      { assetsBase: undefined as unknown as string },
      { applicationRef: '' },
      { steps: ['selfie'] },
      { uploadUrl: undefined },
      { locale: 'fr' as 'en' },
    ];
    for (const extra of bad) {
      expect(() => createSession(options({}, extra)), JSON.stringify(extra)).toThrow(
        expect.objectContaining({ code: 'BAD_USAGE' }),
      );
    }
  });

  it('hands the applicant actions to the step waiting for them and ignores others', async () => {
    let consented: boolean | undefined;
    const session = createSession(
      options({
        consent: async (context) => {
          context.view({
            step: 'consent',
            phase: 'asking',
            lenderName: 'L',
            retention: 'r',
            alternatives: [],
          });
          consented = (await context.waitFor('consent')).accepted;
          return { status: 'passed', summary: {} };
        },
      }),
    );
    const done = session.start();
    await tick();
    expect(session.act({ type: 'card-confirm' })).toBe(false);
    expect(session.view?.step).toBe('consent');
    expect(session.act({ type: 'consent', accepted: true })).toBe(true);
    await done;
    expect(consented).toBe(true);
  });

  it('reports a retryable failure, then retries the same step', async () => {
    let attempts = 0;
    const session = createSession(
      options({
        liveness: async (context: StepContext) => {
          attempts++;
          if (context.attempt === 1)
            throw new DualrecError('SESSION_STEP_FAILED', { detail: 'blink not seen' });
          return { status: 'passed', summary: {} };
        },
      }),
    );
    const events = record(session);
    await session.start();
    expect(session.state).toMatchObject({
      status: 'failed',
      failure: { code: 'SESSION_STEP_FAILED', retryable: true },
    });
    expect(events.of('error')[0]).toMatchObject({
      step: 'liveness',
      code: 'SESSION_STEP_FAILED',
      retryable: true,
    });
    expect(events.of('error')[0]?.message).toBe('本步骤未完成，请重试。');
    session.retry();
    await tick();
    await tick();
    expect(attempts).toBe(2);
    expect(session.state.status).toBe('complete');
  });

  it('ends on a failure that cannot be retried (declined consent)', async () => {
    const session = createSession(
      options({
        consent: async () => {
          throw new DualrecError('SESSION_CONSENT_DECLINED');
        },
      }),
    );
    await session.start();
    expect(session.state).toMatchObject({ status: 'failed', failure: { retryable: false } });
    session.retry();
    expect(session.state.status).toBe('failed');
  });

  it('wraps a non-dualrec exception in SESSION_STEP_FAILED', async () => {
    const session = createSession(options({ seal: async () => Promise.reject(new TypeError('boom')) }));
    const events = record(session);
    await session.start();
    expect(events.of('error')[0]).toMatchObject({
      step: 'seal',
      code: 'SESSION_STEP_FAILED',
      retryable: false,
    });
  });

  it('cancel() aborts the waiting step, releases the camera and emits no complete', async () => {
    let stopped = 0;
    let aborted = false;
    const session = createSession(
      options({
        recording: async (context) => {
          // A stand-in with the one method release() uses.
          context.runtime.camera = { stream: {} as MediaStream, close: () => stopped++ } as unknown as Camera;
          context.signal.addEventListener('abort', () => {
            aborted = true;
          });
          await context.waitFor('speech-done');
          return { status: 'passed', summary: {} };
        },
      }),
    );
    const events = record(session);
    const done = session.start();
    for (let i = 0; i < 10 && session.step !== 'recording'; i++) await tick();
    session.cancel();
    await done;
    expect(session.state.status).toBe('cancelled');
    expect(aborted).toBe(true);
    expect(stopped).toBe(1);
    expect(events.of('complete')).toHaveLength(0);
  });

  it('an AbortSignal cancels the session', async () => {
    const abort = new AbortController();
    const session = createSession(
      options(
        {
          consent: async (context) => {
            await context.waitFor('consent');
            return { status: 'passed', summary: {} };
          },
        },
        { signal: abort.signal },
      ),
    );
    const done = session.start();
    await tick();
    abort.abort();
    await done;
    expect(session.state.status).toBe('cancelled');
  });

  it('pause holds at the next step boundary; resume goes on', async () => {
    let release: () => void = () => undefined;
    const session = createSession(
      options({
        consent: () =>
          new Promise((resolve) => {
            release = () => resolve({ status: 'passed', summary: {} });
          }),
      }),
    );
    const steps: string[] = [];
    session.on('step', (e) => steps.push(e.step));
    const done = session.start();
    await tick();
    session.pause();
    release();
    await tick();
    await tick();
    expect(session.state.status).toBe('paused');
    expect(steps).toEqual(['support', 'consent']);
    session.resume();
    await done;
    expect(steps.at(-1)).toBe('upload');
    expect(session.state.status).toBe('complete');
  });

  it('skips liveness in record-only mode and records the fallback in the step summary', async () => {
    const session = createSession(
      options({
        support: async (context) => {
          context.setMode('record-only');
          return { status: 'fallback', summary: { mode: 'record-only' } };
        },
      }),
    );
    const steps: string[] = [];
    session.on('step', (e) => steps.push(e.step));
    await session.start();
    expect(steps).not.toContain('liveness');
    expect(session.state.mode).toBe('record-only');
  });

  it('logs a failed step into the evidence log', async () => {
    const log = new EvidenceLog({ sessionId: 's-1' });
    await log.append('session.start', {});
    const session = createSession(
      options({
        support: async (context) => {
          context.runtime.log = log;
          return { status: 'passed', summary: {} };
        },
        consent: async () => {
          throw new DualrecError('SESSION_STEP_FAILED', { detail: 'x' });
        },
      }),
    );
    await session.start();
    const types = (await log.events()).map((e) => e.type);
    expect(types).toEqual(['session.start', 'session.step.failed']);
    expect((await log.events())[1]?.payload).toMatchObject({
      step: 'consent',
      code: 'SESSION_STEP_FAILED',
      attempt: 1,
    });
  });

  it('a throwing listener does not break the session', async () => {
    const session = createSession(options({}));
    session.on('step', () => {
      throw new Error('integrator bug');
    });
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      await session.start();
      await tick();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(session.state.status).toBe('complete');
  });
});
