/**
 * Crash recovery: the page reloads 10 s into a recording; recoverSessions() finds the session,
 * seals it as interrupted, and the bundle verifies with the first ~10 s and an interruption event.
 */
import { lenderKeys, probe } from './capture-support.js';
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }));

import type { Lab } from './capture-support.js';

test('reload at 10 s → recover → sealed as interrupted: bundle verifies, first 10 s kept', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const keys = await lenderKeys();
  const ready = () => page.waitForFunction(() => document.body.dataset.ready === '1');
  await page.goto('/capture-lab.html');
  await ready();
  await page.evaluate(() => (window as unknown as Lab).lab.cleanup());
  await page.evaluate(([k]) => (window as unknown as Lab).lab.startForReload(k), [keys]);
  await page.waitForTimeout(10_000);
  const storedBefore = await page.evaluate(() => (window as unknown as Lab).lab.storedChunks());
  expect(storedBefore).toBeGreaterThanOrEqual(8);
  await page.reload();
  await ready();
  const r = await page.evaluate(([k]) => (window as unknown as Lab).lab.recoverAndSeal(k), [keys]);
  expect(r.before.parts[0].status).toBe('recording');
  expect(r.reasons).toEqual([]);
  expect(r.valid).toBe(true);
  expect(r.files.map((f: { name: string }) => f.name)).toEqual([
    'media/recording-1.webm',
    'media/id-card-front.jpg',
    'events.jsonl',
  ]);
  // The still sealed before the reload: in the bundle, decrypts to the same bytes, listed exactly
  // as addMedia() said, and never stored in plaintext.
  expect(r.stillSame).toBe(true);
  expect(r.stillInManifest).toEqual(r.stillEntry);
  expect(r.stillInStore).toEqual([]);
  const types = r.events.map((e: { type: string }) => e.type);
  expect(types.slice(-2)).toEqual(['capture.interrupted', 'session.end']);
  const gap = r.events.find((e: { type: string }) => e.type === 'capture.interrupted').payload;
  expect(gap.reason).toBe('page-reload');
  expect(gap.parts[0]).toMatchObject({ part: 1, name: 'media/recording-1.webm' });
  expect(r.events.at(-1).payload.status).toBe('interrupted');
  const p = probe(r.plain);
  expect(p.codecTypes).toEqual(['audio', 'video']);
  expect(Math.abs(p.duration - 10)).toBeLessThanOrEqual(1.5);
  expect(r.inStore).toEqual([]);
  expect(r.left).toBe(0);
});

test('reload → recover → continue: a second part after a gap event; the bundle holds both parts and verifies', async ({
  page,
}) => {
  const keys = await lenderKeys();
  const ready = () => page.waitForFunction(() => document.body.dataset.ready === '1');
  await page.goto('/capture-lab.html');
  await ready();
  await page.evaluate(() => (window as unknown as Lab).lab.cleanup());
  await page.evaluate(([k]) => (window as unknown as Lab).lab.startForReload(k), [keys]);
  await page.waitForTimeout(3_000);
  await page.reload();
  await ready();
  const r = await page.evaluate(([k]) => (window as unknown as Lab).lab.recoverAndContinue(k), [keys]);
  expect(r.reasons).toEqual([]);
  expect(r.valid).toBe(true);
  expect(r.files.map((f: { name: string; role: string }) => `${f.name}:${f.role}`)).toEqual([
    'media/recording-1.webm:recording',
    'media/recording-2.webm:recording',
    'media/id-card-front.jpg:id-card',
    'events.jsonl:events',
  ]);
  expect(r.parts.map((p: { status: string }) => p.status)).toEqual(['interrupted', 'finished']);
  const types: string[] = r.events.map((e: { type: string }) => e.type);
  const gapAt = types.indexOf('capture.interrupted');
  expect(gapAt).toBeGreaterThan(0);
  expect(types.indexOf('capture.recording.started', gapAt)).toBeGreaterThan(gapAt);
  // t keeps going across the reload (restored from the last event plus the wall-clock gap).
  const ts: number[] = r.events.map((e: { t: number }) => e.t);
  expect(ts).toEqual([...ts].sort((a, b) => a - b));
  const gap = r.events[gapAt].payload;
  expect(gap.gapMs).toBeGreaterThanOrEqual(0);
  const p2 = probe(r.part2);
  expect(p2.codecTypes).toEqual(['audio', 'video']);
  expect(p2.duration).toBeGreaterThan(1.5);
});
