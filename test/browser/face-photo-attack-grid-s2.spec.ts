/**
 * A still photo of the same person as `talking-grid-s2` (a victim's photo): it fails the passive
 * check, and the active flow times a blink challenge out, retries it, counts the failures and
 * locks out once the (configured) limit is reached.
 */
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'photo-attack-grid-s2', microphone: 'audio/silence-5s.wav' }));

test.beforeEach(async ({ page }) => {
  await page.goto('/face-liveness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
});

test('fails passive liveness', async ({ page }) => {
  const [run] = await page.evaluate(() =>
    window.faceLiveness.liveness({ challenges: [], passiveTimeoutMs: 6000 }),
  );
  expect(run).toMatchObject({ verdict: 'failed', reasons: ['passive-failed'] });
  expect(run?.passive).toMatchObject({ live: false, blinks: 0 });
});

test('active: challenge time-out, one retry, then lock-out after the failure limit', async ({ page }) => {
  const runs = await page.evaluate(() =>
    window.faceLiveness.liveness(
      {
        challenges: ['blink'],
        challengeTimeoutMs: 2000,
        retriesPerChallenge: 1,
        limiter: { maxFailures: 2, cooldownMs: 60_000 },
      },
      3,
    ),
  );
  expect(runs.map((r) => r.verdict)).toEqual(['failed', 'failed', 'locked-out']);
  expect(runs[0]?.reasons).toEqual(['challenge-timeout']);
  const failures = runs[0]?.events.filter((e) => e.type === 'face.challenge.failed');
  expect(failures?.map((e) => [e.attempt, e.retry])).toEqual([
    [1, true],
    [2, false],
  ]);
  const locked = runs[2]?.events.find((e) => e.type === 'face.liveness.result');
  expect(locked).toMatchObject({ verdict: 'locked-out' });
  expect(typeof locked?.lockedUntil).toBe('number');
});
