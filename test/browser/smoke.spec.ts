import { expect, test } from './test.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/smoke.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
});

test('the page gets the fake camera and microphone tracks', async ({ page }) => {
  const result = await page.evaluate(() => window.smoke.camera());
  expect(result.videoTracks).toBe(1);
  expect(result.audioTracks).toBe(1);
  expect(result.videoState).toBe('live');
  expect(result.audioState).toBe('live');
  expect([result.width, result.height]).toEqual([640, 480]);
  // talking-grid-s2.wav is speech: real samples, not digital silence.
  expect(result.rms).toBeGreaterThan(0.001);
});

test('FaceLandmarker loads from the self-hosted assets and finds one face in the fixture video', async ({
  page,
  guard,
}) => {
  const result = await page.evaluate(() => window.smoke.face(20));
  expect(result.faceCounts).toHaveLength(20);
  expect(result.faceCounts.every((n: number) => n === 1)).toBe(true);
  expect(result.blendshapeCounts.every((n: number) => n === 52)).toBe(true);
  expect(result.modelBytes).toBe(3_758_596);
  expect(guard.seen.some((u) => u.endsWith('/dualrec-assets/mediapipe/face_landmarker.task'))).toBe(true);
  expect(
    guard.seen.some((u) =>
      /\/dualrec-assets\/mediapipe\/wasm\/vision_wasm(_nosimd)?_internal\.wasm$/.test(u),
    ),
  ).toBe(true);
});

test('tesseract.js reads the ID number from a generated card image in the browser', async ({
  page,
  guard,
}) => {
  const idNumber = '11010519491231002X';
  const result = await page.evaluate((n) => window.smoke.ocr(n), idNumber);
  expect(result.text).toBe(idNumber);
  expect(guard.seen.some((u) => u.endsWith('/dualrec-assets/tesseract/lang/eng.traineddata.gz'))).toBe(true);
  expect(
    guard.seen.some((u) =>
      /\/dualrec-assets\/tesseract\/core\/tesseract-core-[a-z-]*lstm\.wasm\.js$/.test(u),
    ),
  ).toBe(true);
});
