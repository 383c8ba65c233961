/** Lip–voice sync, photo: camera photo-attack-grid-s2, microphone face-video/talking-grid-s2.wav. */

import { LIP_SYNC_SECONDS, type LipSyncRun } from './speech-lipsync.js';
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'photo-attack-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }));

test('lip sync, photo', async ({ page }) => {
  await page.goto('/speech-lab.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const run: LipSyncRun = await page.evaluate((s) => window.speechLab.lipSync(s), LIP_SYNC_SECONDS);
  console.log(
    `lip sync photo: ${JSON.stringify({ ...run.score, frames: run.frames, faces: run.faces, jawMax: run.jawMax, speechRatio: run.speech.speechRatio })}`,
  );
  // The face is seen in (nearly) every analysed frame. How many frames a busy machine analyses
  // in LIP_SYNC_SECONDS varies (45–133 in our runs); whether they are enough is
  // lipSyncScore's own judgement (issue 'too-few-samples'), not a frame-rate threshold here.
  expect(run.frames).toBeGreaterThanOrEqual(20);
  expect(run.faces).toBeGreaterThanOrEqual(run.frames * 0.9);
  expect(run.speech.speechMs).toBeGreaterThan(1500);
  // A still photo of the same person while his recording plays: the mouth never moves.
  expect(run.score).toMatchObject({ score: 0, issue: 'mouth-static' });
});

test('the runner fails a read-aloud done by a photo with a recording playing: "mouth-not-moving"', async ({
  page,
}) => {
  await page.goto('/speech-lab.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const run = await page.evaluate(() =>
    window.speechLab.runScript({
      language: 'zh-CN',
      segments: ['disclosure'],
      maxDurationMs: 5000,
      mouth: true,
    }),
  );
  const attempts = run.events.filter((e) => e.type === 'speech.attempt').map((e) => e.payload);
  expect(attempts.length).toBeGreaterThanOrEqual(1);
  for (const a of attempts) {
    expect(a.reasons).toContain('mouth-not-moving');
    expect(a.lipSync).toMatchObject({ score: 0, issue: 'mouth-static' });
  }
  expect(run.result.outcome).toBe('failed');
  expect(run.result.reasons).toContain('mouth-not-moving');
  expect(run.leaks).toMatchObject({ timers: 0, listening: false, audioContext: 'closed' });
});
