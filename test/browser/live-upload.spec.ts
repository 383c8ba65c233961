/**
 * Upload while recording, in Chromium with a fake camera against a real lender server (the spec
 * forwards /v1/tickets and /v1/uploads/ to it and watches every tus request):
 * 1. during the recording the server already holds a growing number of bytes, and those bytes are
 *    the first bytes of the final bundle; after the seal only the tail is sent (one HEAD, then the
 *    rest); no byte is sent twice; the stored bundle verifies with the lender's keys and its
 *    SHA-256 is the receipt's;
 * 2. a reload mid-recording: the next visit seals the session as interrupted and finishes the same
 *    upload from the server's offset (no new upload, no byte sent again); the stored bundle is
 *    intact and its SHA-256 is the receipt's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesSource, openBundle, sha256Hex, verify } from '@dualrec/evidence';
import { loadLenderKeys, receiptOf } from '@dualrec/server';
import type { Page } from '@playwright/test';
import { describeRun, driveFlow } from './flow-driver.js';
import { useLenderServer } from './lender-server.js';
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }));
test.use({ viewport: { width: 360, height: 780 } });

const lender = useLenderServer('live-upload');

interface Seen {
  method: string;
  upload: string;
  at: number;
  bytes: number;
  status: number;
  offset: number | null;
}

/** Forwards the lender endpoints to the server; records every tus request. */
async function forward(page: Page, seen: Seen[], onAck?: (s: Seen) => Promise<void>) {
  await page.route(/\/v1\/(tickets|uploads)/, async (route) => {
    const request = route.request();
    const target = new URL(request.url());
    const bytes = request.method() === 'PATCH' ? (request.postDataBuffer()?.length ?? 0) : 0;
    try {
      const response = await route.fetch({ url: `${lender.server.url}${target.pathname}${target.search}` });
      if (target.pathname.startsWith('/v1/uploads')) {
        const location = response.headers().location;
        const upload = (location ?? target.pathname).split('/').filter(Boolean).pop() ?? '';
        const offset = Number(response.headers()['upload-offset'] ?? Number.NaN);
        const entry: Seen = {
          method: request.method(),
          upload,
          at: Date.now(),
          bytes,
          status: response.status(),
          offset: Number.isFinite(offset) ? offset : null,
        };
        seen.push(entry);
        if (entry.method === 'PATCH' && entry.status === 204) await onAck?.(entry);
      }
      await route.fulfill({ response });
    } catch {
      // The page went away (a reload) while this request was in flight.
    }
  });
}

async function storedBundle(uploadId: string): Promise<Uint8Array> {
  const record = await lender.server.index.getBundle(uploadId);
  return new Uint8Array(await readFile(join(lender.server.dataDir, record?.location ?? '')));
}

test('the recording reaches the server while it runs; after the seal only the tail is sent', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const seen: Seen[] = [];
  let snapshot: Uint8Array | null = null;
  let recordingAcks = 0;
  await forward(page, seen, async (ack) => {
    // Mid-recording, keep what the server holds of the upload: it must be the final bundle's start.
    const recording = await page
      .locator('dualrec-flow')
      .evaluate((el) => el.shadowRoot?.querySelector('main')?.dataset.step === 'recording')
      .catch(() => false);
    if (!recording) return;
    if (++recordingAcks === 2)
      snapshot = new Uint8Array(await readFile(join(lender.server.dataDir, 'uploads', ack.upload)));
  });
  await page.goto('/live-upload.html');
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  await page.evaluate(() => window.liveUpload.start());
  const result = await driveFlow(page);
  const events = await page.evaluate(() => window.liveUpload.events());
  expect(result.status, describeRun(result)).toBe('complete');
  const complete = await page.evaluate(() => window.liveUpload.complete());
  const receipt = complete.receipt?.raw as { uploadId: string; bundleSha256: string; verdict: string };
  const uploadAt =
    events.find((e) => e.type === 'dualrec-step' && (e.detail as { step: string }).step === 'upload')?.at ??
    0;

  // One upload, created when the recording started (deferred length), finished after the seal.
  const creates = seen.filter((s) => s.method === 'POST');
  expect(creates).toHaveLength(1);
  expect(creates[0]?.upload).toBe(receipt.uploadId);
  const patches = seen.filter((s) => s.method === 'PATCH' && s.status === 204);
  const live = patches.filter((s) => s.at < uploadAt);
  const tail = patches.filter((s) => s.at >= uploadAt);
  expect(recordingAcks).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < live.length; i++) expect(live[i]?.offset).toBeGreaterThan(live[i - 1]?.offset ?? 0);
  const heads = seen.filter((s) => s.method === 'HEAD');
  expect(heads).toHaveLength(1);
  const liveBytes = live.reduce((n, s) => n + s.bytes, 0);
  const tailBytes = tail.reduce((n, s) => n + s.bytes, 0);
  expect(heads[0]?.offset).toBe(liveBytes);
  expect(liveBytes + tailBytes).toBe(complete.bundleSize); // nothing sent twice

  const stored = await storedBundle(receipt.uploadId);
  expect(stored.length).toBe(complete.bundleSize);
  expect(await sha256Hex(stored)).toBe(receipt.bundleSha256);
  expect(receipt.bundleSha256).toBe(complete.bundleSha256);
  expect(receipt.verdict).toBe('valid');
  const snap = snapshot as Uint8Array | null;
  expect(snap?.length ?? 0).toBeGreaterThan(0);
  expect(Buffer.from(stored.subarray(0, snap?.length ?? 0)).equals(Buffer.from(snap ?? []))).toBe(true);
  const keys = await loadLenderKeys(lender.keysDir);
  const opened = await openBundle(bytesSource(stored), {
    ticketKeys: [keys.ticketSigningPublic as never],
    decryptionKey: keys.encryptionPrivate as never,
  });
  expect(opened.verdict.reasons).toEqual([]);
  console.log(
    `live upload: bundle ${complete.bundleSize} B; ${liveBytes} B in ${live.length} PATCHes before the upload step, ${tailBytes} B after (${tail.length} PATCH)`,
  );
  expect(await page.evaluate(() => window.liveUpload.storedSessions())).toBe(0);
});

