/**
 * The RFC 3161 token the server stores beside the bundle (`<id>.zip` + `<id>.tsr`, the token over
 * the manifest signature). `dualrec report` shows it as verified with the TSA certificate, as "not
 * checked" without one, and as INVALID when it is another bundle's or damaged; `dualrec verify
 * FOLDER --tsa-cert` requires every bundle's token to exist and verify.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNATURE_FILE, ZipArchive } from '@dualrec/evidence';
import { formatInstant } from '@dualrec/report';
import { KEY_FILES, LocalTsa, openFileSource } from '@dualrec/server';
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

/** What the server time-stamps: the bundle's manifest signature file. */
async function signatureOf(bundle: string): Promise<Uint8Array> {
  const source = await openFileSource(bundle);
  try {
    const archive = await ZipArchive.open(source);
    const entry = archive.get(SIGNATURE_FILE);
    if (!entry) throw new Error('no signature in the sample bundle');
    return await archive.read(entry, 65536);
  } finally {
    await source.close();
  }
}

/** The report's "RFC 3161 time-stamp" row: its level class and its detail text. */
function timestampRow(html: string): { level: string; detail: string } {
  const row = /<tr data-check="timestamp" data-level="(\w+)">.*?<th scope="row">[^<]*<\/th><td>([^<]*)/.exec(
    html,
  );
  if (!row) throw new Error('no time-stamp row in the report');
  return { level: row[1] as string, detail: row[2] as string };
}

/** The report in English with UTC dates, as these checks read its wording. */
const report = (...args: string[]) => run('report', ...args, '--lang', 'en', '--tz', 'UTC');

let dir: string;
let keys: string;
let bundle: string;
let other: string;
let tsa: LocalTsa;
let genTime: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualrec-report-tsr-'));
  keys = join(dir, 'keys');
  expect((await run('keygen', '--out', keys)).code).toBe(0);
  await mkdir(join(dir, 'bundles'), { recursive: true });
  bundle = join(dir, 'bundles', 'upload-1.zip');
  other = join(dir, 'bundles', 'upload-2.zip');
  for (const file of [bundle, other])
    expect((await run('sample', '--keys', keys, '--out', file, '--seconds', '2')).code).toBe(0);
  tsa = await LocalTsa.open(join(dir, 'tsa'));
  const stamped = await tsa.stamp(await signatureOf(bundle));
  genTime = stamped.genTime;
  await writeFile(join(dir, 'bundles', 'upload-1.tsr'), stamped.token);
  await writeFile(join(dir, 'upload-2.tsr'), (await tsa.stamp(await signatureOf(other))).token);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dualrec report: the RFC 3161 token beside the bundle', () => {
  it('verified with the TSA certificate: the time and the TSA, marked verified', async () => {
    const out = join(dir, 'verified.html');
    const result = await report(bundle, '--keys', keys, '--tsa-cert', tsa.certificatePath, '--out', out);
    expect(result.code, result.stderr).toBe(0);
    const row = timestampRow(await readFile(out, 'utf8'));
    expect(row.level).toBe('ok');
    expect(row.detail).toContain(formatInstant(genTime, 'UTC'));
    expect(row.detail).toContain('dualrec local TSA');
    expect(row.detail).toContain('(token verified)');
  });

  it('the certificate is also found as tsa.crt in the key folder', async () => {
    const withCert = join(dir, 'keys-with-tsa');
    await mkdir(withCert);
    for (const name of [KEY_FILES.ticketSigningPublic, KEY_FILES.encryptionPrivate])
      await copyFile(join(keys, name), join(withCert, name));
    await copyFile(tsa.certificatePath, join(withCert, 'tsa.crt'));
    const out = join(dir, 'from-key-folder.html');
    expect((await report(bundle, '--keys', withCert, '--out', out)).code).toBe(0);
    expect(timestampRow(await readFile(out, 'utf8')).level).toBe('ok');
  });

  it('without a certificate: the time is shown, marked not checked', async () => {
    const out = join(dir, 'unchecked.html');
    expect((await report(bundle, '--keys', keys, '--out', out)).code).toBe(0);
    const row = timestampRow(await readFile(out, 'utf8'));
    expect(row.level).toBe('warn');
    expect(row.detail).toContain(formatInstant(genTime, 'UTC'));
    expect(row.detail).toContain('not checked');
  });

  it("another bundle's token: the time-stamp row says INVALID", async () => {
    const out = join(dir, 'swapped.html');
    const result = await report(
      bundle,
      '--keys',
      keys,
      '--tsr',
      join(dir, 'upload-2.tsr'),
      '--tsa-cert',
      tsa.certificatePath,
      '--out',
      out,
    );
    // verify() judged the token with the bundle: the verdict is invalid for that reason alone, and
    // the intact bundle's content is still in the report.
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('INVALID — TIMESTAMP_INVALID');
    const html = await readFile(out, 'utf8');
    const row = timestampRow(html);
    expect(row.level).toBe('fail');
    expect(row.detail).toContain('INVALID');
    expect(html).toContain('data:video/webm;base64,');
  });

  it('a damaged token: the report is still written, the time-stamp row says INVALID', async () => {
    const damaged = join(dir, 'damaged.tsr');
    await writeFile(damaged, new TextEncoder().encode('not a time-stamp token'));
    for (const certArgs of [[], ['--tsa-cert', tsa.certificatePath]]) {
      const out = join(dir, `damaged-${certArgs.length}.html`);
      const result = await report(bundle, '--keys', keys, '--tsr', damaged, ...certArgs, '--out', out);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain('TIMESTAMP_INVALID');
      const row = timestampRow(await readFile(out, 'utf8'));
      expect(row.level).toBe('fail');
      expect(row.detail).toContain('INVALID');
    }
  });

  it('no token beside the bundle: said so', async () => {
    const out = join(dir, 'none.html');
    expect((await report(other, '--keys', keys, '--out', out)).code).toBe(0);
    expect(timestampRow(await readFile(out, 'utf8'))).toEqual({
      level: 'warn',
      detail: 'no time-stamp token beside the bundle',
    });
  });
});

