import { expect, test } from './test.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/requests.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
});

test('the guard fails a page that fetches from another origin, and blocks the request', async ({
  page,
  guard,
}) => {
  const outcome = await page.evaluate(() => window.checks.fetchFrom('https://cdn.example.com/model.bin'));
  expect(outcome).toBe('failed');
  expect(() => guard.assertNoThirdPartyRequests()).toThrow(/cdn\.example\.com\/model\.bin/);
  expect(guard.takeOffenders().map((r) => r.url)).toEqual(['https://cdn.example.com/model.bin']);
});

test('the guard also sees requests made from a worker and from another port of the same host', async ({
  page,
  guard,
}) => {
  const port = new URL(page.url()).port;
  const otherPort = `http://127.0.0.1:${Number(port) + 1}/x`;
  await page.evaluate((u) => window.checks.fetchFromWorker(u), 'https://tracker.example.net/beacon');
  await page.evaluate((u) => window.checks.fetchFrom(u), otherPort);
  const urls = guard.takeOffenders().map((r) => r.url);
  expect(urls).toContain('https://tracker.example.net/beacon');
  expect(urls).toContain(otherPort);
});

test('raw MediaPipe tasks-vision 1.1.0 posts usage logs to Google when a task closes', async ({
  page,
  guard,
}) => {
  // The control for the next test: without dualrec's guard the leak is real.
  await page.evaluate(() => window.checks.rawMediaPipeCreateAndClose());
  await expect
    .poll(() => guard.offenders.map((r) => new URL(r.url).host))
    .toContain('odml.pa.googleapis.com');
  const leaked = guard.takeOffenders();
  expect(leaked.every((r) => r.method === 'POST')).toBe(true);
});

test('@dualrec/face creates and closes a FaceLandmarker without any usage-log request', async ({
  page,
  guard,
}) => {
  await page.evaluate(() => window.checks.dualrecCreateAndClose());
  // Give a would-be flush the same time the control test needed, then the auto guard checks.
  await page.waitForTimeout(1500);
  expect(guard.offenders).toEqual([]);
});
