import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpeechSummary } from '../audio/vad.js';
import type { LipSyncResult } from '../lipsync/lipsync.js';
import { renderScript } from '../script/render.js';
import { judgeAttempt } from './judge.js';

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
const readAloud = rendered.segments.find((s) => s.id === 'disclosure') as (typeof rendered.segments)[number];
const question = rendered.segments.find(
  (s) => s.id === 'confirm-terms',
) as (typeof rendered.segments)[number];
const reading: SpeechSummary = {
  durationMs: 9000,
  speechMs: 7000,
  speechRatio: 0.78,
  onsetMs: 600,
  speechSpanMs: 7800,
  continuity: 0.9,
  speechLevelDb: -25,
  noiseLevelDb: -60,
};
const lip = (score: number, issue: LipSyncResult['issue'] = null): LipSyncResult => ({
  score,
  lagMs: 0,
  points: 300,
  mouthStd: 0.09,
  issue,
});

describe('judgeAttempt', () => {
  it('passes a read-aloud on voice alone and says the content was not machine-checked', () => {
    const v = judgeAttempt({ segment: readAloud, speech: reading, lipSync: null, asr: null });
    expect(v).toMatchObject({ verdict: 'pass', reasons: [], contentChecked: false, lipSync: null });
  });

  it('uses the measured lip-sync pass mark: own voice 0.62 passes, other words 0.26 and a photo fail', () => {
    expect(judgeAttempt({ segment: readAloud, speech: reading, lipSync: lip(0.62), asr: null }).verdict).toBe(
      'pass',
    );
    expect(
      judgeAttempt({ segment: readAloud, speech: reading, lipSync: lip(0.26), asr: null }).reasons,
    ).toEqual(['lip-sync-mismatch']);
    expect(
      judgeAttempt({ segment: readAloud, speech: reading, lipSync: lip(0, 'mouth-static'), asr: null })
        .reasons,
    ).toEqual(['mouth-not-moving']);
    expect(
      judgeAttempt({ segment: readAloud, speech: reading, lipSync: lip(0, 'too-few-samples'), asr: null })
        .reasons,
    ).toEqual(['mouth-not-visible']);
    // A one-syllable answer is too short to correlate: only a computed low score fails a question.
    const answer = { ...reading, speechMs: 400, speechSpanMs: 400 };
    expect(
      judgeAttempt({ segment: question, speech: answer, lipSync: lip(0, 'too-few-samples'), asr: null })
        .verdict,
    ).toBe('needs-tap');
  });

  it('lets the model VAD overrule the energy VAD on whether anyone spoke', () => {
    const silero = {
      analyser: 'silero',
      frames: 280,
      speechMs: 0,
      speechRatio: 0,
      onsetMs: null,
      speechSpanMs: 0,
    };
    const v = judgeAttempt({ segment: readAloud, speech: reading, lipSync: null, asr: null, voice: silero });
    expect(v.reasons).toEqual(['no-speech']);
    expect(v.details.modelVad).toMatchObject({ analyser: 'silero', speechMs: 0 });
    const failed = judgeAttempt({
      segment: readAloud,
      speech: reading,
      lipSync: null,
      asr: null,
      voice: { analyser: 'silero', error: 'oom' },
    });
    expect(failed.verdict).toBe('pass');
    expect(failed.details.modelVad).toEqual({ analyser: 'silero', error: 'oom' });
  });

  it('scores text with a recogniser, and a recogniser error never passes content', () => {
    const good = {
      adapterId: 'x',
      result: {
        text: '本人已知悉本次借款年化利率为18%，并自愿承担按期还款的责任',
        words: [],
        garbage: false,
      },
    };
    expect(judgeAttempt({ segment: readAloud, speech: reading, lipSync: null, asr: good })).toMatchObject({
      verdict: 'pass',
      contentChecked: true,
      characterErrorRate: 0,
    });
    const bad = { adapterId: 'x', result: { text: '今天天气很好', words: [], garbage: false } };
    expect(judgeAttempt({ segment: readAloud, speech: reading, lipSync: null, asr: bad }).reasons).toEqual([
      'text-mismatch',
    ]);
    const error = judgeAttempt({
      segment: question,
      speech: reading,
      lipSync: null,
      asr: { adapterId: 'x', error: 'boom' },
    });
    expect(error).toMatchObject({ verdict: 'fail', reasons: ['recogniser-error'], contentChecked: false });
    const garbage = { adapterId: 'x', result: { text: 'the a', words: [], garbage: true } };
    expect(judgeAttempt({ segment: question, speech: reading, lipSync: null, asr: garbage }).reasons).toEqual(
      ['answer-unclear'],
    );
  });
});
