/**
 * The server's trust boundary (issue 16), over loopback with SQLite + disk and a clock the test
 * controls: ticket expiry and not-before by the server's clock (not the device's `startedAt`), the
 * nonce burnt only by a bundle that verified, one live upload per ticket, and the HTTP server's
 * timeouts and file modes.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesSource, generateDeviceKey, MemorySink, ZipArchive, ZipWriter } from '@dualrec/evidence';
import { uploadBundle } from '@dualrec/upload';
import { Upload } from '@tus/server';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../test-support/postgres-harness.js';
import { bundleFor, bundleWithTicket } from '../test-support/test-helpers.js';
import { openIndex } from './bundle-index.js';
import { diskStorage } from './bundle-storage.js';
import { createKeySet, defaultKeysDir, KEY_FILES, keysInsideData, loadLenderKeys } from './keys.js';
import { receiveBundle } from './receive.js';
import { createServer, type DualrecServer, type ServerOptions } from './server.js';
import { LocalTsa, type Timestamper } from './timestamp.js';

const silent = pino({ level: 'silent' });
const MINUTE = 60_000;
/** A second fingerprint store, so a second upload is really a second creation (POST). */
const noResume = {
  findAllUploads: async () => [],
  findUploadsByFingerprint: async () => [],
  removeUpload: async () => {},
  addUpload: async () => 'x',
};

let dir: string;
let keysDir: string;
const servers: DualrecServer[] = [];

/** A server whose clock is `clock.now` (ms); tickets last 30 minutes. */
async function start(clock: { now: number }, options: Partial<ServerOptions> = {}) {
  const server = await createServer({
    dataDir: join(dir, `data-${servers.length}`),
    keysDir,
    port: 0,
    logger: silent,
    tsa: 'none',
    now: () => new Date(clock.now),
    insecureOpenTickets: true,
    acceptSynthetic: true,
    ...options,
  });
  servers.push(server);
  await server.listen();
  return server;
}

