/** Lip–voice sync, matched: camera talking-grid-s2, microphone face-video/talking-grid-s2.wav. */

import { LIP_SYNC_SECONDS, type LipSyncRun } from './speech-lipsync.js';
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }));

test('lip sync, matched', async ({ page }) => {
  await page.goto('/speech-lab.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const run: LipSyncRun = await page.evaluate((s) => window.speechLab.lipSync(s), LIP_SYNC_SECONDS);
  console.log(
    `lip sync matched: ${JSON.stringify({ ...run.score, frames: run.frames, faces: run.faces, jawMax: run.jawMax, speechRatio: run.speech.speechRatio })}`,
  );
  expect(run.faces).toBeGreaterThan(50);
  expect(run.speech.speechMs).toBeGreaterThan(1500);
  // The person's own voice: the mouth opens with the sound.
  expect(run.score.issue).toBeNull();
  expect(run.score.score).toBeGreaterThan(0.5);
});
