/** @dualrec/face on `head-move-webcam`: a head turning left and right (about ±12–17° of yaw). */
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'head-move-webcam', microphone: 'audio/silence-5s.wav' }));

test('sees the yaw change and passes passive liveness', async ({ page }) => {
  await page.goto('/face-liveness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const clip = await page.evaluate(() => window.faceLiveness.measureClip(10_200));
  const [min, max] = clip.yaw as [number, number];
  expect(min).toBeLessThan(-8);
  expect(max).toBeGreaterThan(8);
  const [run] = await page.evaluate(() => window.faceLiveness.liveness({ challenges: [] }));
  expect(run?.verdict).toBe('passed');
});
