/**
 * A flow that fails must say why in its test's failure message and in the demo's log: the error's
 * code, step, message and detail, then the element's last events (issue 20). Here the lender's
 * ticket endpoint is down (503), so the flow stops with a typed error, and `describeRun` must
 * carry all of it.
 */
import { describeRun, driveFlow } from './flow-driver.js';
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }));

test('a failed flow is described by code, step, message and its last events', async ({ page }) => {
  test.setTimeout(120_000);
  await page.route('**/v1/tickets', (route) => route.fulfill({ status: 503, body: 'down for maintenance' }));
  await page.goto('/sdk-flow.html');
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  await page.evaluate(() =>
    window.sdkFlow.start({
      locale: 'en',
      elderMode: false,
      steps: ['support', 'consent', 'liveness'],
      passive: true,
      short: true,
    }),
  );
  const result = await driveFlow(page);
  expect(result.status).toBe('error');
  const error = result.error;
  if (!error) throw new Error(`no error event: ${describeRun(result)}`);
  expect(error.code).toBe('SESSION_TICKET_FAILED');
  const text = describeRun(result);
  const [head, steps, label, ...trail] = text.split('\n');
  expect(head).toBe(
    `the flow failed with ${error.code} in ${error.step ?? 'the session'}: ${error.message}${error.detail ? ` (${error.detail})` : ''}`,
  );
  expect(error.step).toBe('support');
  expect(error.detail).toContain('HTTP 503');
  expect(steps).toBe('steps: support');
  expect(label).toBe('last events:');
  // Each with its time: the state machine's failure (with its detail), then the error event.
  expect(trail.some((l) => /^ {2}\d+\.\d s {2}state failed .*HTTP 503/.test(l))).toBe(true);
  expect(trail.at(-1)).toMatch(new RegExp(`^ {2}\\d+\\.\\d s {2}error ${error.code} in support: `));
  expect(trail.length).toBeLessThanOrEqual(20);
});