const upload = (server: DualrecServer, bytes: Uint8Array, grant: { sessionId: string; ticket: string }) =>
  uploadBundle({
    endpoint: `${server.url}/v1/uploads/`,
    source: bytes,
    sessionId: grant.sessionId,
    ticket: grant.ticket,
    urlStorage: noResume,
    retryDelays: [],
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualrec-trust-'));
  keysDir = join(dir, 'keys');
  await createKeySet(keysDir);
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ticket expiry and not-before by the server clock', () => {
  it('refuses an upload created after the ticket expired, even when the device backdates startedAt', async () => {
    const issuedAt = Date.now();
    const clock = { now: issuedAt };
    const server = await start(clock);
    // The device claims the session started right after issuance...
    const { grant, bytes } = await bundleFor(server, 4096, { startedAt: issuedAt + 1000 });
    // ...but by the server's clock the ticket (30 min) expired 90 minutes ago.
    clock.now = issuedAt + 120 * MINUTE;
    await expect(upload(server, bytes, grant)).rejects.toMatchObject({
      code: 'UPLOAD_FAILED',
      context: { status: 403 },
    });
    await expect(upload(server, bytes, grant)).rejects.toThrow(/TICKET_EXPIRED/);
  });

  it('refuses an upload created before the ticket is valid (beyond the skew allowance)', async () => {
    const issuedAt = Date.now();
    const clock = { now: issuedAt };
    const server = await start(clock);
    const { grant, bytes } = await bundleFor(server, 4096, { startedAt: issuedAt + 1000 });
    clock.now = issuedAt - 2 * MINUTE;
    await expect(upload(server, bytes, grant)).rejects.toThrow(/TICKET_NOT_YET_VALID/);
  });

  it('accepts within the documented skew (60 s by default) and honours clockSkewSeconds', async () => {
    const issuedAt = Date.now();
    const clock = { now: issuedAt };
    const server = await start(clock);
    const a = await bundleFor(server, 4096, { startedAt: issuedAt + 1000 });
    clock.now = issuedAt + 30 * MINUTE + 50_000;
    expect((await upload(server, a.bytes, a.grant)).verdict).toBe('valid');

    const strict = await start(clock, { clockSkewSeconds: 0 });
    clock.now = issuedAt;
    const b = await bundleFor(strict, 4096, { startedAt: issuedAt + 1000 });
    clock.now = issuedAt + 30 * MINUTE + 50_000;
    await expect(upload(strict, b.bytes, b.grant)).rejects.toThrow(/TICKET_EXPIRED/);
  });

  it('an upload begun in time may finish after expiry (a slow network resumes)', async () => {
    const issuedAt = Date.now();
    const clock = { now: issuedAt };
    const server = await start(clock);
    const { grant, bytes } = await bundleFor(server, 64 * 1024, { startedAt: issuedAt + 1000 });
    clock.now = issuedAt + 29 * MINUTE;
    const receipt = await uploadBundle({
      endpoint: `${server.url}/v1/uploads/`,
      source: bytes,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      urlStorage: noResume,
      retryDelays: [],
      chunkSize: 16 * 1024,
      onProgress: (sent) => {
        // Creation happened at 29 min; the last chunks arrive after the ticket expired.
        if (sent > 0) clock.now = issuedAt + 45 * MINUTE;
      },
    });
    expect(receipt.verdict).toBe('valid');
  });

  it('at receipt: a finished upload the server never accepted a ticket for is judged by the server clock, not startedAt', async () => {
    const issuedAt = Date.now();
    const clock = { now: issuedAt };
    const server = await start(clock);
    const { grant, bytes } = await bundleFor(server, 4096, { startedAt: issuedAt + 1000 });
    const dataDir = server.dataDir;
    await server.close();
    servers.length = 0;
    // A lender's own pipeline wrote the finished upload straight into the tus area and calls
    // receiveBundle itself, 90 minutes after the ticket expired.
    const storage = await diskStorage(dataDir);
    const id = 'direct-upload-1';
    await storage.datastore.create(new Upload({ id, size: bytes.length, offset: 0, metadata: {} }));
    const { Readable } = await import('node:stream');
    await storage.datastore.write(Readable.from([Buffer.from(bytes)]), id, 0);
    const index = await openIndex(`sqlite:${join(dataDir, 'index.sqlite')}`);
    const keys = await loadLenderKeys(keysDir);
    try {
      const receipt = await receiveBundle(
        {
          storage,
          index,
          ticketKeys: [keys.ticketSigningPublic as never],
          timestamper: null,
          now: () => new Date(issuedAt + 120 * MINUTE),
        },
        { uploadId: id, declaredSessionId: grant.sessionId },
      );
      expect(receipt.verdict).toBe('quarantined');
      expect(receipt.reasons.join('\n')).toMatch(/^TICKET_EXPIRED: /m);
      // An expired ticket does not burn the nonce either.
      expect((await index.getTicket(nonceOf(grant.ticket)))?.usedBy).toBeNull();
    } finally {
      await index.close();
    }
  });
});

