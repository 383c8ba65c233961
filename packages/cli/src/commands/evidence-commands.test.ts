import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesSource, MemorySink, ZipArchive, ZipWriter } from '@dualrec/evidence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

async function run(...argv: string[]) {
  const { out, io } = capture();
  const code = await main(argv, io);
  return { code, ...out };
}

let dir: string;
let keys: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualrec-evidence-cli-'));
  keys = join(dir, 'keys');
  bundle = join(dir, 'sample.zip');
  expect((await run('keygen', '--out', keys)).code).toBe(0);
  const sample = await run('sample', '--keys', keys, '--out', bundle, '--seconds', '2');
  expect(sample.stderr).toBe('');
  expect(sample.code).toBe(0);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dualrec keygen', () => {
  it('writes four JWKs, the private ones with mode 0600, and will not overwrite without --force', async () => {
    for (const [file, mode] of [
      ['encryption.private.jwk', 0o600],
      ['ticket-signing.private.jwk', 0o600],
      ['encryption.public.jwk', 0o644],
      ['ticket-signing.public.jwk', 0o644],
    ] as const) {
      expect((await stat(join(keys, file))).mode & 0o777, file).toBe(mode);
      const jwk = JSON.parse(await readFile(join(keys, file), 'utf8'));
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: expect.any(String) });
      expect('d' in jwk).toBe(file.includes('private'));
    }
    const again = await run('keygen', '--out', keys);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    const forced = await run('keygen', '--out', join(dir, 'other-keys'));
    expect(forced.code).toBe(0);
    expect((await run('keygen')).code).toBe(2);
  });
});

describe('dualrec sample + verify + inspect + decrypt', () => {
  it('the sample verifies: exit 0, and --json gives a machine-readable verdict', async () => {
    const text = await run('verify', bundle, '--keys', keys);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('VALID');
    expect(text.stdout).toContain('SYNTHETIC_BUNDLE');
    const json = await run('verify', bundle, '--keys', keys, '--json');
    expect(json.code).toBe(0);
    const verdict = JSON.parse(json.stdout);
    expect(verdict).toMatchObject({ valid: true, reasons: [] });
    expect(verdict.notices.map((n: { code: string }) => n.code)).toEqual(['SYNTHETIC_BUNDLE']);
  });

  it('inspect shows the timeline without keys; --json is parseable', async () => {
    const text = await run('inspect', bundle);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('SYNTHETIC SAMPLE');
    expect(text.stdout).toContain('speech.segment');
    expect(text.stdout).toContain('[sealed]');
    expect(text.stdout).not.toContain('11010519491231002X');
    const json = JSON.parse((await run('inspect', bundle, '--json')).stdout);
    expect(json.verified).toBe(false);
    expect(json.events[0].type).toBe('session.start');
    expect(json.entries.map((e: { name: string }) => e.name)).toEqual([
      'media/recording.webm.enc',
      'events.jsonl',
      'manifest.json',
      'manifest.jws',
    ]);
  });

  it('decrypt writes a real VP8/Opus webm and the opened events, mode 0600', async () => {
    const out = join(dir, 'decrypted');
    const result = await run('decrypt', bundle, '--keys', keys, '--out', out);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const webm = join(out, 'media', 'recording.webm');
    const head = (await readFile(webm)).subarray(0, 4);
    expect([...head]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    expect((await stat(webm)).mode & 0o777).toBe(0o600);
    const probe = spawnSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', webm],
      {
        encoding: 'utf8',
      },
    );
    expect(probe.stdout.trim().split('\n').sort()).toEqual(['opus', 'vp8']);
    const events = JSON.parse(await readFile(join(out, 'events.json'), 'utf8'));
    expect(events.find((e: { type: string }) => e.type === 'ocr.result').sealedFields.idNumber).toBe(
      '11010519491231002X',
    );
    const again = await run('decrypt', bundle, '--keys', keys, '--out', out);
    expect(again.code).toBe(2);
    expect((await run('decrypt', bundle, '--keys', keys, '--out', out, '--force')).code).toBe(0);
  });

  it('any single-byte change makes verify exit 1 with a reason', async () => {
    const original = await readFile(bundle);
    const positions = [0, 20, 35, 100, 5000, Math.floor(original.length / 2), original.length - 3000];
    for (let k = 1; k <= 12; k++) positions.push(original.length - k * 37);
    for (const position of positions) {
      const changed = Buffer.from(original);
      changed[position] = (changed[position] as number) ^ 0x04;
      const file = join(dir, 'changed.zip');
      await writeFile(file, changed);
      const result = await run('verify', file, '--keys', keys, '--json');
      expect(result.code, `byte ${position}`).toBe(1);
      const verdict = JSON.parse(result.stdout);
      expect(verdict.valid).toBe(false);
      expect(verdict.reasons.length).toBeGreaterThan(0);
      expect(verdict.reasons[0]).toEqual({
        code: expect.any(String),
        file: expect.anything(),
        detail: expect.any(String),
        why: expect.any(String),
        ...(verdict.reasons[0]?.values ? { values: expect.any(Object) } : {}),
      });
    }
    const text = await run('verify', join(dir, 'changed.zip'), '--keys', keys);
    expect(text.stdout).toMatch(/INVALID\n {2}✗ [A-Z_]+/);
  });

  it("another lender's keys: the ticket is not theirs and the content key is not for them", async () => {
    const result = await run('verify', bundle, '--keys', join(dir, 'other-keys'), '--json');
    expect(result.code).toBe(1);
    const codes = JSON.parse(result.stdout).reasons.map((r: { code: string }) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['TICKET_SIGNATURE_INVALID', 'KEY_UNWRAP_FAILED']));
    const decrypt = await run(
      'decrypt',
      bundle,
      '--keys',
      join(dir, 'other-keys'),
      '--out',
      join(dir, 'nope'),
    );
    expect(decrypt.code).toBe(1);
    expect(decrypt.stderr).toContain('BUNDLE_INVALID');
  });
});

