import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureWav, loopMicrophone, ManualClock, untilStarted } from '../../test-support/index.js';
import type { AsrAdapter, AsrRequest } from '../asr/types.js';
import { FrameAudioSource } from '../audio/frame-source.js';
import { MemoryEventSink } from '../events.js';
import { TextOnlyPrompter } from '../prompt/prompters.js';
import { type RenderedScript, renderScript } from '../script/render.js';
import type { PromptResult } from './machine.js';
import { ScriptRunner } from './runner.js';
import type { Prompter, PromptRequest } from './seams.js';

// biome-ignore lint/suspicious/noExplicitAny: payloads are JSON; the tests read nested measurements
type Payload = Record<string, any>;
const examples = resolve(import.meta.dirname, '../../scripts-examples');
const zh = JSON.parse(readFileSync(resolve(examples, 'consumer-loan.zh-CN.json'), 'utf8'));
const terms = {
  lenderName: '示例消费金融有限公司',
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
};
const rendered = renderScript(zh, terms);
/** The read-aloud and the first question only, to keep scenarios short. */
function subset(ids: string[], extra: Partial<RenderedScript> = {}): RenderedScript {
  return { ...rendered, ...extra, segments: rendered.segments.filter((s) => ids.includes(s.id)) };
}

/** Records what was asked to be spoken; "speaks" for a fixed time on the manual clock. */
class TimedPrompter implements Prompter {
  readonly requests: PromptRequest[] = [];
  constructor(
    private readonly clock: ManualClock,
    private readonly ms = 500,
  ) {}
  speak(request: PromptRequest): Promise<PromptResult> {
    this.requests.push(request);
    return new Promise((resolve) => {
      const handle = this.clock.setTimeout(
        () =>
          resolve({
            mode: 'speech-synthesis',
            completed: true,
            voice: 'test-voice',
            rate: request.rate,
            reason: null,
          }),
        this.ms,
      );
      request.signal.addEventListener('abort', () => {
        this.clock.clearTimeout(handle);
        resolve({
          mode: 'speech-synthesis',
          completed: false,
          voice: 'test-voice',
          rate: request.rate,
          reason: 'cancelled',
        });
      });
    });
  }
  cancel(): void {}
  close(): void {}
}

