/**
 * Crash safety (issue 16, finding 6): `dualrec serve` is killed (SIGKILL) after the last byte of
 * a bundle arrived and while it was being filed — the nonce already claimed, the bundle linked
 * into bundles/, no record yet — and started again on the same port. `dualrec upload`, still
 * waiting, must get its receipt; the bundle must be listed; the ticket must be used by exactly
 * that upload.
 *
 * The server is stopped at a known point without a test seam in its code: its TSA is a local
 * HTTP server that never answers, and the time-stamp request arriving there means every byte
 * was stored, the bundle verified and the nonce claimed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateDeviceKey, MemorySink, writeSampleBundle } from '@dualrec/evidence';
import { createKeySet, openIndex } from '@dualrec/server';
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
let tsa: Server;
let tsaUrl: string;
const tsaAsked: Array<() => void> = [];
const children: ChildProcess[] = [];

/** Starts `dualrec serve` with `args`; resolves with its URL once it listens. */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('node', [bin, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return new Promise((resolveUrl, reject) => {
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const found = /dualrec serve: (http:\/\/\S+)/.exec(err);
      if (found) resolveUrl({ child, url: found[1] as string });
    });
    child.once('exit', (code, signal) => reject(new Error(`serve exited ${code ?? signal}: ${err}`)));
  });
}

async function freePort(): Promise<number> {
  const probe = createHttpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualrec-crash-'));
  await createKeySet(join(dir, 'keys'));
  // A TSA that takes the request and never answers: the server is filing when it asks.
  tsa = createHttpServer((req) => {
    req.resume();
    for (const wake of tsaAsked.splice(0)) wake();
  });
  await new Promise<void>((r) => tsa.listen(0, '127.0.0.1', () => r()));
  tsaUrl = `http://127.0.0.1:${(tsa.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  tsa.closeAllConnections();
  await new Promise((r) => tsa.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('a server killed between the last byte and the receipt', () => {
  it('files the upload after a restart; the waiting client gets its receipt; the nonce is used by that upload', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    const common = [
      '--port',
      String(port),
      '--data',
      data,
      '--keys',
      join(dir, 'keys'),
      '--insecure-open-tickets',
      '--accept-synthetic',
    ];
    const first = await serve([...common, '--tsa', tsaUrl]);

    const deviceKey = await generateDeviceKey();
    const grant = (await (
      await fetch(`${first.url}/v1/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jkt: deviceKey.thumbprint,
          scriptId: 'consumer-loan-en',
          applicationRef: 'APP-7',
        }),
      })
    ).json()) as { ticket: string; sessionId: string; recipients: never[] };
    const sink = new MemorySink();
    await writeSampleBundle({
      sink,
      ticketSigningKey: undefined as never,
      recipients: grant.recipients,
      recording: [new Uint8Array(50_000).fill(3)],
      recordingType: 'video/webm',
      deviceKey,
      ticket: grant.ticket,
    });
    const file = join(dir, 'bundle.zip');
    await writeFile(file, await sink.bytes());

    const asked = new Promise<void>((r) => tsaAsked.push(r));
    const uploading = run('upload', file, '--to', `${first.url}/v1/uploads/`);
    await asked;
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    // The crash state: bytes stored, nothing filed in the index.
    const before = await run('bundles', 'list', '--data', data, '--json');
    expect(JSON.parse(before.stdout)).toEqual([]);

    await serve([...common, '--tsa', 'local']);
    const upload = await uploading;
    expect(upload.code, upload.stderr).toBe(0);
    const receipt = JSON.parse(upload.stdout) as { uploadId: string; verdict: string; timestamp: unknown };
    expect(receipt.verdict).toBe('valid');
    expect(receipt.timestamp).not.toBeNull();

    const list = await run('bundles', 'list', '--data', data, '--json');
    expect(
      (JSON.parse(list.stdout) as { uploadId: string; status: string }[]).map((b) => b.uploadId),
    ).toEqual([receipt.uploadId]);
    const index = await openIndex(`sqlite:${join(data, 'index.sqlite')}`);
    try {
      const nonce = JSON.parse(
        Buffer.from(grant.ticket.split('.')[1] as string, 'base64url').toString(),
      ).nonce;
      expect((await index.getTicket(nonce))?.usedBy).toBe(receipt.uploadId);
    } finally {
      await index.close();
    }
    // The ticket is used up: the same bundle again is refused.
    const again = await run(
      'upload',
      file,
      '--to',
      `${first.url}/v1/uploads/`,
      '--state',
      join(dir, 'other.json'),
    );
    expect(again.code).toBe(1);
  }, 180_000);
});
