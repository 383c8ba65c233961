/** Read-aloud with digital silence as the fake microphone. */
import { expect, fakeMedia, test } from './test.js';

// biome-ignore lint/suspicious/noExplicitAny: event payloads are JSON read back from the page
type Payload = Record<string, any>;

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'audio/silence-5s.wav' }));

test('silence fails the read-aloud with "no-speech" after re-prompting', async ({ page }) => {
  await page.goto('/speech-lab.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const run = await page.evaluate(() =>
    window.speechLab.runScript({
      language: 'zh-CN',
      segments: ['disclosure'],
      silenceTimeoutMs: 2500,
      silero: true,
    }),
  );
  expect(run.result).toMatchObject({ outcome: 'failed', reasons: ['no-speech'] });
  const reprompts = run.events.filter((e) => e.type === 'speech.reprompt').map((e) => e.payload);
  expect(reprompts).toEqual([
    { segmentId: 'disclosure', nextAttempt: 2, reason: 'no-speech' },
    { segmentId: 'disclosure', nextAttempt: 3, reason: 'no-speech' },
  ]);
  const attempts = run.events.filter((e) => e.type === 'speech.attempt').map((e) => e.payload as Payload);
  expect(attempts).toHaveLength(3);
  for (const a of attempts) {
    expect(a).toMatchObject({ verdict: 'fail', reasons: ['no-speech'] });
    expect(a.speech).toMatchObject({ speechMs: 0, onsetMs: null });
    expect(a.speech.durationMs).toBeGreaterThan(2000);
    expect(a.modelVad).toMatchObject({ speechMs: 0, onsetMs: null });
  }
  expect(run.events.find((e) => e.type === 'speech.segment')?.payload).toMatchObject({
    outcome: 'failed',
    attempts: 3,
  });
  expect(run.leaks).toMatchObject({ timers: 0, listening: false, audioContext: 'closed' });
});
