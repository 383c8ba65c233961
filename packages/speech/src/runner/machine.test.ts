import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderScript } from '../script/render.js';
import type { AttemptVerdict } from './judge.js';
import { type Effect, initialState, type MachineConfig, type RunnerState, step } from './machine.js';
import { type RunnerView, readingHighlight } from './runner.js';

const zh = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../scripts-examples/consumer-loan.zh-CN.json'), 'utf8'),
);
const rendered = renderScript(zh, {
  lenderName: '示例',
  amount: '10000',
  apr: '18',
  termMonths: 12,
  installments: 12,
  monthlyPayment: '916.80',
  firstDueDate: '2026-12-15',
  totalInterest: '1001.60',
  totalFees: '0',
  totalCost: '1001.60',
  coolingOffDays: 7,
});
const config: MachineConfig = {
  script: {
    ...rendered,
    segments: rendered.segments.filter((s) => ['disclosure', 'confirm-terms'].includes(s.id)),
  },
  sha256: 'a'.repeat(64),
  elderMode: false,
  silenceTimeoutMs: 6000,
  tapTimeoutMs: 60000,
};
const verdict = (v: AttemptVerdict['verdict'], reasons: AttemptVerdict['reasons'] = []): AttemptVerdict => ({
  verdict: v,
  reasons,
  contentChecked: false,
  details: {},
  speechRatio: 0.9,
  lipSync: null,
  characterErrorRate: null,
});
const kinds = (effects: Effect[]) =>
  effects.map((e) => (e.type === 'emit' ? `emit:${e.event.type}` : e.type));
const textOnly = { mode: 'text-only' as const, completed: true, voice: null, rate: 1, reason: null };

function listeningOnDisclosure(): RunnerState {
  let s = step(initialState, { type: 'start', now: 0 }, config).state;
  s = step(s, { type: 'prompt-done', now: 10, result: textOnly }, config).state;
  expect(s.phase).toBe('listening');
  return s;
}

describe('step (pure runner state machine)', () => {
  it('start → script event, segment start, speak the instruction; prompt done → listen with two timers', () => {
    const start = step(initialState, { type: 'start', now: 0 }, config);
    expect(kinds(start.effects)).toEqual(['emit:speech.script', 'emit:speech.segment.start', 'speak']);
    const listen = step(start.state, { type: 'prompt-done', now: 10, result: textOnly }, config);
    expect(kinds(listen.effects)).toEqual([
      'emit:speech.prompt',
      'start-listening',
      'set-timer',
      'set-timer',
    ]);
    expect(listen.effects.filter((e) => e.type === 'set-timer')).toEqual([
      { type: 'set-timer', name: 'no-speech', ms: 6000 },
      { type: 'set-timer', name: 'max-duration', ms: 30000 },
    ]);
  });

  it('a pause mid-text does not end a read-aloud early; one after most of the expected time does', () => {
    let s = listeningOnDisclosure();
    s = step(s, { type: 'speech-start', now: 500 }, config).state;
    expect(s.speechStartedAt).toBe(500);
    expect(step(s, { type: 'speech-end', now: 2000 }, config).effects).toEqual([]);
    const end = step(s, { type: 'speech-end', now: 6000 }, config);
    expect(end.state.phase).toBe('evaluating');
    expect(kinds(end.effects)).toEqual(['clear-timers', 'stop-listening']);
  });

  it('ignores stale and out-of-phase inputs, and everything after the end', () => {
    let s = listeningOnDisclosure();
    expect(step(s, { type: 'tap', now: 20, choice: 'accept' }, config).state).toBe(s);
    s = step(s, { type: 'user-done', now: 3000 }, config).state;
    expect(
      step(s, { type: 'evaluated', now: 3100, attempt: 7, verdict: verdict('pass') }, config).state,
    ).toBe(s);
    const aborted = step(s, { type: 'abort', now: 3200, reason: 'test' }, config).state;
    expect(aborted).toMatchObject({ phase: 'finished', outcome: 'aborted' });
    expect(step(aborted, { type: 'start', now: 4000 }, config)).toEqual({ state: aborted, effects: [] });
  });

  it('needs-tap only accepts "accept" in awaiting-tap; "reject" is honoured in any phase of a question', () => {
    let s = listeningOnDisclosure();
    s = step(s, { type: 'user-done', now: 9000 }, config).state;
    s = step(s, { type: 'evaluated', now: 9100, attempt: 1, verdict: verdict('pass') }, config).state;
    expect(s).toMatchObject({ phase: 'prompting', index: 1 });
    const refused = step(s, { type: 'tap', now: 9200, choice: 'reject' }, config);
    expect(refused.state).toMatchObject({ phase: 'finished', outcome: 'rejected' });
    expect(kinds(refused.effects)).toContain('emit:speech.flow.end');
  });
});

describe('readingHighlight', () => {
  const segment = config.script.segments[0] as RunnerView['segment'];
  const view = { segment, listening: true, speechStartedAt: 1000 } as RunnerView;
  it('advances at the expected pace from the first speech, capped at the whole text', () => {
    const length = Array.from(segment?.text ?? '').length;
    expect(readingHighlight(view, 1000)).toBe(0);
    expect(readingHighlight(view, 1000 + (segment?.expectedReadingMs ?? 0) / 2)).toBe(Math.round(length / 2));
    expect(readingHighlight(view, 1e9)).toBe(length);
    expect(readingHighlight({ ...view, speechStartedAt: null }, 5000)).toBe(0);
  });
});