describe("the TSA's token is checked before it is filed", () => {
  it('a token over other bytes: the bundle is kept valid, no .tsr is stored, the receipt says TIMESTAMP_FAILED', async () => {
    const clock = { now: Date.now() };
    const server = await start(clock);
    const { grant, bytes } = await bundleFor(server, 4096);
    const dataDir = server.dataDir;
    await server.close();
    servers.length = 0;
    const storage = await diskStorage(dataDir);
    const id = 'direct-upload-tsa';
    await storage.datastore.create(new Upload({ id, size: bytes.length, offset: 0, metadata: {} }));
    const { Readable } = await import('node:stream');
    await storage.datastore.write(Readable.from([Buffer.from(bytes)]), id, 0);
    const index = await openIndex(`sqlite:${join(dataDir, 'index.sqlite')}`);
    const keys = await loadLenderKeys(keysDir);
    const tsa = await LocalTsa.open(join(dir, 'lying-tsa'));
    // A TSA that answers with a genuine token over something else.
    const lying: Timestamper = {
      certificatePath: tsa.certificatePath,
      stamp: () => tsa.stamp(new TextEncoder().encode('other bytes')),
    };
    try {
      const receipt = await receiveBundle(
        {
          storage,
          index,
          ticketKeys: [keys.ticketSigningPublic as never],
          timestamper: lying,
          now: () => new Date(clock.now),
          // The test bundle is a generated sample.
          acceptSynthetic: true,
        },
        { uploadId: id, declaredSessionId: grant.sessionId },
      );
      expect(receipt.verdict).toBe('valid');
      expect(receipt.timestamp).toBeNull();
      expect(receipt.reasons.join('\n')).toMatch(/^TIMESTAMP_FAILED: the TSA's token does not verify/m);
      const filed = await readdir(join(dataDir, receipt.verdict === 'valid' ? 'bundles' : 'quarantine'), {
        recursive: true,
      });
      expect(filed.filter((f) => String(f).endsWith('.tsr'))).toEqual([]);
    } finally {
      await index.close();
    }
  });
});

describe('the nonce is used up only by a bundle that verified', () => {
  it('a bundle signed by another device key is quarantined with its reason and the genuine device can still upload', async () => {
    const clock = { now: Date.now() };
    const server = await start(clock);
    // Whoever saw the ticket (it is readable in every manifest) signs a bundle with their own key.
    const { grant, deviceKey } = await bundleFor(server, 4096);
    const attacker = await bundleWithTicket(grant, await generateDeviceKey());
    const refused = await upload(server, attacker, grant);
    expect(refused.verdict).toBe('quarantined');
    expect(refused.reasons.join('\n')).toMatch(/^TICKET_KEY_MISMATCH/m);
    const record = await server.index.getBundle(refused.uploadId);
    const filed = JSON.parse(
      await readFile(
        join(server.dataDir, (record?.location ?? '').replace(/\.zip$/, '.reasons.json')),
        'utf8',
      ),
    );
    expect(filed.reasons).toEqual(refused.reasons);
    expect((await server.index.getTicket(nonceOf(grant.ticket)))?.usedBy).toBeNull();

    // The genuine device, with the same ticket, afterwards: accepted and valid.
    const genuine = await upload(server, await bundleWithTicket(grant, deviceKey), grant);
    expect(genuine.verdict).toBe('valid');
    expect((await server.index.getTicket(nonceOf(grant.ticket)))?.usedBy).toBe(genuine.uploadId);
    // And only then is the ticket used up.
    await expect(upload(server, await bundleWithTicket(grant, deviceKey), grant)).rejects.toMatchObject({
      context: { status: 403 },
    });
  });

  it('a tampered bundle (hash mismatch) does not burn the nonce either', async () => {
    const clock = { now: Date.now() };
    const server = await start(clock);
    const { grant, bytes, deviceKey } = await bundleFor(server, 4096);
    const tampered = bytes.slice();
    tampered[200] = (tampered[200] as number) ^ 0xff;
    expect((await upload(server, tampered, grant)).verdict).toBe('quarantined');
    expect((await upload(server, await bundleWithTicket(grant, deviceKey), grant)).verdict).toBe('valid');
  });
});

describe('bounded verification cost on receipt', () => {
  it('400 000 lines of {} in events.jsonl: quarantined with a bounded list of reasons, the nonce unused', async () => {
    const server = await start({ now: Date.now() });
    const { grant, bytes, deviceKey } = await bundleFor(server, 4096);
    const archive = await ZipArchive.open(bytesSource(bytes));
    const sink = new MemorySink();
    const writer = new ZipWriter(sink);
    for (const entry of archive.entries)
      await writer.addEntry(entry.name, [
        entry.name === 'events.jsonl'
          ? new TextEncoder().encode('{}\n'.repeat(400_000))
          : await archive.read(entry, 1 << 24),
      ]);
    await writer.finish();
    const receipt = await upload(server, await sink.bytes(), grant);
    expect(receipt.verdict).toBe('quarantined');
    expect(receipt.reasons.length).toBeLessThanOrEqual(101);
    expect(receipt.reasons.join('\n')).toMatch(/EVENTS_MALFORMED \(events\.jsonl\): line 1: /);
    expect((await upload(server, await bundleWithTicket(grant, deviceKey), grant)).verdict).toBe('valid');
  });
});

/** The upload secret each upload made by hand was created with (by its URL). */
const secrets = new Map<string, string>();
const secretHeader = (url: string) => ({ 'dualrec-upload-secret': secrets.get(url) ?? '' });
/** GET …/receipt with the upload's secret. */
const receiptFor = async (url: string) =>
  (await fetch(`${url}/receipt`, { headers: secretHeader(url) })).json();

/** tus by hand: a creation (POST) with the ticket, for `length` bytes. */
async function tusCreate(
  server: DualrecServer,
  grant: { sessionId: string; ticket: string },
  length: number,
) {
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  const secret = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  const response = await fetch(`${server.url}/v1/uploads/`, {
    method: 'POST',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-length': String(length),
      'upload-metadata': `ticket ${b64(grant.ticket)},sessionId ${b64(grant.sessionId)},uploadSecret ${b64(secret)}`,
    },
  });
  const location = response.headers.get('location');
  const url = location ? new URL(location, `${server.url}/v1/uploads/`).href : null;
  if (url) secrets.set(url, secret);
  return { status: response.status, body: await response.text(), url, secret };
}

