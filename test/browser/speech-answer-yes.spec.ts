/** The English answer recogniser (SoundSwallower, self-hosted) hearing an espeak-ng "yes" on the fake microphone. */
import { resolve } from 'node:path';
import { REPO_ROOT } from './chromium.js';
import { expect, fakeMedia, test } from './test.js';

test.use(
  fakeMedia({
    camera: 'talking-grid-s2',
    microphone: resolve(REPO_ROOT, 'test/fixtures/speech/answer-yes.wav'),
  }),
);

test('a spoken "yes" to an English question ends the flow as completed', async ({ page, guard }) => {
  await page.goto('/speech-lab.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const run = await page.evaluate(() =>
    window.speechLab.runScript({ language: 'en', segments: ['confirm-terms', 'closing'], recogniser: true }),
  );
  const attempts = run.events.filter((e) => e.type === 'speech.attempt');
  console.log(
    `answer yes: recogniser load ${Math.round(run.loadMs)} ms, attempts ${JSON.stringify(attempts.map((a) => [a.payload.verdict, a.payload.answer, a.sealed?.transcript]))}`,
  );
  expect(run.result.outcome).toBe('completed');
  const last = attempts.at(-1);
  expect(last?.payload).toMatchObject({
    verdict: 'pass',
    contentChecked: true,
    recogniser: 'soundswallower-en-us-answers/0.6.3',
    answer: { decision: 'accept' },
  });
  // The transcript is personal: it is only in the sealed part.
  expect(last?.sealed?.transcript).toEqual(expect.any(String));
  expect(JSON.stringify(last?.payload)).not.toContain('transcript');
  expect(run.events.filter((e) => e.type === 'speech.segment').map((e) => e.payload.outcome)).toEqual([
    'passed',
    'shown',
  ]);
  expect(guard.seen.some((u) => u.endsWith('/dualrec-assets/soundswallower/model/en-us/mdef'))).toBe(true);
  expect(run.leaks).toMatchObject({ timers: 0, listening: false, audioContext: 'closed' });
});
