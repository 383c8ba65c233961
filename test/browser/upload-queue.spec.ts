/**
 * UploadQueue in Chromium against a real lender server: a sealed bundle is queued in IndexedDB,
 * the drain is cut by a page reload part-way, and after the reload the queue still holds the
 * bundle and the next drain resumes the same tus upload from the server's offset — no new upload
 * is created and no byte the server had acknowledged is sent again. The stored bundle is the
 * same bytes, verifies, and the receipt says valid; the queue is empty afterwards.
 *
 * The page talks to its own origin (as in production, where the lender serves page and endpoint
 * together); the spec forwards /v1/uploads/ to the server it started and watches each request.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  bytesSource,
  generateDeviceKey,
  MemorySink,
  sha256Hex,
  verify,
  writeSampleBundle,
} from '@dualrec/evidence';
import { loadLenderKeys } from '@dualrec/server';
import type { Receipt } from '@dualrec/upload';
import { useLenderServer } from './lender-server.js';
import type { UploadLab } from './pages/upload-queue.js';
import { expect, test } from './test.js';

const CHUNK = 64 * 1024;
const RELOAD_AFTER_ACKS = 4;

const lender = useLenderServer('upload-queue', { acceptSynthetic: true });

/** A real ~1 MB bundle for a ticket this server issued. */
async function makeBundle() {
  const deviceKey = await generateDeviceKey();
  const response = await fetch(`${lender.server.url}/v1/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jkt: deviceKey.thumbprint,
      scriptId: 'consumer-loan-zh-CN',
      applicationRef: 'APP-Q',
    }),
  });
  expect(response.status).toBe(201);
  const grant = (await response.json()) as { ticket: string; sessionId: string; recipients: never[] };
  const recording = new Uint8Array(1024 * 1024);
  for (let i = 0; i < recording.length; i += 65536) crypto.getRandomValues(recording.subarray(i, i + 65536));
  const sink = new MemorySink();
  await writeSampleBundle({
    sink,
    ticketSigningKey: undefined as never,
    recipients: grant.recipients,
    recording: [recording],
    recordingType: 'video/webm',
    deviceKey,
    ticket: grant.ticket,
  });
  return { grant, bytes: await sink.bytes() };
}

interface Seen {
  creates: number;
  patchBytes: number;
  acked: number;
  ackCount: number;
  resumeOffset: number | null;
}

test('queued bundle survives a reload mid-upload and resumes without re-sending acknowledged bytes', async ({
  page,
}) => {
  const { grant, bytes } = await makeBundle();
  const sha256 = await sha256Hex(bytes);
  const runs: Seen[] = [];
  const fresh = (): Seen => ({ creates: 0, patchBytes: 0, acked: 0, ackCount: 0, resumeOffset: null });
  let seen = fresh();
  let ackedEnough: () => void = () => {};
  const reloadPoint = new Promise<void>((resolve) => {
    ackedEnough = resolve;
  });

  await page.route(/\/v1\/uploads\//, async (route) => {
    const request = route.request();
    const target = new URL(request.url());
    const run = seen;
    if (request.method() === 'POST') run.creates++;
    if (request.method() === 'PATCH') {
      run.patchBytes += request.postDataBuffer()?.length ?? 0;
      // Slow enough that the reload lands part-way through the upload.
      await new Promise((r) => setTimeout(r, 40));
    }
    try {
      const response = await route.fetch({ url: `${lender.server.url}${target.pathname}${target.search}` });
      const offset = Number(response.headers()['upload-offset'] ?? Number.NaN);
      if (request.method() === 'HEAD' && run.resumeOffset === null && Number.isFinite(offset))
        run.resumeOffset = offset;
      await route.fulfill({ response });
      if (request.method() === 'PATCH' && response.status() === 204 && Number.isFinite(offset)) {
        run.acked = Math.max(run.acked, offset);
        if (++run.ackCount === RELOAD_AFTER_ACKS) ackedEnough();
      }
    } catch {
      // The page went away (the reload) while this request was in flight; nothing to answer.
    }
  });

  await page.goto('/upload-queue.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.evaluate((job) => (window as unknown as { lab: UploadLab }).lab.queueBundle(job), {
    sessionId: grant.sessionId,
    ticket: grant.ticket,
    sha256,
    base64: Buffer.from(bytes).toString('base64'),
  });

  // First drain, cut by a reload once a few chunks are acknowledged.
  const firstDrain = page
    .evaluate((chunk) => (window as unknown as { lab: UploadLab }).lab.drain(chunk), CHUNK)
    .catch(() => 'interrupted' as const);
  await reloadPoint;
  runs.push(seen);
  await page.reload();
  // Counted afresh only now: a PATCH the old page started after the 4th ack belongs to run one.
  seen = fresh();
  expect(await firstDrain).toBe('interrupted');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const [first] = runs as [Seen];
  expect(first.creates).toBe(1);
  expect(first.acked).toBeGreaterThanOrEqual(RELOAD_AFTER_ACKS * CHUNK);
  expect(first.acked).toBeLessThan(bytes.length);

  // The bundle is still queued after the reload (only a receipt removes it).
  const queued = await page.evaluate(() => (window as unknown as { lab: UploadLab }).lab.queued());
  expect(queued.map((q) => q.sessionId)).toEqual([grant.sessionId]);

  // Second drain: the same upload resumes from the server's offset.
  const results = await page.evaluate(
    (chunk) => (window as unknown as { lab: UploadLab }).lab.drain(chunk),
    CHUNK,
  );
  const second = seen;
  expect(results).toHaveLength(1);
  const result = results[0] as { status: string; receipt?: Receipt; error?: unknown };
  expect(result.error).toBeUndefined();
  expect(result.status).toBe('sent');
  const receipt = result.receipt as Receipt;
  expect(receipt).toMatchObject({
    sessionId: grant.sessionId,
    bundleSha256: sha256,
    verdict: 'valid',
    reasons: [],
  });

  expect(second.creates).toBe(0);
  expect(second.resumeOffset).not.toBeNull();
  const resumedAt = second.resumeOffset as number;
  expect(resumedAt).toBeGreaterThanOrEqual(first.acked);
  // Exactly the bytes the server did not have were sent after the reload.
  expect(second.patchBytes).toBe(bytes.length - resumedAt);

  // The queue let go of the bundle only once the receipt matched.
  expect(await page.evaluate(() => (window as unknown as { lab: UploadLab }).lab.queued())).toEqual([]);

  // What the lender stored is the bundle, byte for byte, and it verifies.
  const record = await lender.server.index.getBundle(receipt.uploadId);
  const stored = new Uint8Array(await readFile(join(lender.server.dataDir, record?.location ?? '')));
  expect(stored.length).toBe(bytes.length);
  expect(await sha256Hex(stored)).toBe(sha256);
  const keys = await loadLenderKeys(lender.keysDir);
  const verdict = await verify(bytesSource(stored), {
    ticketKeys: [keys.ticketSigningPublic as never],
    decryptionKeys: [keys.encryptionPrivate as never],
  });
  expect(verdict.valid).toBe(true);
});
