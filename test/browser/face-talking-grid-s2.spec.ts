/** Passive liveness on `talking-grid-s2` (a real person talking to the camera). */
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'audio/silence-5s.wav' }));

test('passes passive liveness', async ({ page }) => {
  await page.goto('/face-liveness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const [run] = await page.evaluate(() => window.faceLiveness.liveness({ challenges: [] }));
  expect(run).toMatchObject({ verdict: 'passed', reasons: [] });
  expect(run?.passive.live).toBe(true);
});
