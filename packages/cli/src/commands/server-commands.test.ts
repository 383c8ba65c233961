/**
 * `dualrec serve`, `dualrec upload` and `dualrec bundles` together: the server runs as a real
 * process (as a lender would start it), a bundle made for one of its tickets is uploaded with
 * the CLI, and the admin listing shows it with its verdict.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateDeviceKey, MemorySink, writeSampleBundle } from '@dualrec/evidence';
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

const bin = resolve(import.meta.dirname, '../../bin/dualrec.js');
let dir: string;
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualrec-serve-cli-'));
  server = spawn(
    'node',
    [
      bin,
      'serve',
      '--port',
      '0',
      '--data',
      join(dir, 'data'),
      '--insecure-open-tickets',
      '--accept-synthetic',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  url = await new Promise<string>((resolveUrl, reject) => {
    let err = '';
    server.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const found = /dualrec serve: (http:\/\/\S+)/.exec(err);
      if (found) resolveUrl(found[1] as string);
    });
    server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}, 60_000);

afterAll(async () => {
  server.kill('SIGINT');
  await new Promise((r) => server.once('exit', r));
  await rm(dir, { recursive: true, force: true });
});

describe('dualrec serve + upload + bundles', () => {
  it('serves health, created its own key set, and accepts a bundle uploaded with the CLI', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // The trial key set is beside the data folder, never inside it.
    await access(join(dir, 'dualrec-keys', 'ticket-signing.private.jwk'));
    await expect(access(join(dir, 'data', 'keys'))).rejects.toMatchObject({ code: 'ENOENT' });
    const deviceKey = await generateDeviceKey();
    const grant = (await (
      await fetch(`${url}/v1/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jkt: deviceKey.thumbprint,
          scriptId: 'consumer-loan-en',
          applicationRef: 'APP-9',
        }),
      })
    ).json()) as { ticket: string; recipients: never[] };
    const sink = new MemorySink();
    await writeSampleBundle({
      sink,
      ticketSigningKey: undefined as never,
      recipients: grant.recipients,
      recording: [new Uint8Array(20_000).fill(7)],
      recordingType: 'video/webm',
      deviceKey,
      ticket: grant.ticket,
    });
    const file = join(dir, 'bundle.zip');
    await writeFile(file, await sink.bytes());

    const upload = await run('upload', file, '--to', `${url}/v1/uploads/`);
    expect(upload.code, upload.stderr).toBe(0);
    const receipt = JSON.parse(upload.stdout) as { uploadId: string; verdict: string };
    expect(receipt.verdict).toBe('valid');

    const list = await run('bundles', 'list', '--data', join(dir, 'data'), '--json');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { uploadId: string }[]).map((b) => b.uploadId)).toContain(
      receipt.uploadId,
    );
    const show = await run('bundles', 'show', receipt.uploadId, '--data', join(dir, 'data'));
    expect(JSON.parse(show.stdout)).toMatchObject({ uploadId: receipt.uploadId, status: 'valid' });

    // The same bundle again: its ticket is used, so the server refuses it (exit 1, a clear message).
    const again = await run('upload', file, '--to', `${url}/v1/uploads/`);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('UPLOAD_FAILED');
    // Worded for the CLI's user, not the phone's ("keep this page open").
    expect(again.stderr).toContain("refused the bundle's ticket (HTTP 403)");
    expect(again.stderr).toContain('this ticket has already been used');
    expect(again.stderr).not.toContain('keep this page open');

    // A URL that is not the tus endpoint (the server's root): say what --to must be.
    const wrong = await run('upload', file, '--to', `${url}/v1/`, '--state', join(dir, 'wrong.json'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('is not a tus upload endpoint (HTTP 404)');
    expect(wrong.stderr).toContain('--to must be the');
    expect(wrong.stderr).not.toContain('keep this page open');
  });

  it('bad usage exits 2 with the reason', async () => {
    expect((await run('bundles', 'frobnicate')).code).toBe(2);
    expect((await run('upload', 'x.zip')).code).toBe(2);
    expect((await run('serve', '--port', 'abc')).code).toBe(2);
    expect((await run('serve', '--store', 'ftp://bucket')).code).toBe(2);
    expect((await run('serve', '--store', 's3://')).code).toBe(2);
    expect((await run('serve', '--s3-path-style')).code).toBe(2);
    for (const bad of [
      ['--clock-skew', '-5'],
      ['--request-timeout', '0'],
      ['--headers-timeout', 'soon'],
      ['--upload-ttl', '-1'],
      ['--upload-ttl', '1.5'],
    ]) {
      const refused = await run('serve', ...bad, '--data', join(dir, 'refused', 'data'));
      expect(refused.code).toBe(2);
      // Refused before anything is written: no trial key set beside the data folder.
      expect(refused.stderr).not.toContain('created a trial key set');
    }
    await expect(access(join(dir, 'refused'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a key folder inside the data folder (exit 2), and creates nothing there', async () => {
    const data = join(dir, 'data-with-keys');
    await mkdir(data);
    const refused = await run('serve', '--port', '0', '--data', data, '--keys', join(data, 'keys'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('inside --data');
    await expect(access(join(data, 'keys'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
