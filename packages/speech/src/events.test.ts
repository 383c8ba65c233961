import { EvidenceLog, isDualrecError, openSealedFields, SESSION_START } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';
import { EvidenceLogSink } from './events.js';

const contentKey = new Uint8Array(16).map((_, i) => i + 1);

describe('EvidenceLogSink', () => {
  it('appends events in emit order, with personal fields encrypted and recoverable with the content key', async () => {
    const log = new EvidenceLog({ sessionId: 'speech-sink-test', contentKey });
    await log.append(SESSION_START, {});
    const sink = new EvidenceLogSink(log);
    const transcript = '本人已知悉本次借款年化利率为百分之十八';
    sink.emit({
      type: 'speech.segment.start',
      at: 1,
      payload: { segmentId: 'risk', index: 0, kind: 'read-aloud' },
    });
    sink.emit({
      type: 'speech.attempt',
      at: 2,
      payload: { segmentId: 'risk', attempt: 1, verdict: 'passed', contentChecked: true },
      sealed: { transcript },
    });
    sink.emit({ type: 'speech.segment', at: 3, payload: { segmentId: 'risk', outcome: 'passed' } });
    await sink.settled();

    const text = new TextDecoder().decode(await log.toBytes());
    expect(text).not.toContain(transcript);
    const events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.type)).toEqual([
      SESSION_START,
      'speech.segment.start',
      'speech.attempt',
      'speech.segment',
    ]);
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(events[2].payload).toEqual({
      segmentId: 'risk',
      attempt: 1,
      verdict: 'passed',
      contentChecked: true,
    });
    expect(typeof events[2].sealed).toBe('string');
    expect(await openSealedFields(events[2], contentKey)).toEqual({ transcript });
  });

  it('reports a failed append from settled(), so a bundle with a gap is never sealed silently', async () => {
    // No content key: the log refuses sealed fields.
    const log = new EvidenceLog({ sessionId: 'speech-sink-no-key' });
    await log.append(SESSION_START, {});
    const sink = new EvidenceLogSink(log);
    sink.emit({ type: 'speech.attempt', at: 1, payload: { segmentId: 'q' }, sealed: { transcript: 'yes' } });
    const error = await sink.settled().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDualrecError(error, 'BAD_USAGE')).toBe(true);
  });
});
