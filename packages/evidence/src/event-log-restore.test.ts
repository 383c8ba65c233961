/**
 * EvidenceLog persistence (onLine) and EvidenceLog.restore(): how @dualrec/capture keeps the log
 * across a page reload. A restored log must continue the same chain and be indistinguishable, for
 * checkEventLog, from one that was never interrupted — except for `t`, which jumps by the gap.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import { checkEventLog, type EventClock, EvidenceLog, openSealedFields } from './event-log.js';

function clockAt(monotonic: number, wall: number): EventClock & { advance(ms: number): void } {
  let m = monotonic;
  let w = wall;
  return {
    monotonic: () => m,
    wall: () => w,
    advance(ms) {
      m += ms;
      w += ms;
    },
  };
}

const WALL = Date.UTC(2026, 4, 6, 7, 8, 9);
const join = (lines: readonly string[]) => utf8(lines.map((l) => `${l}\n`).join(''));

async function persistedLog(contentKey?: Uint8Array) {
  const stored: string[] = [];
  const clock = clockAt(500, WALL);
  const log = new EvidenceLog({
    sessionId: 'sess-r',
    clock,
    ...(contentKey ? { contentKey } : {}),
    onLine: async (line) => {
      await Promise.resolve();
      stored.push(line);
    },
  });
  await log.append('session.start', { sessionId: 'sess-r' });
  clock.advance(1200);
  await log.append('capture.recording.started', { part: 1 });
  clock.advance(800);
  await log.append('ocr.result', {}, contentKey ? { sealed: { name: '样本' } } : {});
  return { log, stored, clock };
}

describe('EvidenceLog onLine', () => {
  it('hands over every line, in order, exactly as toBytes writes it', async () => {
    const { log, stored } = await persistedLog();
    expect(join(stored)).toEqual(await log.toBytes());
  });

  it('a failing hook fails the append and leaves the log unchanged (memory never ahead of storage)', async () => {
    let fail = false;
    const log = new EvidenceLog({
      sessionId: 's',
      clock: clockAt(0, WALL),
      onLine: () => {
        if (fail) throw new Error('QuotaExceededError');
      },
    });
    await log.append('session.start');
    fail = true;
    await expect(log.append('a.b')).rejects.toThrow('QuotaExceededError');
    expect(log.count).toBe(1);
    fail = false;
    const next = await log.append('a.c');
    expect(next.seq).toBe(1);
    expect((await checkEventLog(await log.toBytes(), 's')).reasons.map((r) => r.code)).toEqual([
      'EVENTS_INCOMPLETE',
    ]);
  });
});

describe('EvidenceLog.restore', () => {
  it('continues seq, chain and t (last t + wall time elapsed) after a reload', async () => {
    const contentKey = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const { stored } = await persistedLog(contentKey);
    // New page: performance.now() restarts near 0; 5 s of wall time passed since the last event.
    const after = clockAt(30, WALL + 2000 + 5000);
    const restored = await EvidenceLog.restore(stored, { sessionId: 'sess-r', contentKey, clock: after });
    expect(restored.count).toBe(3);
    const gap = await restored.append('capture.interrupted', { reason: 'reload' });
    expect(gap.seq).toBe(3);
    expect(gap.t).toBe(2000 + 5000);
    after.advance(100);
    await restored.append('session.end', { status: 'interrupted' });
    const check = await checkEventLog(await restored.toBytes(), 'sess-r');
    expect(check.reasons).toEqual([]);
    const ocr = check.events.find((e) => e.type === 'ocr.result');
    if (!ocr) throw new Error('missing');
    expect(await openSealedFields(ocr, contentKey)).toEqual({ name: '样本' });
  });

  it('takes an explicit gap, and never lets t go back when the wall clock did', async () => {
    const { stored } = await persistedLog();
    const r1 = await EvidenceLog.restore(stored, {
      sessionId: 'sess-r',
      clock: clockAt(0, WALL),
      gapMs: 250,
    });
    expect((await r1.append('x.y')).t).toBe(2250);
    const r2 = await EvidenceLog.restore(stored, { sessionId: 'sess-r', clock: clockAt(0, WALL - 60_000) });
    expect((await r2.append('x.y')).t).toBe(2000);
  });

  it('calls onLine for new events only', async () => {
    const { stored } = await persistedLog();
    const seen: string[] = [];
    const r = await EvidenceLog.restore(stored, {
      sessionId: 'sess-r',
      clock: clockAt(0, WALL + 3000),
      onLine: (line) => {
        seen.push(line);
      },
    });
    await r.append('x.y');
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0] as string).seq).toBe(3);
  });

  it('refuses a changed, reordered or foreign log with EVIDENCE_LOG_INVALID', async () => {
    const { stored } = await persistedLog();
    const changed = [...stored];
    changed[1] = (changed[1] as string).replace('"part":1', '"part":2');
    const swapped = [stored[0], stored[2], stored[1]] as string[];
    for (const lines of [changed, swapped]) {
      await expect(EvidenceLog.restore(lines, { sessionId: 'sess-r' })).rejects.toMatchObject({
        code: 'EVIDENCE_LOG_INVALID',
      });
    }
    await expect(EvidenceLog.restore(stored, { sessionId: 'other' })).rejects.toMatchObject({
      code: 'EVIDENCE_LOG_INVALID',
    });
  });

  it('restores an ended log as ended', async () => {
    const { log, stored } = await persistedLog();
    await log.append('session.end');
    const r = await EvidenceLog.restore(await log.toLines(), { sessionId: 'sess-r' });
    expect(r.isEnded).toBe(true);
    expect(stored).toHaveLength(4);
    await expect(r.append('a.b')).rejects.toMatchObject({ code: 'EVIDENCE_LOG_INVALID' });
  });

  it('an empty list gives a fresh log', async () => {
    const r = await EvidenceLog.restore([], { sessionId: 'n', clock: clockAt(0, WALL) });
    expect((await r.append('session.start')).seq).toBe(0);
  });
});