describe('dualrec verify FOLDER --tsa-cert: the nightly job also checks the time-stamps', () => {
  /** A folder holding copies of the given files under the given names. */
  async function folder(name: string, files: [from: string, to: string][]): Promise<string> {
    const path = join(dir, name);
    await mkdir(path, { recursive: true });
    for (const [from, to] of files) await copyFile(from, join(path, to));
    return path;
  }

  it('every bundle with its verifying token: exit 0, each time-stamp listed', async () => {
    const path = await folder('stamped', [
      [bundle, 'upload-1.zip'],
      [join(dir, 'bundles', 'upload-1.tsr'), 'upload-1.tsr'],
      [other, 'upload-2.zip'],
      [join(dir, 'upload-2.tsr'), 'upload-2.tsr'],
    ]);
    const text = await run('verify', path, '--keys', keys, '--tsa-cert', tsa.certificatePath);
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toContain(`VALID    upload-1.zip  time-stamped ${genTime}`);
    expect(text.stdout).toMatch(/VALID {4}upload-2\.zip {2}time-stamped \d{4}-/);
    const json = JSON.parse(
      (await run('verify', path, '--keys', keys, '--tsa-cert', tsa.certificatePath, '--json')).stdout,
    );
    expect(json.results[0].timestamp).toMatchObject({ genTime });
    // The same tokens against another TSA's certificate: not trusted, every bundle fails.
    const stranger = await LocalTsa.open(join(dir, 'other-tsa'));
    const untrusted = JSON.parse(
      (await run('verify', path, '--keys', keys, '--tsa-cert', stranger.certificatePath, '--json')).stdout,
    );
    expect(untrusted).toMatchObject({ total: 2, invalid: 2 });
    expect(untrusted.results.map((r: { reasons: { code: string }[] }) => r.reasons[0]?.code)).toEqual([
      'TIMESTAMP_UNTRUSTED',
      'TIMESTAMP_UNTRUSTED',
    ]);
  });

  it("a missing token and another bundle's token: exit 1, each named with its reason", async () => {
    const path = await folder('unstamped', [
      [bundle, 'upload-1.zip'],
      [join(dir, 'upload-2.tsr'), 'upload-1.tsr'],
      [other, 'upload-2.zip'],
    ]);
    const text = await run('verify', path, '--keys', keys, '--tsa-cert', tsa.certificatePath, '--json');
    expect(text.code).toBe(1);
    const json = JSON.parse(text.stdout);
    expect(json).toMatchObject({ total: 2, valid: 0, invalid: 2 });
    expect(json.results[0].reasons.map((r: { code: string }) => r.code)).toEqual(['TIMESTAMP_INVALID']);
    expect(json.results[1].reasons.map((r: { code: string }) => r.code)).toEqual(['TIMESTAMP_MISSING']);
    // Without --tsa-cert the same folder passes: time-stamps are checked only when asked for.
    expect((await run('verify', path, '--keys', keys)).code).toBe(0);
  });

  it('one FILE with --tsa-cert: its token beside it is required and checked by verify()', async () => {
    const ok = await run('verify', bundle, '--keys', keys, '--tsa-cert', tsa.certificatePath, '--json');
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const missing = await run('verify', other, '--keys', keys, '--tsa-cert', tsa.certificatePath, '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).reasons.map((r: { code: string }) => r.code)).toEqual([
      'TIMESTAMP_MISSING',
    ]);
    expect((await run('verify', bundle, '--keys', keys, '--tsa-cert', join(dir, 'nope.pem'))).code).toBe(2);
  });

  it('a folder without bundles: exit 2', async () => {
    const empty = await folder('empty', []);
    const none = await run('verify', empty, '--keys', keys);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no *.zip');
  });
});
