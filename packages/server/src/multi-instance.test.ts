/**
 * Several server instances on one PostgreSQL index (a real PostgreSQL, postgres-harness.ts):
 * the PgLocker excludes across instances and passes tus release requests between them, and an
 * upload started on instance A is finished on instance B (shared data folder: the storage all
 * instances share in the file-store set-up; the S3 variant is in s3-storage.test.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesSource, verify } from '@dualrec/evidence';
import { uploadBundle } from '@dualrec/upload';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../test-support/postgres-harness.js';
import { bundleFor, countingStack } from '../test-support/test-helpers.js';
import { createKeySet, loadLenderKeys } from './keys.js';
import { PgLocker } from './pg-locker.js';
import { createServer } from './server.js';

const pgAvailable = await startPostgres.available();
if (!pgAvailable)
  console.warn('multi-instance tests SKIPPED: PostgreSQL is not installed (apt package postgresql)');

describe.skipIf(!pgAvailable)('several instances on one PostgreSQL index', () => {
  let postgres: TestPostgres;
  let dir: string;
  beforeAll(async () => {
    postgres = await startPostgres();
    dir = await mkdtemp(join(tmpdir(), 'dualrec-multi-'));
  });
  afterAll(async () => {
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('PgLocker: a lock held by instance A is asked to release when B wants it, and B gets it after A unlocks', async () => {
    const a = await PgLocker.open(postgres.url);
    const b = await PgLocker.open(postgres.url, { acquireLockTimeout: 5000 });
    try {
      const lockA = a.newLock('upload-1');
      let releaseAsked = 0;
      await lockA.lock(new AbortController().signal, async () => {
        releaseAsked++;
        // The holder finishes its request, then unlocks (as a cancelled tus PATCH does).
        setTimeout(() => void lockA.unlock(), 100);
      });
      // Another id is independent.
      const other = b.newLock('upload-2');
      await other.lock(new AbortController().signal, () => {});
      await other.unlock();
      const started = Date.now();
      const lockB = b.newLock('upload-1');
      await lockB.lock(new AbortController().signal, () => {});
      expect(releaseAsked).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      // While B holds it, A cannot take it: it times out (B's holder ignores release requests).
      const a2 = await PgLocker.open(postgres.url, { acquireLockTimeout: 300 });
      await expect(a2.newLock('upload-1').lock(new AbortController().signal, () => {})).rejects.toMatchObject(
        {
          status_code: 500,
        },
      );
      await a2.close();
      await lockB.unlock();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a lock is released by PostgreSQL when its instance dies (connection closed)', async () => {
    const a = await PgLocker.open(postgres.url);
    const b = await PgLocker.open(postgres.url, { acquireLockTimeout: 5000 });
    try {
      await a.newLock('upload-3').lock(new AbortController().signal, () => {});
      await a.close();
      await b.newLock('upload-3').lock(new AbortController().signal, () => {});
    } finally {
      await b.close();
    }
  });

  it('an upload started on instance A resumes on instance B (HEAD + PATCH to B); the stored bundle verifies', async () => {
    const keysDir = join(dir, 'keys');
    await createKeySet(keysDir);
    const open = async () => {
      const s = await createServer({
        dataDir: join(dir, 'shared-data'),
        keysDir,
        port: 0,
        logger: pino({ level: 'silent' }),
        insecureOpenTickets: true,
        acceptSynthetic: true,
        db: postgres.url,
      });
      await s.listen();
      return s;
    };
    const a = await open();
    const b = await open();
    try {
      const { grant, bytes } = await bundleFor(a, 3 * 1024 * 1024);
      const { stack, counter } = countingStack();
      const seenByB: string[] = [];
      let patches = 0;
      const receipt = await uploadBundle({
        endpoint: `${a.url}/v1/uploads/`,
        source: bytes,
        sessionId: grant.sessionId,
        ticket: grant.ticket,
        chunkSize: 512 * 1024,
        httpStack: {
          getName: () => 'load-balancer',
          createRequest(method, url) {
            // After two chunks on A, the "load balancer" sends the client to B; the client's
            // retry then asks B for the offset (HEAD) and goes on there.
            const toB = patches >= 2;
            if (toB) seenByB.push(method);
            const request = stack.createRequest(method, toB ? url.replace(a.url, b.url) : url);
            const send = request.send.bind(request);
            request.send = async (body) => {
              if (method === 'PATCH') {
                patches++;
                if (patches === 3) throw new Error('connection to A lost');
              }
              return send(body);
            };
            return request;
          },
        },
        retryDelays: [50, 50, 50],
      });
      expect(seenByB).toContain('HEAD');
      expect(seenByB).toContain('PATCH');
      expect(receipt.verdict).toBe('valid');
      expect(counter.patchBytes).toBe(bytes.length);
      const record = await b.index.getBundle(receipt.uploadId);
      const stored = new Uint8Array(await readFile(join(b.dataDir, record?.location ?? '')));
      expect(Buffer.from(stored).equals(Buffer.from(bytes))).toBe(true);
      const keys = await loadLenderKeys(keysDir);
      expect(
        (await verify(bytesSource(stored), { ticketKeys: [keys.ticketSigningPublic as never] })).valid,
      ).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