async function tusPatch(url: string, offset: number, bytes: Uint8Array) {
  const response = await fetch(url, {
    method: 'PATCH',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      ...secretHeader(url),
    },
    body: Buffer.from(bytes),
  });
  return { status: response.status, body: await response.text() };
}

describe('one ticket, one live upload', () => {
  it('a second creation with the same ticket is refused (403) while the first upload is in progress', async () => {
    const server = await start({ now: Date.now() });
    const { grant, bytes } = await bundleFor(server, 4096);
    const first = await tusCreate(server, grant, bytes.length);
    expect(first.status).toBe(201);
    expect((await tusPatch(first.url as string, 0, bytes.subarray(0, 1000))).status).toBe(204);
    const second = await tusCreate(server, grant, bytes.length);
    expect(second.status).toBe(403);
    expect(second.body).toContain('still in progress');
    // The first upload carries on and files a valid bundle.
    const last = await tusPatch(first.url as string, 1000, bytes.subarray(1000));
    expect(last.status).toBe(204);
    const receipt = await receiptFor(first.url as string);
    expect(receipt.verdict).toBe('valid');
  });

  it('after the client terminates its upload (DELETE), the ticket can start a new one', async () => {
    const server = await start({ now: Date.now() });
    const { grant, bytes } = await bundleFor(server, 4096);
    const first = await tusCreate(server, grant, bytes.length);
    await tusPatch(first.url as string, 0, bytes.subarray(0, 1000));
    const deleted = await fetch(first.url as string, {
      method: 'DELETE',
      headers: { 'tus-resumable': '1.0.0', ...secretHeader(first.url as string) },
    });
    expect(deleted.status).toBe(204);
    expect((await upload(server, bytes, grant)).verdict).toBe('valid');
  });

  it('a creation retried after a lost response takes over an upload that has no byte yet; the orphan takes no bytes', async () => {
    const server = await start({ now: Date.now() });
    const { grant, bytes } = await bundleFor(server, 4096);
    const orphan = await tusCreate(server, grant, bytes.length);
    expect(orphan.status).toBe(201);
    const retried = await tusCreate(server, grant, bytes.length);
    expect(retried.status).toBe(201);
    const refused = await tusPatch(orphan.url as string, 0, bytes);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('bound to upload');
    expect((await tusPatch(retried.url as string, 0, bytes)).status).toBe(204);
  });

  it('a failed bundle frees the binding at once', async () => {
    const server = await start({ now: Date.now() });
    const { grant, deviceKey } = await bundleFor(server, 4096);
    const attacker = await bundleWithTicket(grant, await generateDeviceKey());
    const first = await tusCreate(server, grant, attacker.length);
    expect((await tusPatch(first.url as string, 0, attacker)).status).toBe(204);
    expect((await upload(server, await bundleWithTicket(grant, deviceKey), grant)).verdict).toBe('valid');
  });
});

