/** Read-aloud with the Mandarin disclosure (espeak-ng) as the fake microphone. */
import { expect, fakeMedia, test } from './test.js';

// biome-ignore lint/suspicious/noExplicitAny: event payloads are JSON read back from the page
type Payload = Record<string, any>;

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'audio/disclosure-cmn.wav' }));

test('a read-aloud segment passes the voice checks (energy VAD and Silero), with the script fingerprint and segment events logged', async ({
  page,
}) => {
  await page.goto('/speech-lab.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const run = await page.evaluate(() =>
    window.speechLab.runScript({
      language: 'zh-CN',
      segments: ['apr', 'disclosure'],
      maxDurationMs: 10_000,
      silero: true,
    }),
  );
  console.log(
    `read-aloud (disclosure-cmn.wav): ${JSON.stringify(run.events.find((e) => e.type === 'speech.attempt')?.payload)}`,
  );
  expect(run.result.outcome).toBe('completed');
  expect(run.result.sha256).toMatch(/^[0-9a-f]{64}$/);
  const attempt = run.events.find((e) => e.type === 'speech.attempt')?.payload as Payload;
  expect(attempt).toMatchObject({
    segmentId: 'disclosure',
    attempt: 1,
    verdict: 'pass',
    reasons: [],
    contentChecked: false,
  });
  expect(attempt.speech.speechRatio).toBeGreaterThan(0.6);
  expect(attempt.speech.onsetMs).toBeLessThan(1500);
  expect(attempt.speech.speechSpanMs).toBeGreaterThan(0.4 * attempt.expectedReadingMs);
  // Silero (self-hosted, run on the window's 16 kHz PCM) agrees that this is speech.
  expect(attempt.modelVad).toMatchObject({ analyser: 'silero-vad-v5/onnxruntime-web-1.30.0' });
  expect(attempt.modelVad.speechRatio).toBeGreaterThan(0.6);
  expect(run.events.map((e) => e.type)).toEqual([
    'speech.script',
    'speech.segment.start',
    'speech.prompt',
    'speech.segment',
    'speech.segment.start',
    'speech.prompt',
    'speech.attempt',
    'speech.segment',
    'speech.flow.end',
  ]);
  expect(run.events[0]?.payload).toMatchObject({
    scriptId: 'consumer-loan-standard',
    sha256: run.result.sha256,
  });
  // No voice in headless Chromium: the prompt fell back to text and the log says why.
  const prompt = run.events.find((e) => e.type === 'speech.prompt')?.payload;
  if (run.voices === 0)
    expect(prompt).toMatchObject({
      mode: 'text-only',
      reason: expect.stringContaining('no on-device voice for zh-CN'),
    });
  expect(run.phases).toContain('listening:disclosure');
  expect(run.leaks).toEqual({
    timers: 0,
    listening: false,
    speaking: false,
    audioContext: 'closed',
    speechSynthesisPending: false,
  });
});
