import { expect, test } from './test.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/ocr-reader.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
});

const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

test('reads generated cards in the browser from self-hosted assets, front and back', async ({
  page,
  guard,
}) => {
  await page.evaluate(() => window.ocrPage.start());
  for (const [variant, index] of [
    ['clean', 0],
    ['photo-like', 1],
  ] as const) {
    const { truth, result } = await page.evaluate(([v, i]) => window.ocrPage.read(20261123, v, i, 'front'), [
      variant,
      index,
    ] as const);
    expect(result.found, variant).toBe(true);
    expect(result.side).toBe('front');
    expect(result.fields.idNumber.value).toBe(truth.idNumber);
    expect(result.idNumberCheck.valid).toBe(true);
    expect(result.fields.birthDate.value).toBe(iso(truth.birthDate));
    expect(result.fields.sex.value, JSON.stringify(result.fields.sex)).toBe(truth.sex);
    expect(result.fields.name.status).toBe('needs-confirmation');
  }
  const back = await page.evaluate(() => window.ocrPage.read(20261123, 'clean', 2, 'back'));
  expect(back.result.side).toBe('back');
  expect(back.result.fields.issuer.value).toBe(back.truth.issuer);
  await page.evaluate(() => window.ocrPage.close());

  const lang = guard.seen.filter((u) => u.includes('/dualrec-assets/tesseract/lang/'));
  expect(lang.some((u) => u.endsWith('/chi_sim.traineddata.gz'))).toBe(true);
  expect(lang.some((u) => u.endsWith('/eng.traineddata.gz'))).toBe(true);
  expect(
    guard.seen.some((u) =>
      /\/dualrec-assets\/tesseract\/core\/tesseract-core-[a-z-]*lstm\.wasm\.js$/.test(u),
    ),
  ).toBe(true);
  expect(guard.seen.some((u) => u.endsWith('/dualrec-assets/tesseract/worker.min.js'))).toBe(true);
});

test('reads generated cards with PP-OCR in its worker, from self-hosted, hash-checked assets', async ({
  page,
  guard,
}) => {
  await page.evaluate(() => window.ocrPage.start('paddle'));
  for (const [variant, index] of [
    ['clean', 0],
    ['photo-like', 1],
  ] as const) {
    const { truth, result } = await page.evaluate(([v, i]) => window.ocrPage.read(20261123, v, i, 'front'), [
      variant,
      index,
    ] as const);
    expect(result.found, variant).toBe(true);
    expect(result.engine.name).toBe('pp-ocr');
    expect(result.side).toBe('front');
    expect(result.fields.idNumber.value).toBe(truth.idNumber);
    expect(result.idNumberCheck.valid).toBe(true);
    expect(result.fields.name.value).toBe(truth.name);
    expect(result.fields.birthDate.value).toBe(iso(truth.birthDate));
    expect(result.fields.address.value).toBe(truth.addressLines.join(''));
  }
  const back = await page.evaluate(() => window.ocrPage.read(20261123, 'clean', 2, 'back'));
  expect(back.result.side).toBe('back');
  expect(back.result.fields.issuer.value).toBe(back.truth.issuer);
  await page.evaluate(() => window.ocrPage.close());

  for (const file of [
    'paddleocr/ch_PP-OCRv4_det_infer.onnx',
    'paddleocr/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    'paddleocr/ch_PP-OCRv4_rec_infer.onnx',
    'paddleocr/ppocr_keys_v1.txt',
    'onnxruntime/ort-wasm-simd-threaded.wasm',
  ])
    expect(
      guard.seen.some((u) => u.endsWith(`/dualrec-assets/${file}`)),
      file,
    ).toBe(true);
  expect(guard.seen.some((u) => u.includes('/dualrec-assets/tesseract/'))).toBe(false);
});

test('garbage inputs get a clear error or "no card" in the browser', async ({ page }) => {
  await page.evaluate(() => window.ocrPage.start());
  const r = await page.evaluate(() => window.ocrPage.garbage());
  await page.evaluate(() => window.ocrPage.close());
  expect(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.answer]))).toEqual({
    'not an image': 'OCR_IMAGE_INVALID',
    '10×10 px': 'OCR_IMAGE_TOO_SMALL',
    '12000×12000 px': 'OCR_IMAGE_TOO_LARGE',
    'photo with no card': 'no-card',
  });
});

test('the capture guide auto-captures a sharp, whole card from a video', async ({ page }) => {
  const r = await page.evaluate(() => window.ocrPage.guide(20261123, 'clean'));
  expect(r.trigger).toBe('auto');
  expect(r.width).toBe(1600);
  expect(r.jpegType).toBe('image/jpeg');
  expect(r.feedback.slice(-3)).toEqual(['ok', 'ok', 'ok']);
});

test('the capture guide keeps asking while the card is blurry, until aborted', async ({ page }) => {
  const r = await page.evaluate(() => window.ocrPage.guide(20261123, 'blur', 2500));
  expect(r).toMatchObject({ error: 'ABORTED' });
  expect(r.feedback.length).toBeGreaterThan(3);
  expect(r.feedback.every((f: string) => f === 'blurry')).toBe(true);
});
