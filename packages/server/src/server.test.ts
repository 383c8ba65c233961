/**
 * The server and the upload client over loopback: tickets, a tus upload with receipt, a tampered
 * bundle in quarantine, a replayed ticket refused, the RFC 3161 token checked with OpenSSL, a
 * client network drop mid-upload and a server restart mid-upload (neither re-sends acknowledged
 * bytes). The same suite runs against SQLite + files on disk; when PostgreSQL binaries are
 * installed, against a real PostgreSQL started for the test (test-support/postgres-harness.ts);
 * and when an S3-compatible server with multipart upload runs here (test-support/s3-harness.ts:
 * a throw-away Ceph RADOS Gateway), against PostgreSQL (else SQLite) + bundles in S3 through
 * @tus/s3-store. S3-only behaviour (the bucket layout, two instances) is in s3-storage.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesSource, SIGNATURE_FILE, sha256Hex, verify, ZipArchive } from '@dualrec/evidence';
import { type Receipt, uploadBundle } from '@dualrec/upload';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../test-support/postgres-harness.js';
import { getS3Object, s3KeyOf, s3StorageOptions, startS3, type TestS3 } from '../test-support/s3-harness.js';
import { bundleFor, countingStack, droppingStack, sameBytes } from '../test-support/test-helpers.js';
import type { S3StorageOptions } from './bundle-storage.js';
import { createKeySet, loadLenderKeys } from './keys.js';
import { createServer, type DualrecServer } from './server.js';
import { verifyTimestampToken } from './timestamp.js';

const silent = pino({ level: 'silent' });

interface Backend {
  name: string;
  db: () => Promise<string | undefined>;
  storage?: () => S3StorageOptions;
  /** Where a stored file's bytes are read from, given its index location. */
  read: (server: DualrecServer, location: string) => Promise<Uint8Array>;
  /** PATCH size for the fault tests (S3 parts are at least 5 MiB). */
  chunk: number;
}

const onDisk = async (server: DualrecServer, location: string) =>
  new Uint8Array(await readFile(join(server.dataDir, location)));
let postgres: TestPostgres | null = null;
const postgresUrl = async () => {
  postgres ??= await startPostgres();
  return postgres.url;
};
const backends: Backend[] = [
  { name: 'SQLite, disk', db: async () => undefined, read: onDisk, chunk: 512 * 1024 },
];
const pgAvailable = await startPostgres.available();
if (pgAvailable)
  backends.push({ name: 'PostgreSQL, disk', db: postgresUrl, read: onDisk, chunk: 512 * 1024 });

let s3: TestS3 | null = null;
try {
  s3 = await startS3();
  if (s3.multipartMissing) throw new Error(`${s3.name} lacks ${s3.multipartMissing}`);
  const t = s3;
  backends.push({
    name: `${pgAvailable ? 'PostgreSQL' : 'SQLite'}, S3 (${t.name})`,
    db: pgAvailable ? postgresUrl : async () => undefined,
    storage: () => s3StorageOptions(t),
    read: (_server, location) => getS3Object(t, s3KeyOf(t, location)),
    chunk: 5 * 1024 * 1024,
  });
} catch (error) {
  console.warn(`server suite on S3 SKIPPED: ${(error as Error).message}`);
}
afterAll(async () => {
  await postgres?.stop();
  await s3?.stop();
});