test('a reload mid-recording: the next visit finishes the same upload from the server offset, nothing sent twice', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const seen: Seen[] = [];
  let acks = 0;
  let reloadPoint: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => {
    reloadPoint = resolve;
  });
  await forward(page, seen, async () => {
    if (++acks === 3) reloadPoint();
  });
  await page.goto('/live-upload.html');
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  await page.evaluate(() => window.liveUpload.start());
  const stopDriving = new AbortController();
  const first = driveFlow(page, { timeoutMs: 200_000, signal: stopDriving.signal }).catch(() => null);
  await enough;
  stopDriving.abort();
  await page.reload();
  const reloadedAt = Date.now();
  await first;
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  // A new visit: its support step seals what the reload interrupted and sends it in the background.
  await page.evaluate(() => window.liveUpload.start());
  await page.waitForFunction(
    () => window.liveUpload.events().some((e) => e.type === 'dualrec-recovered'),
    undefined,
    { timeout: 120_000 },
  );
  const events = await page.evaluate(() => window.liveUpload.events());
  const recovered = events.find((e) => e.type === 'dualrec-recovered')?.detail as {
    status: string;
    sessionId: string;
  };
  expect(recovered.status).toBe('sent');

  const creates = seen.filter((s) => s.method === 'POST');
  expect(creates).toHaveLength(1); // the live upload; recovery created none
  const id = creates[0]?.upload as string;
  const before = seen.filter(
    (s) => s.upload === id && s.method === 'PATCH' && s.status === 204 && s.at < reloadedAt,
  );
  const after = seen.filter((s) => s.upload === id && s.method === 'PATCH' && s.at >= reloadedAt);
  const heads = seen.filter((s) => s.upload === id && s.method === 'HEAD');
  const sentBefore = before.reduce((n, s) => n + s.bytes, 0);
  expect(sentBefore).toBeGreaterThan(0);
  expect(heads[0]?.offset).toBe(sentBefore);
  // The receipt as the lender's index holds it (over HTTP it needs the upload's secret, which
  // only the page has).
  const filed = await lender.server.index.getBundle(id);
  if (!filed) throw new Error(`no bundle record for upload ${id}`);
  const receipt = receiptOf(filed);
  expect(receipt.sessionId).toBe(recovered.sessionId);
  const stored = await storedBundle(id);
  expect(after.reduce((n, s) => n + s.bytes, 0)).toBe(stored.length - sentBefore); // nothing twice
  expect(await sha256Hex(stored)).toBe(receipt.bundleSha256);
  const keys = await loadLenderKeys(lender.keysDir);
  const verdict = await verify(bytesSource(stored), {
    ticketKeys: [keys.ticketSigningPublic as never],
    decryptionKeys: [keys.encryptionPrivate as never],
  });
  // Interrupted: the script segments never read are reported; every byte is intact and signed.
  const codes = verdict.reasons.map((r) => r.code);
  expect(codes).toEqual(['EVENTS_INCOMPLETE']);
  console.log(
    `reload: bundle ${stored.length} B; ${sentBefore} B sent before the reload (${before.length} PATCHes), ${stored.length - sentBefore} B after; reasons ${codes.join(', ') || 'none'}`,
  );
});