/** A recogniser seam that returns fixed transcripts in turn (stands in for a lender's model). */
class ScriptedRecogniser implements AsrAdapter {
  readonly id = 'scripted/1';
  readonly languages = ['zh-CN'] as const;
  readonly kinds = ['read-aloud', 'question'] as const;
  readonly requests: AsrRequest[] = [];
  constructor(private readonly texts: string[]) {}
  async init(): Promise<void> {}
  async recognize(request: AsrRequest) {
    this.requests.push(request);
    const text = this.texts.shift() ?? '';
    return { text, words: [], garbage: false };
  }
  async close(): Promise<void> {}
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(
  mic: string,
  script: RenderedScript,
  options: { recogniser?: AsrAdapter; prompter?: 'text' | 'timed'; elderMode?: boolean } = {},
) {
  const clock = new ManualClock();
  const { samples, sampleRate } = fixtureWav(mic);
  const audio = new FrameAudioSource(sampleRate);
  const micLoop = loopMicrophone(clock, audio, samples, sampleRate);
  const sink = new MemoryEventSink();
  const prompter =
    options.prompter === 'timed' ? new TimedPrompter(clock) : new TextOnlyPrompter('no voice in node');
  const runner = new ScriptRunner({
    script,
    prompter,
    audio,
    sink,
    clock,
    recogniser: options.recogniser,
    elderMode: options.elderMode,
  });
  cleanups.push(() => {
    runner.close();
    micLoop.stop();
  });
  return { clock, audio, sink, runner, prompter, micLoop };
}

function types(sink: MemoryEventSink) {
  return sink.events.map((e) => e.type);
}

describe('ScriptRunner with the Mandarin disclosure as the microphone', () => {
  it('passes the read-aloud on voice, asks for a tap on the question, and completes', async () => {
    const { clock, sink, runner, micLoop } = setup(
      'audio/disclosure-cmn.wav',
      subset(['apr', 'disclosure', 'confirm-terms']),
    );
    const views: string[] = [];
    runner.subscribe((v) => views.push(`${v.phase}:${v.segment?.id ?? '-'}`));
    const result = runner.run();
    await untilStarted(runner);
    // The looped microphone never pauses: the read-aloud runs to its 30 s maximum, and the question
    // hears no *new* utterance (the one under way when it was asked does not count), so after three
    // no-speech attempts it falls back to the buttons.
    await clock.advance(90_000);
    expect(runner.view).toMatchObject({
      phase: 'awaiting-tap',
      awaitingTap: true,
      segment: { id: 'confirm-terms' },
    });
    runner.tap('accept');
    const { outcome, sha256 } = await result;
    expect(outcome).toBe('completed');
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);

    const script = sink.ofType('speech.script')[0];
    expect(script?.payload).toMatchObject({
      scriptId: 'consumer-loan-standard',
      sha256,
      segmentIds: ['apr', 'disclosure', 'confirm-terms'],
    });
    expect(script?.sealed?.script).toBeDefined();
    const segments = sink.ofType('speech.segment').map((e) => e.payload);
    expect(segments.map((p) => [p.segmentId, p.outcome])).toEqual([
      ['apr', 'shown'],
      ['disclosure', 'passed'],
      ['confirm-terms', 'confirmed-by-tap'],
    ]);
    const attempt = sink.ofType('speech.attempt')[0]?.payload as Payload;
    expect(attempt).toMatchObject({
      segmentId: 'disclosure',
      verdict: 'pass',
      contentChecked: false,
      recogniser: null,
    });
    expect(attempt.speech.speechRatio).toBeGreaterThan(0.5);
    expect(attempt.speech.onsetMs).toBeLessThan(9000);
    // Text-only prompt: held for its reading time (apr text = 16 units / 4 per s = 4 s).
    const prompt = sink.ofType('speech.prompt')[0]?.payload;
    expect(prompt).toMatchObject({ mode: 'text-only', reason: 'no voice in node' });
    const shownAt = sink.ofType('speech.segment')[0]?.at as number;
    expect(shownAt).toBeGreaterThanOrEqual(
      rendered.segments.find((s) => s.id === 'apr')?.expectedReadingMs as number,
    );
    expect(types(sink).at(-1)).toBe('speech.flow.end');
    expect(sink.ofType('speech.flow.end')[0]?.payload).toMatchObject({ outcome: 'completed' });
    expect(sink.events.every((e) => !('transcript' in e.payload))).toBe(true);
    expect(views).toContain('listening:disclosure');
    micLoop.stop();
    expect(runner.activeResources).toEqual({ timers: 0, listening: false, speaking: false });
    expect(clock.pending).toBe(0);
  });

  it('with a recogniser, records the transcript sealed and the CER in clear; a spoken 不清楚 ends the flow as rejected', async () => {
    const recogniser = new ScriptedRecogniser([
      '本人已知悉本次借款年化利率为百分之十八并自愿承担按期还款的责任',
      '不清楚',
    ]);
    const { clock, sink, runner } = setup(
      'audio/disclosure-cmn.wav',
      subset(['disclosure', 'confirm-terms', 'closing']),
      { recogniser },
    );
    const result = runner.run();
    await untilStarted(runner);
    await clock.advance(60_000);
    expect(await result).toMatchObject({ outcome: 'rejected', reasons: ['rejected-by-applicant'] });
    expect(recogniser.requests[0]?.pcm.length).toBeGreaterThan(16_000 * 5);
    expect(recogniser.requests[0]?.expected).toEqual({
      kind: 'read-aloud',
      text: rendered.segments.find((s) => s.id === 'disclosure')?.text,
    });
    const attempts = sink.ofType('speech.attempt');
    expect(attempts[0]?.payload).toMatchObject({
      verdict: 'pass',
      contentChecked: true,
      characterErrorRate: { cer: 0 },
    });
    expect(attempts[0]?.sealed?.transcript).toContain('本人已知悉');
    expect(attempts[1]?.payload).toMatchObject({
      verdict: 'rejected',
      answer: { decision: 'reject', phrase: '不清楚' },
    });
    const segments = sink.ofType('speech.segment').map((e) => [e.payload.segmentId, e.payload.outcome]);
    expect(segments).toEqual([
      ['disclosure', 'passed'],
      ['confirm-terms', 'rejected'],
    ]);
    expect(sink.ofType('speech.flow.end')[0]?.payload).toMatchObject({
      outcome: 'rejected',
      segmentId: 'confirm-terms',
    });
  });

  it('an unclear answer is asked again, never taken as consent', async () => {
    const recogniser = new ScriptedRecogniser([
      '本人已知悉本次借款年化利率为百分之十八并自愿承担按期还款的责任',
      '嗯',
      '清楚不清楚',
      '清楚',
    ]);
    const { clock, sink, runner } = setup(
      'audio/disclosure-cmn.wav',
      subset(['disclosure', 'confirm-terms']),
      { recogniser },
    );
    const result = runner.run();
    await untilStarted(runner);
    await clock.advance(120_000);
    expect((await result).outcome).toBe('completed');
    const verdicts = sink.ofType('speech.attempt').map((e) => [e.payload.verdict, e.payload.reasons]);
    expect(verdicts).toEqual([
      ['pass', []],
      ['fail', ['answer-unclear']],
      ['fail', ['answer-unclear']],
      ['pass', []],
    ]);
    expect(sink.ofType('speech.reprompt')).toHaveLength(2);
  });
});

