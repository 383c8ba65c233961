/**
 * @dualrec/capture in headless Chromium with the fake camera and microphone: a 20 s recording
 * sealed chunk by chunk into IndexedDB (no plaintext stored or in the bundle), decrypted and read by
 * ffprobe; the support check; each capture failure with its own code and message.
 */
import { lenderKeys, probe } from './capture-support.js';
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }));

import type { Lab } from './capture-support.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/capture-lab.html');
  await page.waitForFunction(() => document.body.dataset.ready === '1');
});

test.afterEach(async ({ page }) => {
  await page.evaluate(() => (window as unknown as Lab).lab.cleanup?.());
});

test('support check: full mode here, with the recorder formats and storage', async ({ page }) => {
  const report = await page.evaluate(() => (window as unknown as Lab).lab.support());
  expect(report.mode).toBe('full');
  expect(report.reasons.filter((r: { severity: string }) => r.severity !== 'warning')).toEqual([]);
  expect(report.mimeTypes).toContain('video/webm;codecs=vp8,opus');
  expect(report.wasmSimd).toBe(true);
  expect(report.indexedDB).toBe(true);
  expect(report.webCrypto.ok).toBe(true);
  expect(report.storage.quota).toBeGreaterThan(0);
});

test('a 20 s recording: sealed chunks in IndexedDB, no plaintext anywhere, decrypts to a playable file, bundle verifies', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const keys = await lenderKeys();
  const r = await page.evaluate(([k]) => (window as unknown as Lab).lab.record(k, 20), [keys]);
  expect(r.chunkRows).toBeGreaterThanOrEqual(18);
  expect(r.plainHasEbml).toBe(true);
  expect(r.inStore).toEqual([]);
  expect(r.inBundle).toEqual([]);
  const p = probe(r.plain);
  expect(p.codecTypes).toEqual(['audio', 'video']);
  expect(Math.abs(p.duration - 20)).toBeLessThanOrEqual(1);
  expect(r.reasons).toEqual([]);
  expect(r.valid).toBe(true);
  expect(r.files[0]).toMatchObject({ name: 'media/recording-1.webm', role: 'recording' });
  expect(r.files[0].mediaType).toMatch(/^video\/webm/);
  const types = r.events.map((e: { type: string }) => e.type);
  expect(types).toEqual(
    expect.arrayContaining([
      'capture.camera.opened',
      'capture.recording.started',
      'capture.segment.start',
      'capture.segment.end',
      'capture.recording.stopped',
      'capture.recording.stats',
    ]),
  );
  const start = r.events.find((e: { type: string }) => e.type === 'capture.segment.start');
  const end = r.events.find((e: { type: string }) => e.type === 'capture.segment.end');
  expect(start.payload.at).toBeGreaterThanOrEqual(1400);
  expect(end.payload.at - start.payload.at).toBeGreaterThanOrEqual(16_500);
  const started = r.events.find((e: { type: string }) => e.type === 'capture.recording.started').payload;
  expect(started.storage.freeBytes).toBeGreaterThan(30e6);
  expect(typeof started.storage.persisted).toBe('boolean');
  const stats = r.events.find((e: { type: string }) => e.type === 'capture.recording.stats').payload;
  console.info(
    `20 s recording: ${r.chunkRows} chunks, ${stats.bitrateKbps} kbit/s, sealing overhead ${stats.sealedOverhead}, audio ${JSON.stringify(stats.audioLevel)}`,
  );
  // Padding each ~1 s chunk to a full 16 KiB record must stay a modest cost.
  expect(stats.sealedOverhead).toBeLessThan(0.25);
  expect(stats.video.width).toBe(640);
  expect(stats.bitrateKbps).toBeGreaterThan(50);
  expect(stats.audioLevel.samples).toBeGreaterThan(50);
  // The fixture is speech: not silent all along.
  expect(stats.audioLevel.silentFraction).toBeLessThan(0.9);
  // Nothing leaks: tracks stopped, recorder destroyed, audio analysis closed.
  expect(r.tracksEnded).toBe(true);
  expect(r.released).toBe(true);
});

test('no such camera → CAMERA_NOT_FOUND with advice', async ({ page }) => {
  const e = await page.evaluate(() => (window as unknown as Lab).lab.cameraNotFound());
  expect(e?.code).toBe('CAMERA_NOT_FOUND');
  expect(e?.en).toMatch(/camera/i);
  expect(e?.zh).toMatch(/摄像头/);
});

test('camera stopped mid-recording → CAMERA_ENDED; the part so far is kept and the bundle verifies', async ({
  page,
}) => {
  const keys = await lenderKeys();
  const r = await page.evaluate(([k]) => (window as unknown as Lab).lab.cameraStopped(k), [keys]);
  expect(r.error?.code).toBe('CAMERA_ENDED');
  expect(r.error?.zh).toMatch(/摄像头/);
  expect(r.summary.reason).toBe('CAMERA_ENDED');
  expect(r.summary.chunks).toBeGreaterThanOrEqual(2);
  expect(r.types).toContain('capture.camera.ended');
  expect(r.reasons).toEqual([]);
  expect(r.valid).toBe(true);
  expect(r.released).toBe(true);
});

test('storage running out → STORAGE_QUOTA_EXCEEDED, recorded chunks kept; no room at start → same code before recording', async ({
  page,
}) => {
  const keys = await lenderKeys();
  const r = await page.evaluate(([k]) => (window as unknown as Lab).lab.quota(k), [keys]);
  expect(r.error?.code).toBe('STORAGE_QUOTA_EXCEEDED');
  expect(r.error?.en).toMatch(/storage/i);
  expect(r.atStart?.code).toBe('STORAGE_QUOTA_EXCEEDED');
  expect(r.summary.reason).toBe('STORAGE_QUOTA_EXCEEDED');
  expect(r.plainBytes).toBeGreaterThan(0);
  expect(r.stopped).toMatchObject({ reason: 'STORAGE_QUOTA_EXCEEDED' });
  expect(r.reasons).toEqual([]);
  expect(r.valid).toBe(true);
});

test('recorder stalls while visible → RECORDER_FAILED; chunks so far kept, bundle verifies', async ({
  page,
}) => {
  const keys = await lenderKeys();
  const r = await page.evaluate(([k]) => (window as unknown as Lab).lab.recorderStall(k), [keys]);
  expect(r.error?.code).toBe('RECORDER_FAILED');
  expect(r.error?.zh).toMatch(/录制/);
  expect(r.summary.reason).toBe('RECORDER_FAILED');
  expect(r.summary.chunks).toBeGreaterThanOrEqual(2);
  expect(r.reasons).toEqual([]);
  expect(r.valid).toBe(true);
  expect(r.released).toBe(true);
});
