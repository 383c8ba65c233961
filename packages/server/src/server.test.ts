/**
 * The server and the upload client over loopback: tickets, a tus upload with receipt, a tampered
 * bundle in quarantine, a replayed ticket refused, the RFC 3161 token checked with OpenSSL, a
 * client network drop mid-upload and a server restart mid-upload (neither re-sends acknowledged
 * bytes). The same suite runs against SQLite and, when PostgreSQL binaries are installed,
 * against a real PostgreSQL started for the test (see postgres-harness.ts).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesSource, SIGNATURE_FILE, verify, ZipArchive } from '@dualrec/evidence';
import { type Receipt, uploadBundle } from '@dualrec/upload';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../test-support/postgres-harness.js';
import { bundleFor, countingStack } from '../test-support/test-helpers.js';
import { createKeySet, loadLenderKeys } from './keys.js';
import { createServer, type DualrecServer } from './server.js';
import { verifyTimestampToken } from './timestamp.js';

const silent = pino({ level: 'silent' });

const backends: { name: string; db: () => Promise<string | undefined> }[] = [
  { name: 'SQLite', db: async () => undefined },
];
let postgres: TestPostgres | null = null;
const pgAvailable = await startPostgres.available();
if (pgAvailable) {
  backends.push({
    name: 'PostgreSQL',
    db: async () => {
      postgres ??= await startPostgres();
      return postgres.url;
    },
  });
}
afterAll(async () => {
  await postgres?.stop();
});

describe.each(backends)('server + upload over loopback ($name)', ({ db }) => {
  let dir: string;
  let keysDir: string;
  let server: DualrecServer;
  let dbUrl: string | undefined;
  const start = async (port = 0) => {
    const s = await createServer({
      dataDir: join(dir, 'data'),
      keysDir,
      port,
      logger: silent,
      ...(dbUrl ? { db: dbUrl } : {}),
    });
    await s.listen();
    return s;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dualrec-server-'));
    keysDir = join(dir, 'keys');
    await createKeySet(keysDir);
    dbUrl = await db();
    server = await start();
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers health and readiness', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { index: string }).index).toBe(dbUrl ? 'postgres' : 'sqlite');
  });

  it('refuses malformed ticket requests with the field named', async () => {
    const response = await fetch(`${server.url}/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jkt: 'short', scriptId: 's', applicationRef: 'a' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('jkt');
  });

  it('receives a bundle: receipt with hash and verdict, stored bundle verifies, TSA token covers the signature', async () => {
    const { grant, bytes } = await bundleFor(server);
    const receipt = await uploadBundle({
      endpoint: `${server.url}/v1/uploads/`,
      source: bytes,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
    });
    expect(receipt.verdict).toBe('valid');
    expect(receipt.reasons).toEqual([]);
    expect(receipt.sessionId).toBe(grant.sessionId);
    expect(receipt.timestamp?.tsa).toContain('dualrec local TSA');
    const record = await server.index.getBundle(receipt.uploadId);
    const stored = new Uint8Array(await readFile(join(server.dataDir, record?.location ?? '')));
    expect(stored).toEqual(bytes);
    const keys = await loadLenderKeys(keysDir);
    const verdict = await verify(bytesSource(stored), {
      ticketKeys: [keys.ticketSigningPublic as never],
      decryptionKeys: [keys.encryptionPrivate as never],
    });
    expect(verdict.valid).toBe(true);
    // The token is over the manifest signature as stored, from the TSA whose certificate we hold.
    const archive = await ZipArchive.open(bytesSource(stored));
    const signature = await archive.read(archive.get(SIGNATURE_FILE) as never, 65536);
    const token = new Uint8Array(
      await readFile(join(server.dataDir, (record?.location ?? '').replace(/\.zip$/, '.tsr'))),
    );
    const check = await verifyTimestampToken(token, signature, server.tsaCertificate as string);
    expect(check.valid).toBe(true);
    const other = await verifyTimestampToken(
      token,
      new Uint8Array(signature).fill(1, 0, 1),
      server.tsaCertificate as string,
    );
    expect(other.valid).toBe(false);
    // GET …/receipt gives the same receipt.
    const again = (await (
      await fetch(`${server.url}/v1/uploads/${receipt.uploadId}/receipt`)
    ).json()) as Receipt;
    expect(again).toEqual(receipt);
  });

  it('a replayed ticket is refused: a second upload with the same ticket cannot even start', async () => {
    const { grant, bytes } = await bundleFor(server);
    await uploadBundle({
      endpoint: `${server.url}/v1/uploads/`,
      source: bytes,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
    });
    const replay = uploadBundle({
      endpoint: `${server.url}/v1/uploads/`,
      source: bytes.slice(),
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      // A different fingerprint store, as a second device would have.
      urlStorage: {
        findAllUploads: async () => [],
        findUploadsByFingerprint: async () => [],
        removeUpload: async () => {},
        addUpload: async () => 'x',
      },
      retryDelays: [],
    });
    await expect(replay).rejects.toMatchObject({ code: 'UPLOAD_FAILED', context: { status: 403 } });
  });

  it('a bundle that claims a ticket this server never issued is refused before any byte is stored', async () => {
    const { grant, bytes } = await bundleFor(server);
    const forged = `${grant.ticket.slice(0, -4)}AAAA`;
    await expect(
      uploadBundle({
        endpoint: `${server.url}/v1/uploads/`,
        source: bytes,
        sessionId: grant.sessionId,
        ticket: forged,
        retryDelays: [],
      }),
    ).rejects.toMatchObject({ code: 'UPLOAD_FAILED', context: { status: 403 } });
  });

  it('a tampered bundle is quarantined with reasons, never dropped', async () => {
    const { grant, bytes } = await bundleFor(server);
    const tampered = bytes.slice();
    tampered[200] = (tampered[200] as number) ^ 0xff;
    const receipt = await uploadBundle({
      endpoint: `${server.url}/v1/uploads/`,
      source: tampered,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
    });
    expect(receipt.verdict).toBe('quarantined');
    expect(receipt.reasons.length).toBeGreaterThan(0);
    const record = await server.index.getBundle(receipt.uploadId);
    expect(record?.location).toMatch(/^quarantine\//);
    const reasons = JSON.parse(
      await readFile(join(server.dataDir, `quarantine/${receipt.uploadId}.reasons.json`), 'utf8'),
    );
    expect(reasons.reasons).toEqual(receipt.reasons);
    expect((await stat(join(server.dataDir, record?.location ?? ''))).size).toBe(tampered.length);
  });

  it('network drop on the client mid-upload: resumes from the server offset, acknowledged bytes are not sent again', async () => {
    const { grant, bytes } = await bundleFor(server, 3 * 1024 * 1024);
    const { stack, counter } = countingStack();
    let dropped = false;
    const receipt = await uploadBundle({
      endpoint: `${server.url}/v1/uploads/`,
      source: bytes,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      chunkSize: 256 * 1024,
      httpStack: {
        getName: () => 'dropping',
        createRequest(method, url) {
          const request = stack.createRequest(method, url);
          const send = request.send.bind(request);
          request.send = async (body) => {
            // The fourth chunk never arrives: the connection "drops" before it is sent.
            if (method === 'PATCH' && !dropped && counter.patchBytes >= 3 * 256 * 1024) {
              dropped = true;
              throw new Error('network down');
            }
            return send(body);
          };
          return request;
        },
      },
      retryDelays: [50, 50, 50],
    });
    expect(dropped).toBe(true);
    expect(receipt.verdict).toBe('valid');
    expect(counter.patchBytes).toBe(bytes.length);
  });

  it('server restart mid-upload: the client finishes without re-sending acknowledged bytes and the bundle verifies', async () => {
    const { grant, bytes } = await bundleFor(server, 3 * 1024 * 1024);
    const { stack, counter } = countingStack();
    const port = Number(new URL(server.url).port);
    let restarted: Promise<void> | null = null;
    const receipt = await uploadBundle({
      endpoint: `${server.url}/v1/uploads/`,
      source: bytes,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      chunkSize: 512 * 1024,
      httpStack: stack,
      onProgress: (sent) => {
        if (sent >= 1024 * 1024 && !restarted) {
          restarted = (async () => {
            await server.close();
            server = await start(port);
          })();
        }
      },
      retryDelays: [200, 500, 1000, 1000, 2000, 2000],
    });
    await restarted;
    expect(receipt.verdict).toBe('valid');
    // Acknowledged chunks are never re-sent; at most the one in flight when the server went away.
    expect(counter.patchBytes).toBeLessThanOrEqual(bytes.length + 512 * 1024);
    const record = await server.index.getBundle(receipt.uploadId);
    expect(new Uint8Array(await readFile(join(server.dataDir, record?.location ?? '')))).toEqual(bytes);
  });
});
