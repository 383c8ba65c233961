/** A still photo (the astronaut portrait) held in front of the camera. */
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'photo-attack-astronaut', microphone: 'audio/silence-5s.wav' }));

test('fails passive liveness', async ({ page }) => {
  await page.goto('/face-liveness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const [run] = await page.evaluate(() =>
    window.faceLiveness.liveness({ challenges: [], passiveTimeoutMs: 6000 }),
  );
  expect(run).toMatchObject({ verdict: 'failed', reasons: ['passive-failed'] });
  expect(run?.passive).toMatchObject({ live: false, blinks: 0 });
  expect(run?.bestFrame).toBeUndefined();
});