describe('ScriptRunner with digital silence as the microphone', () => {
  it('re-prompts on silence, then fails the read-aloud with "no-speech"', async () => {
    const { clock, sink, runner, prompter } = setup(
      'audio/silence-5s.wav',
      subset(['disclosure', 'confirm-terms']),
      { prompter: 'timed' },
    );
    const result = runner.run();
    await untilStarted(runner);
    await clock.advance(60_000);
    expect(await result).toEqual({ outcome: 'failed', reasons: ['no-speech'], sha256: expect.any(String) });
    const reprompts = sink.ofType('speech.reprompt').map((e) => e.payload);
    expect(reprompts).toEqual([
      { segmentId: 'disclosure', nextAttempt: 2, reason: 'no-speech' },
      { segmentId: 'disclosure', nextAttempt: 3, reason: 'no-speech' },
    ]);
    const spoken = (prompter as TimedPrompter).requests.map((r) => r.text);
    expect(spoken[0]).toBe('请面对镜头，大声朗读屏幕上的文字。');
    expect(spoken.slice(1)).toEqual([
      '没有听到您的声音，请对着手机大声朗读屏幕上的文字。',
      '没有听到您的声音，请对着手机大声朗读屏幕上的文字。',
    ]);
    const attempts = sink.ofType('speech.attempt').map((e) => e.payload as Payload);
    expect(attempts.map((a) => a.speech.speechMs)).toEqual([0, 0, 0]);
    // Each window lasted the 6 s silence timeout.
    for (const a of attempts) expect(a.speech.durationMs).toBeGreaterThanOrEqual(5980);
    expect(sink.ofType('speech.segment').map((e) => e.payload)).toEqual([
      expect.objectContaining({
        segmentId: 'disclosure',
        outcome: 'failed',
        attempts: 3,
        reasons: ['no-speech'],
      }),
    ]);
    expect(runner.activeResources).toEqual({ timers: 0, listening: false, speaking: false });
  });

  it('with continue-flagged, a failed read-aloud is flagged and the flow goes on', async () => {
    const { clock, sink, runner } = setup(
      'audio/silence-5s.wav',
      subset(['disclosure', 'closing'], { onSegmentFailure: 'continue-flagged' }),
    );
    const result = runner.run();
    await untilStarted(runner);
    await clock.advance(60_000);
    expect(await result).toMatchObject({ outcome: 'completed-with-flags', reasons: ['flagged:disclosure'] });
    expect(sink.ofType('speech.segment').map((e) => e.payload.outcome)).toEqual(['flagged', 'shown']);
  });

  it('a question nobody answers falls back to the buttons; refusing there ends as rejected', async () => {
    const { clock, sink, runner } = setup('audio/silence-5s.wav', subset(['confirm-terms', 'closing']));
    const result = runner.run();
    await untilStarted(runner);
    await clock.advance(40_000);
    expect(runner.view.awaitingTap).toBe(true);
    runner.tap('reject');
    expect((await result).outcome).toBe('rejected');
    expect(sink.ofType('speech.tap')[0]?.payload).toMatchObject({ choice: 'reject' });
    expect(sink.ofType('speech.segment')[0]?.payload).toMatchObject({
      outcome: 'rejected',
      reasons: ['rejected-by-tap'],
    });
  });

  it('an unanswered tap times out as failed, not passed', async () => {
    const { clock, runner } = setup('audio/silence-5s.wav', subset(['confirm-terms']));
    const result = runner.run();
    await untilStarted(runner);
    await clock.advance(200_000);
    expect(await result).toMatchObject({ outcome: 'failed', reasons: ['no-confirmation'] });
  });
});

