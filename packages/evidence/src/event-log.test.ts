import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import { canonicalize } from './canonical-json.js';
import { sha256Hex } from './digest.js';
import { checkEventLog, type EventClock, EvidenceLog, genesisHash, openSealedFields } from './event-log.js';

function steppingClock(startWall = Date.UTC(2026, 0, 2, 3, 4, 5), step = 250): EventClock & { back(): void } {
  let t = 1000;
  return {
    monotonic: () => t,
    wall: () => {
      const wall = startWall + (t - 1000);
      t += step;
      return wall;
    },
    back() {
      t -= 10 * step;
    },
  };
}

async function sampleLog(sessionId = 'session-1') {
  const contentKey = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const log = new EvidenceLog({ sessionId, contentKey, clock: steppingClock() });
  await log.append('session.start', { sessionId });
  await log.append(
    'ocr.result',
    { side: 'front' },
    { sealed: { name: '样本', idNumber: '11010519491231002X' } },
  );
  await log.append('speech.segment', { segmentId: 'risk-disclosure' });
  await log.append('session.end', { status: 'completed' });
  return { log, contentKey, bytes: await log.toBytes() };
}

const lines = (bytes: Uint8Array) => new TextDecoder().decode(bytes).split('\n').slice(0, -1);
const join = (list: string[]) => utf8(list.map((l) => `${l}\n`).join(''));

describe('EvidenceLog', () => {
  it('writes canonical lines chained by SHA-256 from the session genesis', async () => {
    const { log, bytes } = await sampleLog();
    const list = lines(bytes);
    expect(list).toHaveLength(4);
    const first = JSON.parse(list[0] as string);
    expect(first).toMatchObject({ seq: 0, t: 0, type: 'session.start', wall: '2026-01-02T03:04:05.000Z' });
    expect(first.prev).toBe(await genesisHash('session-1'));
    expect(first.prev).toBe(await sha256Hex('dualrec-events/1:session-1'));
    for (let i = 1; i < list.length; i++) {
      expect(JSON.parse(list[i] as string).prev).toBe(await sha256Hex(list[i - 1] as string));
      expect(canonicalize(JSON.parse(list[i] as string))).toBe(list[i]);
    }
    expect(await log.lastHash()).toBe(await sha256Hex(list[3] as string));
    const check = await checkEventLog(bytes, 'session-1');
    expect(check.reasons).toEqual([]);
    expect(check.lastHash).toBe(await log.lastHash());
  });

  it('seals personal fields so they are not in the clear, and opens them with the content key', async () => {
    const { bytes, contentKey } = await sampleLog();
    expect(new TextDecoder().decode(bytes)).not.toContain('11010519491231002X');
    const { events } = await checkEventLog(bytes, 'session-1');
    const ocr = events.find((e) => e.type === 'ocr.result');
    if (!ocr) throw new Error('ocr event missing');
    expect(await openSealedFields(ocr, contentKey)).toEqual({ name: '样本', idNumber: '11010519491231002X' });
    await expect(openSealedFields(ocr, new Uint8Array(32))).rejects.toMatchObject({
      code: 'RECORD_DECRYPT_FAILED',
    });
  });

  it('serialises concurrent appends in call order', async () => {
    const log = new EvidenceLog({ sessionId: 's', clock: steppingClock() });
    await log.append('session.start');
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.append('tick.n', { i })));
    const events = await log.events();
    expect(events.map((e) => e.payload.i ?? -1)).toEqual([-1, ...Array.from({ length: 20 }, (_, i) => i)]);
  });

  it('refuses misuse with EVIDENCE_LOG_INVALID', async () => {
    const clock = steppingClock();
    const log = new EvidenceLog({ sessionId: 's', clock });
    await expect(log.append('ocr.result')).rejects.toMatchObject({ code: 'EVIDENCE_LOG_INVALID' });
    await log.append('session.start');
    await expect(log.append('session.start')).rejects.toMatchObject({ code: 'EVIDENCE_LOG_INVALID' });
    await expect(log.append('NotDotted')).rejects.toMatchObject({ code: 'EVIDENCE_LOG_INVALID' });
    await expect(log.append('x.y', { n: Number.NaN })).rejects.toMatchObject({
      code: 'EVIDENCE_LOG_INVALID',
    });
    await expect(log.append('x.y', {}, { sealed: { a: 1 } })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    clock.back();
    await expect(log.append('x.y')).rejects.toMatchObject({ code: 'EVIDENCE_LOG_INVALID' });
    const ended = new EvidenceLog({ sessionId: 's', clock: steppingClock() });
    await ended.append('session.start');
    await ended.append('session.end');
    await expect(ended.append('x.y')).rejects.toMatchObject({ code: 'EVIDENCE_LOG_INVALID' });
  });
});

describe('checkEventLog finds every kind of damage', () => {
  const codes = async (bytes: Uint8Array) =>
    (await checkEventLog(bytes, 'session-1')).reasons.map((r) => r.code);

  it('a deleted line breaks the chain and the sequence', async () => {
    const list = lines((await sampleLog()).bytes);
    const result = await codes(join([list[0], list[2], list[3]] as string[]));
    expect(result).toContain('EVENTS_CHAIN_BROKEN');
    expect(result).toContain('EVENTS_SEQUENCE');
  });

  it('two swapped lines break the chain', async () => {
    const list = lines((await sampleLog()).bytes);
    expect(await codes(join([list[0], list[2], list[1], list[3]] as string[]))).toContain(
      'EVENTS_CHAIN_BROKEN',
    );
  });

  it('an edited payload breaks the chain at the next line', async () => {
    const list = lines((await sampleLog()).bytes);
    list[2] = (list[2] as string).replace('risk-disclosure', 'risk-disclosurf');
    const check = await checkEventLog(join(list), 'session-1');
    expect(check.reasons).toEqual([
      expect.objectContaining({ code: 'EVENTS_CHAIN_BROKEN', detail: expect.stringContaining('line 4') }),
    ]);
  });

  it('a missing session.end, a foreign session id and a missing newline are reported', async () => {
    const list = lines((await sampleLog()).bytes);
    expect(await codes(join(list.slice(0, 3)))).toContain('EVENTS_INCOMPLETE');
    expect((await checkEventLog(join(list), 'session-2')).reasons.map((r) => r.code)).toContain(
      'EVENTS_CHAIN_BROKEN',
    );
    expect(await codes(utf8(list.join('\n')))).toContain('EVENTS_MALFORMED');
  });

  it.each([
    ['invalid UTF-8', new Uint8Array([0xc3, 0x28, 0x0a])],
    ['not JSON', utf8('{"seq":0,\n')],
    ['non-canonical JSON', utf8('{ "seq": 0 }\n')],
    [
      'wrong types',
      utf8(`${canonicalize({ seq: '0', t: 0, wall: 'x', type: 'session.start', payload: {}, prev: 'a' })}\n`),
    ],
    [
      'unknown member',
      utf8(
        `${canonicalize({ seq: 0, t: 0, wall: '2026-01-01T00:00:00.000Z', type: 'session.start', payload: {}, prev: '0'.repeat(64), extra: 1 })}\n`,
      ),
    ],
  ])('%s → EVENTS_MALFORMED without throwing', async (_name, bytes) => {
    expect(await codes(bytes)).toContain('EVENTS_MALFORMED');
  });
});