describe('ticket issuance', () => {
  const body = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ jkt: 'a'.repeat(43), scriptId: 'consumer-loan-en', applicationRef: 'APP-1', ...extra });
  const ask = (server: DualrecServer, init: { headers?: Record<string, string>; body?: string } = {}) =>
    fetch(`${server.url}/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: init.body ?? body(),
    });

  it('refuses every request (403) unless authorizeTicket is wired or open issuance is asked for', async () => {
    const server = await start({ now: Date.now() }, { insecureOpenTickets: false });
    const response = await ask(server);
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatch(/not enabled/);
    await expect(
      start({ now: Date.now() }, { insecureOpenTickets: true, authorizeTicket: () => ({ refuse: 'x' }) }),
    ).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });

  it('refuses simple (CSRF-able) requests: text/plain, form bodies, no content type', async () => {
    const server = await start({ now: Date.now() });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])
      expect((await ask(server, { headers: { 'content-type': type } })).status).toBe(415);
    const none = await fetch(`${server.url}/v1/tickets`, { method: 'POST', body: new Blob([body()]) });
    expect(none.status).toBe(415);
  });

  it('checks Origin: this server and allowedOrigins pass, another site is refused', async () => {
    const server = await start({ now: Date.now() }, { allowedOrigins: ['https://loan.example.com'] });
    expect((await ask(server, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await ask(server, { headers: { origin: 'null' } })).status).toBe(403);
    expect((await ask(server, { headers: { origin: new URL(server.url).origin } })).status).toBe(201);
    const allowed = await ask(server, { headers: { origin: 'https://loan.example.com' } });
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://loan.example.com');
  });

  it('authorizeTicket decides: refusal (401/403) or the application and subject it names', async () => {
    const seen: string[] = [];
    const server = await start(
      { now: Date.now() },
      {
        insecureOpenTickets: false,
        authorizeTicket: ({ headers, requestedApplicationRef }) => {
          seen.push(String(requestedApplicationRef));
          if (headers.authorization === 'Bearer banned') return { refuse: 'account locked', status: 403 };
          if (headers.authorization !== 'Bearer alice') return { refuse: 'not signed in' };
          return { applicationRef: 'LOAN-42', subject: 'user:alice' };
        },
      },
    );
    const anonymous = await ask(server);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toBe('not signed in');
    expect((await ask(server, { headers: { authorization: 'Bearer banned' } })).status).toBe(403);
    const ok = await ask(server, {
      headers: { authorization: 'Bearer alice' },
      body: body({ applicationRef: 'SOMEONE-ELSES' }),
    });
    expect(ok.status).toBe(201);
    const grant = (await ok.json()) as { ticket: string };
    const issued = await server.index.getTicket(nonceOf(grant.ticket));
    expect(issued).toMatchObject({ applicationRef: 'LOAN-42', subject: 'user:alice' });
    expect(seen).toContain('SOMEONE-ELSES');
    // A body without applicationRef is fine with a hook (the lender's session decides it).
    const { applicationRef: _, ...rest } = JSON.parse(body()) as Record<string, unknown>;
    expect(
      (await ask(server, { headers: { authorization: 'Bearer alice' }, body: JSON.stringify(rest) })).status,
    ).toBe(201);
  });

  it('synthetic sample bundles are quarantined (SYNTHETIC_REFUSED) unless acceptSynthetic; the nonce stays unused', async () => {
    const server = await start({ now: Date.now() }, { acceptSynthetic: false });
    const { grant, bytes } = await bundleFor(server, 4096);
    const receipt = await upload(server, bytes, grant);
    expect(receipt.verdict).toBe('quarantined');
    expect(receipt.reasons.join('\n')).toMatch(/^SYNTHETIC_REFUSED: /m);
    expect((await server.index.getTicket(nonceOf(grant.ticket)))?.usedBy).toBeNull();
  });
});

describe('crash safety: filing is idempotent and recoverable', () => {
  it('an upload complete on disk without a bundle record is received by the start-up sweep and on a receipt GET', async () => {
    const clock = { now: Date.now() };
    const server = await start(clock);
    const { grant, bytes } = await bundleFor(server, 4096);
    // As a server killed right after the last byte leaves it: the upload accepted with its ticket
    // (index), every byte stored, onUploadFinish never run.
    const created = await tusCreate(server, grant, bytes.length);
    const id = (created.url as string).split('/').pop() as string;
    await server.storage.datastore.write(
      (await import('node:stream')).Readable.from([Buffer.from(bytes)]),
      id,
      0,
    );
    expect(await server.index.getBundle(id)).toBeNull();
    const dataDir = server.dataDir;
    await server.close();
    servers.length = 0;
    const again = await start(clock, { dataDir });
    expect(await again.recoverUploads()).toEqual({ received: expect.any(Number) });
    const record = await again.index.getBundle(id);
    expect(record?.status).toBe('valid');
    expect((await again.index.getTicket(nonceOf(grant.ticket)))?.usedBy).toBe(id);
    expect((await again.index.getUpload(id))?.finishedAt).toEqual(expect.any(String));
    // Receiving again changes nothing: the first receipt stands.
    const receipt = await (
      await fetch(`${again.url}/v1/uploads/${id}/receipt`, {
        headers: { 'dualrec-upload-secret': created.secret },
      })
    ).json();
    expect(receipt).toMatchObject({ uploadId: id, verdict: 'valid', receivedAt: record?.receivedAt });
  });

  it('a receipt GET receives a complete, unfiled upload by itself', async () => {
    const clock = { now: Date.now() };
    const server = await start(clock);
    const { grant, bytes } = await bundleFor(server, 4096);
    const created = await tusCreate(server, grant, bytes.length);
    const id = (created.url as string).split('/').pop() as string;
    await server.storage.datastore.write(
      (await import('node:stream')).Readable.from([Buffer.from(bytes)]),
      id,
      0,
    );
    const response = await fetch(`${server.url}/v1/uploads/${id}/receipt`, {
      headers: secretHeader(created.url as string),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).verdict).toBe('valid');
  });

  it('receiveBundle twice for one upload keeps the first receipt and the nonce claim', async () => {
    const clock = { now: Date.now() };
    const server = await start(clock);
    const { grant, bytes } = await bundleFor(server, 4096);
    const first = await upload(server, bytes, grant);
    const keys = await loadLenderKeys(keysDir);
    clock.now += 60_000;
    const second = await receiveBundle(
      {
        storage: server.storage,
        index: server.index,
        ticketKeys: [keys.ticketSigningPublic as never],
        timestamper: null,
      },
      { uploadId: first.uploadId, declaredSessionId: grant.sessionId },
    );
    expect(second).toEqual(first);
  });
});

describe('the upload capability (a per-upload secret bound at creation)', () => {
  it('creation without an upload secret is refused (400)', async () => {
    const server = await start({ now: Date.now() });
    const { grant } = await bundleFor(server, 4096);
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    const response = await fetch(`${server.url}/v1/uploads/`, {
      method: 'POST',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': '100',
        'upload-metadata': `ticket ${b64(grant.ticket)},sessionId ${b64(grant.sessionId)}`,
      },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/uploadSecret/);
  });

  it('HEAD, PATCH, DELETE and the receipt need the secret; the URL alone gets 403; GET downloads are off', async () => {
    const server = await start({ now: Date.now() });
    const { grant, bytes } = await bundleFor(server, 4096);
    const created = await tusCreate(server, grant, bytes.length);
    const url = created.url as string;
    const tus = { 'tus-resumable': '1.0.0' };
    const wrong = { 'dualrec-upload-secret': 'x'.repeat(43) };
    for (const headers of [tus, { ...tus, ...wrong }]) {
      expect((await fetch(url, { method: 'HEAD', headers })).status).toBe(403);
      expect((await fetch(url, { method: 'DELETE', headers })).status).toBe(403);
      const patch = await fetch(url, {
        method: 'PATCH',
        headers: { ...headers, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        body: Buffer.from(bytes.subarray(0, 100)),
      });
      expect(patch.status).toBe(403);
    }
    const head = await fetch(url, { method: 'HEAD', headers: { ...tus, ...secretHeader(url) } });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('0');
    // The stored metadata keeps neither the ticket nor the secret.
    expect(head.headers.get('upload-metadata') ?? '').not.toMatch(/uploadSecret|ticket/);
    expect((await tusPatch(url, 0, bytes)).status).toBe(204);
    expect((await fetch(`${url}/receipt`)).status).toBe(403);
    expect((await fetch(`${url}/receipt`, { headers: wrong })).status).toBe(403);
    expect((await receiptFor(url)).verdict).toBe('valid');
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url, { headers: secretHeader(url) })).status).toBe(405);
  });

  it('a lender credential (authorizeReceipt) reads receipts without the secret', async () => {
    const server = await start(
      { now: Date.now() },
      { authorizeReceipt: (req) => req.headers.authorization === 'Bearer back-office' },
    );
    const { grant, bytes } = await bundleFor(server, 4096);
    const receipt = await upload(server, bytes, grant);
    const path = `${server.url}/v1/uploads/${receipt.uploadId}/receipt`;
    expect((await fetch(path, { headers: { authorization: 'Bearer nope' } })).status).toBe(403);
    const read = await fetch(path, { headers: { authorization: 'Bearer back-office' } });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(receipt);
  });
});

describe('HTTP timeouts and file modes', () => {
  it('refuses nonsense timeouts and skew', async () => {
    for (const bad of [{ requestTimeoutMs: 0 }, { headersTimeoutMs: -1 }, { clockSkewSeconds: Number.NaN }])
      await expect(start({ now: Date.now() }, bad)).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });

  it('closes a connection whose request headers never end (headersTimeout)', async () => {
    const server = await start({ now: Date.now() }, { headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const { hostname, port } = new URL(server.url);
    const answer = await new Promise<string>((resolvePromise, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write('POST /v1/tickets HTTP/1.1\r\nHost: x\r\n'); // …and never the blank line
      });
      let got = '';
      socket.on('data', (chunk) => (got += chunk.toString()));
      socket.on('close', () => resolvePromise(got));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);

  it('closes a request whose body never ends (requestTimeout)', async () => {
    const server = await start({ now: Date.now() }, { headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const { hostname, port } = new URL(server.url);
    const answer = await new Promise<string>((resolvePromise, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          'POST /v1/tickets HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{',
        );
      });
      let got = '';
      socket.on('data', (chunk) => (got += chunk.toString()));
      socket.on('close', () => resolvePromise(got));
      socket.on('error', reject);
    });
    expect(answer === '' || /^HTTP\/1\.1 (408|500)/.test(answer)).toBe(true);
  }, 20_000);

  it('data files are 0600 and folders 0700 (uploads, bundles, quarantine, reasons, tokens, index, TSA)', async () => {
    const server = await start({ now: Date.now() }, { tsa: 'local' });
    const good = await bundleFor(server, 4096);
    expect((await upload(server, good.bytes, good.grant)).verdict).toBe('valid');
    const bad = await bundleFor(server, 4096);
    const tampered = bad.bytes.slice();
    tampered[200] = (tampered[200] as number) ^ 0xff;
    expect((await upload(server, tampered, bad.grant)).verdict).toBe('quarantined');
    const wrong: string[] = [];
    const seen = { files: 0, dirs: 0 };
    const walk = async (path: string): Promise<void> => {
      const info = await stat(path);
      const mode = info.mode & 0o777;
      if (info.isDirectory()) {
        seen.dirs++;
        if (mode !== 0o700) wrong.push(`${path} ${mode.toString(8)}`);
        for (const name of await readdir(path)) await walk(join(path, name));
      } else {
        seen.files++;
        if (mode !== 0o600) wrong.push(`${path} ${mode.toString(8)}`);
      }
    };
    await walk(server.dataDir);
    expect(wrong).toEqual([]);
    expect(seen.dirs).toBeGreaterThanOrEqual(4); // data, uploads, bundles/YYYY-MM, quarantine, tsa
    expect(seen.files).toBeGreaterThanOrEqual(8);
  });
});

const pgAvailable = await startPostgres.available();
describe.each([{ name: 'SQLite', pg: false }, ...(pgAvailable ? [{ name: 'PostgreSQL', pg: true }] : [])])(
  'the index binds a ticket to one upload ($name)',
  ({ pg }) => {
    it('bindTicket is a conditional insert; releaseBinding frees only its own upload', async () => {
      const postgres = pg ? await startPostgres() : null;
      const index = await openIndex(postgres ? postgres.url : `sqlite:${join(dir, 'bind-index.sqlite')}`);
      try {
        const at = new Date().toISOString();
        expect(await index.bindTicket({ nonce: 'n1', uploadId: 'u1', boundAt: at })).toBe(true);
        expect(await index.bindTicket({ nonce: 'n1', uploadId: 'u2', boundAt: at })).toBe(false);
        await index.releaseBinding('n1', 'u2'); // not its binding: nothing changes
        expect((await index.getBinding('n1'))?.uploadId).toBe('u1');
        await index.releaseBinding('n1', 'u1');
        expect(await index.getBinding('n1')).toBeNull();
        expect(await index.bindTicket({ nonce: 'n1', uploadId: 'u2', boundAt: at })).toBe(true);
        await index.addUpload({ uploadId: 'u2', nonce: 'n1', createdAt: at });
        expect(await index.getUpload('u2')).toEqual({ uploadId: 'u2', nonce: 'n1', createdAt: at });
      } finally {
        await index.close();
        await postgres?.stop();
      }
    }, 60_000);
  },
);

function nonceOf(ticket: string): string {
  const payload = JSON.parse(Buffer.from(ticket.split('.')[1] as string, 'base64url').toString('utf8'));
  return payload.nonce as string;
}

describe('the lender keys stay out of the data folder', () => {
  it('refuses a key folder that is the data folder or inside it, before creating anything', async () => {
    const dataDir = join(dir, 'keys-inside');
    const inside = join(dataDir, 'keys');
    await createKeySet(inside);
    await expect(
      createServer({ dataDir, keysDir: inside, port: 0, logger: silent, tsa: 'none' }),
    ).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(
      createServer({ dataDir: inside, keysDir: inside, port: 0, logger: silent, tsa: 'none' }),
    ).rejects.toMatchObject({ code: 'BAD_USAGE' });
    // Nothing was written into the data folder by the refused start.
    expect((await readdir(dataDir)).sort()).toEqual(['keys']);
    expect(keysInsideData(join(dir, 'keys-inside-2'), dataDir)).toBe(false);
    expect(defaultKeysDir(join(dir, 'somewhere', 'data'))).toBe(join(dir, 'somewhere', 'dualrec-keys'));
  });

  it('with the encryption private key removed, the server still issues tickets and files valid bundles', async () => {
    const keysOnly = join(dir, 'server-keys');
    await createKeySet(keysOnly);
    await rm(join(keysOnly, KEY_FILES.encryptionPrivate));
    const server = await start({ now: Date.now() }, { keysDir: keysOnly });
    const { bytes, grant } = await bundleFor(server);
    const receipt = await upload(server, bytes, grant);
    expect(receipt.verdict).toBe('valid');
  });
});
