/**
 * Verification has a bounded cost (issue 16, finding 5): a small hostile events file (400 000
 * lines of `{}`, 1.2 MB) gives a verdict with at most `maxReasons` reasons and a count of the
 * rest, instead of one reason per line spread into one push ("Maximum call stack size exceeded").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import { checkEventLog } from './event-log.js';
import { generateKeyPairJwk, type KeyPairJwk } from './keys.js';
import { writeSampleBundle } from './sample.js';
import { MemorySink } from './streams.js';
import { verify } from './verify.js';
import { bytesSource, ZipArchive } from './zip-reader.js';
import { ZipWriter } from './zip-writer.js';

const LINES = 400_000;
let ticketSigning: KeyPairJwk;
let hostile: Uint8Array;

/** A real sample bundle whose events.jsonl is replaced by `events` (headers and CRCs consistent). */
async function withEvents(events: Uint8Array, signing: KeyPairJwk): Promise<Uint8Array> {
  const encryption = await generateKeyPairJwk('encryption');
  const sink = new MemorySink();
  await writeSampleBundle({
    sink,
    ticketSigningKey: signing.privateJwk,
    recipients: [encryption.publicJwk],
    recording: [new Uint8Array(1000)],
    recordingType: 'video/webm',
  });
  const archive = await ZipArchive.open(bytesSource(await sink.bytes()));
  const out = new MemorySink();
  const writer = new ZipWriter(out);
  for (const entry of archive.entries) {
    const data = entry.name === 'events.jsonl' ? events : await archive.read(entry, 1 << 24);
    await writer.addEntry(entry.name, [data]);
  }
  await writer.finish();
  return out.bytes();
}

beforeAll(async () => {
  ticketSigning = await generateKeyPairJwk('ticket-signing');
  hostile = await withEvents(utf8('{}\n'.repeat(LINES)), ticketSigning);
});

describe('bounded verification cost', () => {
  it('400 000 lines of {} in events.jsonl: invalid, first 100 reasons, then a count — no stack overflow', async () => {
    const verdict = await verify(bytesSource(hostile), { ticketKeys: [ticketSigning.publicJwk] });
    expect(verdict.valid).toBe(false);
    expect(verdict.reasons.length).toBeLessThanOrEqual(101);
    expect(verdict.reasons.some((r) => r.code === 'EVENTS_MALFORMED' && /line 1: /.test(r.detail))).toBe(
      true,
    );
    // The log stopped being checked: one reason says where, none for the 399 900 lines after it.
    const stopped = verdict.reasons.find((r) => /checking stopped at line/.test(r.detail));
    expect(stopped?.detail).toContain(`of ${LINES}`);
    expect(verdict.reasons.some((r) => /line 399999: /.test(r.detail))).toBe(false);
  });

  it('caps the verdict at limits.maxReasons and counts the rest ("and N more")', async () => {
    const verdict = await verify(bytesSource(hostile), {
      ticketKeys: [ticketSigning.publicJwk],
      limits: { maxReasons: 5 },
    });
    expect(verdict.reasons).toHaveLength(6);
    const last = verdict.reasons[5];
    expect(last?.code).toBe('REASONS_TRUNCATED');
    expect(last?.detail).toMatch(/^and [\d,]+ more \(at most 5 reasons are listed\)$/);
    await expect(
      verify(bytesSource(hostile), { ticketKeys: [ticketSigning.publicJwk], limits: { maxReasons: 0 } }),
    ).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });

  it('checkEventLog stops after maxReasons problems and says from which line', async () => {
    const check = await checkEventLog(utf8('{}\n'.repeat(50)), 'session-1', 'events.jsonl', {
      maxReasons: 3,
    });
    expect(check.reasons.map((r) => r.detail)).toEqual([
      'line 1: "seq" must be a non-negative integer',
      'line 2: "seq" must be a non-negative integer',
      'line 3: "seq" must be a non-negative integer',
      'checking stopped at line 4 of 50 after 3 problems; the rest was not checked',
    ]);
    // Without the option every line is still reported (the SDK's own restore uses that).
    expect((await checkEventLog(utf8('{}\n'.repeat(50)), 'session-1')).reasons.length).toBeGreaterThan(50);
  });
});