describe('bad input and bad usage', () => {
  it('verify: exit 2 for an unreadable file, missing keys or bad usage; exit 1 for a non-bundle', async () => {
    expect((await run('verify', join(dir, 'missing.zip'), '--keys', keys)).code).toBe(2);
    expect((await run('verify', bundle)).code).toBe(2);
    expect((await run('verify', '--keys', keys)).code).toBe(2);
    expect((await run('verify', bundle, '--keys', keys, '--bogus')).code).toBe(2);
    const empty = join(dir, 'empty-keys');
    await mkdir(empty, { recursive: true });
    const noKey = await run('verify', bundle, '--keys', empty);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('ticket-signing.public.jwk');
    const garbage = join(dir, 'garbage.zip');
    await writeFile(garbage, 'this is not a zip');
    const notZip = await run('verify', garbage, '--keys', keys, '--json');
    expect(notZip.code).toBe(1);
    expect(JSON.parse(notZip.stdout).reasons[0].code).toBe('ZIP_MALFORMED');
    const inspect = await run('inspect', garbage);
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toContain('BUNDLE_MALFORMED');
  });

  it('verify and inspect: 400 000 lines of {} in events.jsonl — exit 1 with a bounded list of reasons, not a stack overflow', async () => {
    const archive = await ZipArchive.open(bytesSource(new Uint8Array(await readFile(bundle))));
    const sink = new MemorySink();
    const writer = new ZipWriter(sink);
    for (const entry of archive.entries) {
      const data =
        entry.name === 'events.jsonl'
          ? new TextEncoder().encode('{}\n'.repeat(400_000))
          : await archive.read(entry, 1 << 26);
      await writer.addEntry(entry.name, [data]);
    }
    await writer.finish();
    const hostile = join(dir, 'hostile-events.zip');
    await writeFile(hostile, await sink.bytes());
    const result = await run('verify', hostile, '--keys', keys);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('INVALID');
    expect(result.stdout).toContain('EVENTS_MALFORMED');
    expect(result.stdout.split('\n').length).toBeLessThan(120);
    const json = JSON.parse((await run('verify', hostile, '--keys', keys, '--json')).stdout);
    expect(json.reasons.length).toBeLessThanOrEqual(101);
    // inspect (no verification) stops reading such a log too, and says where.
    const inspect = await run('inspect', hostile);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toContain('events (0)  — checking stopped at line 1001 of 400000');
  });

  it('an unexpected error is one line with the reason and exit 1, never a stack trace', async () => {
    const { COMMANDS } = await import('../main.js');
    COMMANDS['test-throw'] = {
      summary: 'throws',
      usage: '',
      run: async () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    try {
      const result = await run('test-throw');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'dualrec test-throw: [INTERNAL] RangeError: Maximum call stack size exceeded',
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      delete COMMANDS['test-throw'];
    }
  });

  it('sample: a clear TOOL_NOT_FOUND without ffmpeg, BAD_USAGE for bad numbers', async () => {
    const noFfmpeg = await run(
      'sample',
      '--keys',
      keys,
      '--out',
      join(dir, 'x.zip'),
      '--ffmpeg',
      join(dir, 'no-such-ffmpeg'),
    );
    expect(noFfmpeg.code).toBe(1);
    expect(noFfmpeg.stderr).toContain('TOOL_NOT_FOUND');
    expect(noFfmpeg.stderr).toContain('apt-get install ffmpeg');
    expect((await run('sample', '--keys', keys, '--out', join(dir, 'x.zip'), '--seconds', '-1')).code).toBe(
      2,
    );
    expect((await run('sample', '--keys', keys)).code).toBe(2);
    const badVideo = await run(
      'sample',
      '--keys',
      keys,
      '--out',
      join(dir, 'x.zip'),
      '--video',
      join(dir, 'garbage.zip'),
    );
    expect(badVideo.code).toBe(1);
    await expect(stat(join(dir, 'x.zip.partial'))).rejects.toThrow();
  });

  it('help lists every evidence command', async () => {
    const help = await run('--help');
    for (const name of ['keygen', 'sample', 'verify', 'inspect', 'decrypt', 'assets'])
      expect(help.stdout).toContain(name);
  });
});
