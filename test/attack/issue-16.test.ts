/**
 * Issue 16, attacked from outside as a hostile client would over loopback: one test per finding.
 * Each fails on the server as it was when the issue was filed and passes now. The server is
 * configured as a lender runs it (tickets only for a signed-in applicant, see lender.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bytesSource, generateDeviceKey, MemorySink, ZipArchive, ZipWriter } from '@dualrec/evidence';
import { createKeySet, createServer, openIndex } from '@dualrec/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  APPLICANT,
  bundleFor,
  create,
  type Lender,
  newDevice,
  nonceOf,
  patch,
  receipt,
  send,
  startLender,
} from './lender.js';

const MINUTE = 60_000;
const lenders: Lender[] = [];
async function lender(options: Parameters<typeof startLender>[0] = {}) {
  const started = await startLender({ acceptSynthetic: true, ...options });
  lenders.push(started);
  return started;
}
afterEach(async () => {
  for (const l of lenders.splice(0)) await l.stop();
});

describe('finding 1: an expired ticket is refused whatever the device claims', () => {
  it('a ticket that expired 90 minutes ago cannot start an upload, even with startedAt moved back', async () => {
    const l = await lender();
    const issuedAt = l.clock.now;
    const { grant, deviceKey } = await newDevice(l);
    const bytes = await bundleFor(grant, deviceKey, { startedAt: issuedAt + 1000 });
    l.clock.now = issuedAt + 120 * MINUTE;
    const attempt = await send(l, grant, bytes);
    expect(attempt.created.status).toBe(403);
    expect(attempt.created.body).toMatch(/TICKET_EXPIRED/);
  });
});

describe('finding 2: a failing bundle does not burn the nonce', () => {
  it('a bundle signed by another key is quarantined and the genuine device still gets a valid receipt', async () => {
    const l = await lender();
    const { grant, deviceKey } = await newDevice(l);
    const forged = await send(l, grant, await bundleFor(grant, await generateDeviceKey()));
    expect(forged.receipt?.body?.verdict).toBe('quarantined');
    expect((await l.server.index.getTicket(nonceOf(grant.ticket)))?.usedBy).toBeNull();
    const genuine = await send(l, grant, await bundleFor(grant, deviceKey));
    expect(genuine.receipt?.body?.verdict).toBe('valid');
  });
});

describe('finding 3: no tickets for strangers, no cross-site requests, no fabricated evidence', () => {
  it('refuses an anonymous request, a text/plain one and one from another site', async () => {
    const l = await lender({ acceptSynthetic: false });
    const jkt = (await generateDeviceKey()).thumbprint;
    const body = JSON.stringify({ jkt, scriptId: 'consumer-loan-en', applicationRef: 'VICTIM-APP' });
    const post = (headers: Record<string, string>) =>
      fetch(`${l.url}/v1/tickets`, { method: 'POST', headers, body });
    expect((await post({ 'content-type': 'application/json' })).status).toBe(401);
    expect((await post({ 'content-type': 'text/plain', ...APPLICANT })).status).toBe(415);
    expect(
      (await post({ 'content-type': 'application/json', origin: 'https://evil.example', ...APPLICANT }))
        .status,
    ).toBe(403);
  });

  it('the signed-in applicant gets a ticket for their own application only, and a synthetic bundle is not filed as valid', async () => {
    const l = await lender({ acceptSynthetic: false });
    const { grant, deviceKey } = await newDevice(l); // asks for LOAN-1; the hook decides anyway
    expect((await l.server.index.getTicket(nonceOf(grant.ticket)))?.applicationRef).toBe('LOAN-1');
    const sample = await send(l, grant, await bundleFor(grant, deviceKey));
    expect(sample.receipt?.body?.verdict).toBe('quarantined');
    expect(String(sample.receipt?.body?.reasons)).toMatch(/SYNTHETIC_REFUSED/);
  });
});

describe('finding 4: one ticket, one upload', () => {
  it('a second upload under a ticket whose first upload is in progress is refused', async () => {
    const l = await lender();
    const { grant, deviceKey } = await newDevice(l);
    const bytes = await bundleFor(grant, deviceKey);
    const first = await create(l, grant, bytes.length);
    expect((await patch(first.url as string, 0, bytes.subarray(0, 10), first.secret)).status).toBe(204);
    const results = await Promise.all(Array.from({ length: 5 }, () => create(l, grant, 512 * 1024 * 1024)));
    expect(results.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
  });
});

describe('finding 4: unfinished uploads expire', () => {
  it('a half-upload holding a ticket is deleted after the upload TTL; the genuine device then uploads', async () => {
    const l = await lender(); // the default TTL, 24 h
    const { grant, deviceKey } = await newDevice(l);
    const bytes = await bundleFor(grant, deviceKey);
    // Someone who saw the ticket starts first and sends a few bytes: the session is blocked.
    const squatter = await create(l, grant, bytes.length);
    expect((await patch(squatter.url as string, 0, bytes.subarray(0, 10), squatter.secret)).status).toBe(204);
    expect((await create(l, grant, bytes.length)).status).toBe(403);
    expect(await l.server.expireUploads()).toEqual({ deleted: 0 });
    // 25 hours later by the calendar (only Date is faked; the ticket is judged by the server's
    // own injected clock, which has not moved).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 25 * 3600_000);
      expect(await l.server.expireUploads()).toEqual({ deleted: 1 });
      const id = (squatter.url as string).split('/').pop() as string;
      await expect(stat(join(l.dir, 'data', 'uploads', id))).rejects.toMatchObject({ code: 'ENOENT' });
      const genuine = await send(l, grant, bytes);
      expect(genuine.receipt?.body?.verdict).toBe('valid');
      // A finished upload is evidence: never expired.
      vi.setSystemTime(Date.now() + 25 * 3600_000);
      expect(await l.server.expireUploads()).toEqual({ deleted: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a TTL of 0 never expires anything; a negative one is refused', async () => {
    const l = await lender({ uploadTtlMs: 0 });
    const { grant, deviceKey } = await newDevice(l);
    const bytes = await bundleFor(grant, deviceKey);
    const half = await create(l, grant, bytes.length);
    expect((await patch(half.url as string, 0, bytes.subarray(0, 10), half.secret)).status).toBe(204);
    await new Promise((r) => setTimeout(r, 20));
    expect(await l.server.expireUploads()).toEqual({ deleted: 0 });
    await expect(lender({ uploadTtlMs: -1 })).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });
});

describe('finding 5: bounded verification cost', () => {
  it('400 000 lines of {} are quarantined with a bounded list of reasons', async () => {
    const l = await lender();
    const { grant, deviceKey } = await newDevice(l);
    const archive = await ZipArchive.open(bytesSource(await bundleFor(grant, deviceKey)));
    const sink = new MemorySink();
    const writer = new ZipWriter(sink);
    for (const entry of archive.entries)
      await writer.addEntry(entry.name, [
        entry.name === 'events.jsonl'
          ? new TextEncoder().encode('{}\n'.repeat(400_000))
          : await archive.read(entry, 1 << 24),
      ]);
    await writer.finish();
    const attempt = await send(l, grant, await sink.bytes());
    expect(attempt.receipt?.body?.verdict).toBe('quarantined');
    const reasons = (attempt.receipt?.body?.reasons ?? []) as string[];
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.length).toBeLessThanOrEqual(101);
    // Each bad line named, up to the cap — not one crash of the verifier for the whole file.
    expect(reasons.join('\n')).toMatch(/EVENTS_MALFORMED \(events\.jsonl\): line 1: /);
    expect(reasons.join('\n')).not.toMatch(/Maximum call stack|UNREADABLE/);
  });
});

describe('finding 6: a crash between the last byte and the receipt does not strand the session', () => {
  const bin = resolve(import.meta.dirname, '../../packages/cli/bin/dualrec.js');
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  const serve = (args: string[]) =>
    new Promise<{ child: ChildProcess; url: string }>((resolveUrl, reject) => {
      const child = spawn('node', [bin, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      let err = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const found = /dualrec serve: (http:\/\/\S+)/.exec(err);
        if (found) resolveUrl({ child, url: found[1] as string });
      });
      child.once('exit', (code, signal) => reject(new Error(`serve exited ${code ?? signal}: ${err}`)));
    });

  it('SIGKILL while filing: after a restart the receipt appears, the bundle is listed, the nonce is used by it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dualrec-attack-crash-'));
    let wake: () => void = () => {};
    const asked = new Promise<void>((r) => (wake = r));
    const tsa = createHttpServer((req) => {
      req.resume();
      wake(); // never answers: the server is filing when it asks
    });
    try {
      await new Promise<void>((r) => tsa.listen(0, '127.0.0.1', () => r()));
      await createKeySet(join(dir, 'keys'));
      const probe = createHttpServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const data = join(dir, 'data');
      const args = [
        '--port',
        String(port),
        '--data',
        data,
        '--keys',
        join(dir, 'keys'),
        '--insecure-open-tickets',
      ];
      const first = await serve([
        ...args,
        '--accept-synthetic',
        '--tsa',
        `http://127.0.0.1:${(tsa.address() as AddressInfo).port}/`,
      ]);
      const target = { url: first.url } as Lender;
      const deviceKey = await generateDeviceKey();
      const grant = await (
        await fetch(`${first.url}/v1/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            jkt: deviceKey.thumbprint,
            scriptId: 'consumer-loan-en',
            applicationRef: 'A-6',
          }),
        })
      ).json();
      const bytes = await bundleFor(grant, deviceKey);
      const made = await create(target, grant, bytes.length);
      const lastPatch = patch(made.url as string, 0, bytes, made.secret).catch((e: Error) => e);
      await asked;
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      await lastPatch;
      await serve([...args, '--accept-synthetic', '--tsa', 'local']);
      const got = await receipt(made.url as string, made.secret);
      expect(got.status).toBe(200);
      expect(got.body?.verdict).toBe('valid');
      const index = await openIndex(`sqlite:${join(data, 'index.sqlite')}`);
      try {
        expect((await index.listBundles()).map((b) => b.uploadId)).toEqual([got.body?.uploadId]);
        expect((await index.getTicket(nonceOf(grant.ticket)))?.usedBy).toBe(got.body?.uploadId);
      } finally {
        await index.close();
      }
    } finally {
      tsa.closeAllConnections();
      await new Promise((r) => tsa.close(r));
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('finding 7: an upload URL alone is not a capability', () => {
  it('without the upload secret: HEAD, PATCH, DELETE and the receipt are refused; nobody can download', async () => {
    const l = await lender();
    const { grant, deviceKey } = await newDevice(l);
    const bytes = await bundleFor(grant, deviceKey);
    const made = await create(l, grant, bytes.length);
    const url = made.url as string;
    expect((await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } })).status).toBe(403);
    expect((await patch(url, 0, bytes.subarray(0, 10))).status).toBe(403);
    expect((await fetch(url, { method: 'DELETE', headers: { 'tus-resumable': '1.0.0' } })).status).toBe(403);
    expect((await patch(url, 0, bytes, made.secret)).status).toBe(204);
    expect((await receipt(url)).status).toBe(403);
    expect((await receipt(url, made.secret)).body?.verdict).toBe('valid');
    const download = await fetch(url);
    expect(download.status).not.toBe(200);
    expect((await fetch(url, { headers: { 'dualrec-upload-secret': made.secret } })).status).not.toBe(200);
  });
});

describe('finding 8: safe defaults', () => {
  it('refuses to run with the lender keys inside the data folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dualrec-attack-keys-'));
    try {
      await createKeySet(join(dir, 'data', 'keys'));
      await expect(
        createServer({
          dataDir: join(dir, 'data'),
          keysDir: join(dir, 'data', 'keys'),
          port: 0,
          logLevel: 'silent',
        }),
      ).rejects.toMatchObject({ code: 'BAD_USAGE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('evidence on disk is readable by the server user only (files 0600, folders 0700)', async () => {
    const l = await lender();
    const { grant, deviceKey } = await newDevice(l);
    await send(l, grant, await bundleFor(grant, deviceKey));
    const other = await newDevice(l);
    await send(l, other.grant, await bundleFor(other.grant, await generateDeviceKey()));
    const wrong: string[] = [];
    const walk = async (path: string): Promise<void> => {
      const info = await stat(path);
      const mode = info.mode & 0o777;
      if (info.isDirectory()) {
        if (mode !== 0o700) wrong.push(`${path} ${mode.toString(8)}`);
        for (const name of await readdir(path)) await walk(join(path, name));
      } else if (mode !== 0o600) wrong.push(`${path} ${mode.toString(8)}`);
    };
    await walk(l.server.dataDir);
    expect(wrong).toEqual([]);
  });

  it('a request body that never ends does not hold the socket for Node’s minutes', async () => {
    const l = await lender({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const { hostname, port } = new URL(l.url);
    const closed = await new Promise<boolean>((resolveClosed) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write(
          'POST /v1/tickets HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{',
        ),
      );
      socket.on('close', () => resolveClosed(true));
      socket.on('error', () => undefined);
      socket.resume();
    });
    expect(closed).toBe(true);
  }, 20_000);
});