describe('ScriptRunner control', () => {
  it('elder mode slows the voice and waits longer for speech', async () => {
    const { clock, sink, runner, prompter } = setup('audio/silence-5s.wav', subset(['disclosure']), {
      prompter: 'timed',
      elderMode: true,
    });
    void runner.run();
    await untilStarted(runner);
    await clock.advance(12_000);
    expect((prompter as TimedPrompter).requests[0]?.rate).toBe(0.8);
    const attempt = sink.ofType('speech.attempt')[0]?.payload as Payload;
    expect(attempt.speech.durationMs).toBeGreaterThanOrEqual(8980);
  });

  it('aborting mid-listening cancels the prompt, the window and every timer', async () => {
    const { clock, sink, runner, audio } = setup(
      'audio/disclosure-cmn.wav',
      subset(['disclosure', 'confirm-terms']),
      { prompter: 'timed' },
    );
    const controller = new AbortController();
    const result = runner.run(controller.signal);
    await untilStarted(runner);
    await clock.advance(1500);
    expect(runner.view.phase).toBe('listening');
    expect(audio.listening).toBe(true);
    controller.abort();
    expect(await result).toMatchObject({ outcome: 'aborted', reasons: ['aborted'] });
    expect(audio.listening).toBe(false);
    expect(runner.activeResources).toEqual({ timers: 0, listening: false, speaking: false });
    expect(sink.ofType('speech.flow.end')[0]?.payload).toMatchObject({
      outcome: 'aborted',
      segmentId: 'disclosure',
    });
    // Nothing happens after the end.
    const count = sink.events.length;
    await clock.advance(30_000);
    expect(sink.events.length).toBe(count);
  });

  it('close() during a run resolves it as aborted; a runner runs once', async () => {
    const { clock, runner } = setup('audio/disclosure-cmn.wav', subset(['disclosure', 'confirm-terms']));
    const result = runner.run();
    await untilStarted(runner);
    await clock.advance(100);
    runner.close();
    expect((await result).outcome).toBe('aborted');
    await expect(runner.run()).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });

  it('"done" from the applicant ends the listening window early', async () => {
    const { clock, sink, runner } = setup('audio/disclosure-cmn.wav', subset(['disclosure']));
    void runner.run();
    await untilStarted(runner);
    await clock.advance(2000);
    runner.finishSpeaking();
    await clock.advance(100);
    const attempt = sink.ofType('speech.attempt')[0]?.payload as Payload;
    expect(attempt.reasons).toEqual(['too-short']);
    expect(attempt.speech.durationMs).toBeLessThan(2100);
    expect(sink.ofType('speech.reprompt')[0]?.payload).toMatchObject({ reason: 'too-short' });
  });
});
