/** `dualrec verify FOLDER` (the nightly compliance job) and `dualrec report`. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

async function run(...argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await main(argv, {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  });
  return { code, ...out };
}

let dir: string;
let keys: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualrec-report-cli-'));
  keys = join(dir, 'keys');
  expect((await run('keygen', '--out', keys)).code).toBe(0);
  await mkdir(join(dir, 'bundles', '2026-11'), { recursive: true });
  for (const name of ['a', 'b', 'c'])
    expect(
      (
        await run(
          'sample',
          '--keys',
          keys,
          '--out',
          join(dir, 'bundles', '2026-11', `${name}.zip`),
          '--seconds',
          '2',
        )
      ).code,
    ).toBe(0);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dualrec verify FOLDER', () => {
  it('all valid: exit 0, a summary with the throughput; --json lists every verdict', async () => {
    const text = await run('verify', join(dir, 'bundles'), '--keys', keys);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /3 bundle\(s\): 3 valid, 0 invalid — [\d.]+ s, [\d.]+ bundles\/s, [\d.]+ MB\/s/,
    );
    const json = JSON.parse((await run('verify', join(dir, 'bundles'), '--keys', keys, '--json')).stdout);
    expect(json).toMatchObject({ total: 3, valid: 3, invalid: 0 });
    expect(json.results.map((r: { file: string }) => r.file)).toEqual([
      '2026-11/a.zip',
      '2026-11/b.zip',
      '2026-11/c.zip',
    ]);
    expect(json.bundlesPerSecond).toBeGreaterThan(0);
  });

  it('one tampered bundle among them: exit 1 and it is named with its reason', async () => {
    const bytes = await readFile(join(dir, 'bundles', '2026-11', 'b.zip'));
    bytes[300] = (bytes[300] as number) ^ 0xff;
    await mkdir(join(dir, 'mixed'), { recursive: true });
    await writeFile(join(dir, 'mixed', 'b-tampered.zip'), bytes);
    await writeFile(join(dir, 'mixed', 'a.zip'), await readFile(join(dir, 'bundles', '2026-11', 'a.zip')));
    const text = await run('verify', join(dir, 'mixed'), '--keys', keys);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/INVALID\s+b-tampered\.zip\s+\S+/);
    expect(text.stdout).toContain('2 bundle(s): 1 valid, 1 invalid');
  });
});

describe('dualrec report', () => {
  it('writes a self-contained report (exit 0 valid, 1 invalid); bad usage exits 2', async () => {
    const out = join(dir, 'a.report.html');
    const ok = await run('report', join(dir, 'bundles', '2026-11', 'a.zip'), '--keys', keys, '--out', out);
    expect(ok.code, ok.stderr).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('id="verdict"');
    expect(html).toContain('default-src &#39;none&#39;');
    expect(html).not.toMatch(/\b(src|href)="https?:/);
    const bad = await run(
      'report',
      join(dir, 'mixed', 'b-tampered.zip'),
      '--keys',
      keys,
      '--out',
      join(dir, 'bad.html'),
    );
    expect(bad.code).toBe(1);
    expect(await readFile(join(dir, 'bad.html'), 'utf8')).toContain('INVALID');
    expect((await run('report', join(dir, 'bundles', '2026-11', 'a.zip'))).code).toBe(2);
  });
});
