/**
 * `dualrec report` with the RFC 3161 token the server stores beside the bundle
 * (`<id>.zip` + `<id>.tsr`, the token over the manifest signature): shown as verified with the TSA
 * certificate, as "not checked" without one, and as INVALID when the token is another bundle's.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNATURE_FILE, ZipArchive } from '@dualrec/evidence';
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
  const row = /<td class="(\w+)">[^<]*<\/td><th scope="row">RFC 3161 time-stamp<\/th><td>([^<]*)<\/td>/.exec(
    html,
  );
  if (!row) throw new Error('no time-stamp row in the report');
  return { level: row[1] as string, detail: row[2] as string };
}

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
    const result = await run(
      'report',
      bundle,
      '--keys',
      keys,
      '--tsa-cert',
      tsa.certificatePath,
      '--out',
      out,
    );
    expect(result.code, result.stderr).toBe(0);
    const row = timestampRow(await readFile(out, 'utf8'));
    expect(row.level).toBe('ok');
    expect(row.detail).toContain(genTime);
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
    expect((await run('report', bundle, '--keys', withCert, '--out', out)).code).toBe(0);
    expect(timestampRow(await readFile(out, 'utf8')).level).toBe('ok');
  });

  it('without a certificate: the time is shown, marked not checked', async () => {
    const out = join(dir, 'unchecked.html');
    expect((await run('report', bundle, '--keys', keys, '--out', out)).code).toBe(0);
    const row = timestampRow(await readFile(out, 'utf8'));
    expect(row.level).toBe('warn');
    expect(row.detail).toContain(genTime);
    expect(row.detail).toContain('not checked');
  });

  it("another bundle's token: the time-stamp row says INVALID", async () => {
    const out = join(dir, 'swapped.html');
    const result = await run(
      'report',
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
    // The bundle itself is intact: the exit status is the bundle's verdict.
    expect(result.code).toBe(0);
    const row = timestampRow(await readFile(out, 'utf8'));
    expect(row.level).toBe('fail');
    expect(row.detail).toContain('INVALID');
  });

  it('a damaged token: the report is still written, the time-stamp row says INVALID', async () => {
    const damaged = join(dir, 'damaged.tsr');
    await writeFile(damaged, new TextEncoder().encode('not a time-stamp token'));
    for (const certArgs of [[], ['--tsa-cert', tsa.certificatePath]]) {
      const out = join(dir, `damaged-${certArgs.length}.html`);
      const result = await run('report', bundle, '--keys', keys, '--tsr', damaged, ...certArgs, '--out', out);
      expect(result.code, result.stderr).toBe(0);
      const row = timestampRow(await readFile(out, 'utf8'));
      expect(row.level).toBe('fail');
      expect(row.detail).toContain('INVALID');
    }
  });

  it('no token beside the bundle: said so', async () => {
    const out = join(dir, 'none.html');
    expect((await run('report', other, '--keys', keys, '--out', out)).code).toBe(0);
    expect(timestampRow(await readFile(out, 'utf8'))).toEqual({
      level: 'warn',
      detail: 'no time-stamp token beside the bundle',
    });
  });
});