describe.each(backends)('server + upload over loopback ($name)', (backend) => {
  let dir: string;
  let keysDir: string;
  let server: DualrecServer;
  let dbUrl: string | undefined;
  let storage: S3StorageOptions | undefined;
  const start = async (port = 0) => {
    const s = await createServer({
      dataDir: join(dir, 'data'),
      keysDir,
      port,
      logger: silent,
      insecureOpenTickets: true,
      acceptSynthetic: true,
      authorizeReceipt: (req) => req.headers.authorization === 'Bearer lender',
      ...(dbUrl ? { db: dbUrl } : {}),
      ...(storage ? { storage } : {}),
    });
    await s.listen();
    return s;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dualrec-server-'));
    keysDir = join(dir, 'keys');
    await createKeySet(keysDir);
    dbUrl = await backend.db();
    storage = backend.storage?.();
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
    expect(await ready.json()).toMatchObject({
      index: dbUrl ? 'postgres' : 'sqlite',
      storage: storage ? 's3' : 'disk',
    });
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
    const location = record?.location ?? '';
    const stored = await backend.read(server, location);
    expect(sameBytes(stored, bytes)).toBe(true);
    // Identified two ways: the file's bytes and the signed manifest inside it.
    const storedArchive = await ZipArchive.open(bytesSource(stored));
    const manifestBytes = await storedArchive.read(storedArchive.get('manifest.json') as never, 1 << 20);
    expect(receipt.manifestSha256).toBe(await sha256Hex(manifestBytes));
    expect(receipt.bundleSha256).toBe(await sha256Hex(stored));
    expect(record?.manifestSha256).toBe(receipt.manifestSha256);
    const keys = await loadLenderKeys(keysDir);
    const verdict = await verify(bytesSource(stored), {
      ticketKeys: [keys.ticketSigningPublic as never],
      decryptionKeys: [keys.encryptionPrivate as never],
    });
    expect(verdict.valid).toBe(true);
    // The token is over the manifest signature as stored, from the TSA whose certificate we hold.
    const archive = await ZipArchive.open(bytesSource(stored));
    const signature = await archive.read(archive.get(SIGNATURE_FILE) as never, 65536);
    const token = await backend.read(server, location.replace(/\.zip$/, '.tsr'));
    const check = await verifyTimestampToken(token, signature, server.tsaCertificate as string);
    expect(check.valid).toBe(true);
    const other = await verifyTimestampToken(
      token,
      new Uint8Array(signature).fill(1, 0, 1),
      server.tsaCertificate as string,
    );
    expect(other.valid).toBe(false);
    // GET …/receipt gives the same receipt to the lender's credential (and to no one without it
    // or the upload's secret).
    const receiptUrl = `${server.url}/v1/uploads/${receipt.uploadId}/receipt`;
    expect((await fetch(receiptUrl)).status).toBe(403);
    const again = (await (
      await fetch(receiptUrl, { headers: { authorization: 'Bearer lender' } })
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
    const location = (await server.index.getBundle(receipt.uploadId))?.location ?? '';
    expect(location).toMatch(backend.storage ? /^s3:\/\/[^/]+\/.*\/quarantine\// : /^quarantine\//);
    const reasons = JSON.parse(
      new TextDecoder().decode(await backend.read(server, location.replace(/\.zip$/, '.reasons.json'))),
    );
    expect(reasons.reasons).toEqual(receipt.reasons);
    expect(sameBytes(await backend.read(server, location), tampered)).toBe(true);
  });

  it('network drop on the client mid-upload: resumes from the server offset, acknowledged bytes are not sent again', async () => {
    const { grant, bytes } = await bundleFor(server, Math.round(backend.chunk * 2.4));
    // The second chunk never arrives: the connection "drops" before it is sent.
    const { stack, counter, state } = droppingStack(backend.chunk);
    const receipt = await uploadBundle({
      endpoint: `${server.url}/v1/uploads/`,
      source: bytes,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      chunkSize: backend.chunk,
      httpStack: stack,
      retryDelays: [50, 50, 50],
    });
    expect(state.dropped).toBe(true);
    expect(receipt.verdict).toBe('valid');
    expect(counter.patchBytes).toBe(bytes.length);
  });

  it('server restart mid-upload: the client finishes without re-sending acknowledged bytes and the bundle verifies', async () => {
    const { grant, bytes } = await bundleFor(server, Math.round(backend.chunk * 2.4));
    const { stack, counter } = countingStack();
    const port = Number(new URL(server.url).port);
    let restarted: Promise<void> | null = null;
    const receipt = await uploadBundle({
      endpoint: `${server.url}/v1/uploads/`,
      source: bytes,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      chunkSize: backend.chunk,
      httpStack: stack,
      onProgress: (sent) => {
        if (sent >= backend.chunk && !restarted) {
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
    expect(counter.patchBytes).toBeLessThanOrEqual(bytes.length + backend.chunk);
    const record = await server.index.getBundle(receipt.uploadId);
    const stored = await backend.read(server, record?.location ?? '');
    expect(sameBytes(stored, bytes)).toBe(true);
    // Identified two ways: the file's bytes and the signed manifest inside it.
    const storedArchive = await ZipArchive.open(bytesSource(stored));
    const manifestBytes = await storedArchive.read(storedArchive.get('manifest.json') as never, 1 << 20);
    expect(receipt.manifestSha256).toBe(await sha256Hex(manifestBytes));
    expect(receipt.bundleSha256).toBe(await sha256Hex(stored));
    expect(record?.manifestSha256).toBe(receipt.manifestSha256);
    const keys = await loadLenderKeys(keysDir);
    expect(
      (await verify(bytesSource(stored), { ticketKeys: [keys.ticketSigningPublic as never] })).valid,
    ).toBe(true);
  });
});
