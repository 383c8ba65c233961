import { createOcrReader, type OcrReader } from '@dualrec/ocr';
import { browserTesseractAssets, CaptureGuide, PaddleWorkerEngine, toRgbaImage } from '@dualrec/ocr/browser';
import { browserCanvasKit } from '../../fixtures/id-card/browser.js';
import { generateSpecimen, type Side, SPECIMEN_NOW, type Variant } from '../../fixtures/id-card/specimen.js';

let reader: OcrReader | undefined;

async function start(engine: 'tesseract' | 'paddle' = 'tesseract') {
  const started = performance.now();
  reader =
    engine === 'paddle'
      ? createOcrReader({
          paddle: PaddleWorkerEngine.start({ assetsBase: '/dualrec-assets' }),
          clock: () => SPECIMEN_NOW,
        })
      : createOcrReader({
          tesseract: browserTesseractAssets('/dualrec-assets'),
          clock: () => SPECIMEN_NOW,
        });
  await reader.ready();
  return { readyMs: performance.now() - started };
}

/** Generates a specimen in the page, decodes it as a file the user picked, reads it. */
async function read(seed: number, variant: Variant, index: number, side: Side) {
  if (!reader) throw new Error('start() first');
  const s = await generateSpecimen(browserCanvasKit, { seed, variant, index, side });
  const image = await toRgbaImage(new Blob([s.bytes as Uint8Array<ArrayBuffer>], { type: s.mime }));
  const result = await reader.read(image);
  return { truth: s.identity, result: JSON.parse(JSON.stringify(result)) };
}

async function close() {
  await reader?.close();
  reader = undefined;
}

/** Feeds a specimen scene to a <video> through a canvas stream and lets the guide auto-capture. */
async function guide(seed: number, variant: Variant, timeoutMs = 20_000) {
  const s = await generateSpecimen(browserCanvasKit, { seed, variant, index: 0, side: 'front' });
  const bitmap = await createImageBitmap(new Blob([s.bytes as Uint8Array<ArrayBuffer>], { type: s.mime }));
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const stream = canvas.captureStream(10);
  // Keep frames coming: a canvas stream only emits when the canvas is drawn.
  const timer = setInterval(() => ctx.drawImage(canvas, 0, 0), 100);
  const video = document.getElementById('camera') as HTMLVideoElement;
  video.srcObject = stream;
  await video.play();
  const overlay = document.getElementById('overlay') as HTMLCanvasElement;
  overlay.width = 320;
  overlay.height = 240;
  const feedback: string[] = [];
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(new Error('timeout')), timeoutMs);
  try {
    const guideRun = new CaptureGuide(video, {
      overlay,
      fps: 8,
      onFeedback: (a) => feedback.push(a.feedback),
      signal: stop.signal,
    });
    let captured: Awaited<ReturnType<CaptureGuide['capture']>>;
    try {
      captured = await guideRun.capture();
    } catch (error) {
      return { error: (error as { code?: string }).code ?? String(error), feedback };
    }
    return {
      trigger: captured.trigger,
      width: captured.image.width,
      height: captured.image.height,
      jpegType: captured.jpeg.type,
      jpegBytes: captured.jpeg.size,
      feedback,
    };
  } finally {
    clearTimeout(deadline);
    clearInterval(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}

/** Garbage inputs through the browser path; each answer is an error code or "no-card", with its time. */
async function garbage() {
  if (!reader) throw new Error('start() first');
  const png = (
    await generateSpecimen(browserCanvasKit, { seed: 1, variant: 'clean', index: 0, side: 'front' })
  ).bytes;
  const huge = png.slice();
  new DataView(huge.buffer).setUint32(16, 12000);
  new DataView(huge.buffer).setUint32(20, 12000);
  const tiny = new OffscreenCanvas(10, 10);
  tiny.getContext('2d')?.fillRect(0, 0, 10, 10);
  const table = new OffscreenCanvas(1280, 960);
  const tctx = table.getContext('2d');
  if (!tctx) throw new Error('2D canvas unavailable');
  tctx.fillStyle = '#5a4636';
  tctx.fillRect(0, 0, 1280, 960);
  tctx.fillStyle = '#eee';
  tctx.beginPath();
  tctx.arc(500, 480, 260, 0, Math.PI * 2);
  tctx.fill();
  const inputs: Record<string, Blob> = {
    'not an image': new Blob(['hello, not an image'], { type: 'image/jpeg' }),
    '10×10 px': await tiny.convertToBlob(),
    '12000×12000 px': new Blob([huge as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
    'photo with no card': await table.convertToBlob({ type: 'image/jpeg', quality: 0.8 }),
  };
  const out: Record<string, { answer: string; ms: number }> = {};
  for (const [name, blob] of Object.entries(inputs)) {
    const started = performance.now();
    let answer: string;
    try {
      const result = await reader.read(await toRgbaImage(blob));
      answer = result.found ? `found ${result.side}` : result.reason;
    } catch (error) {
      answer = (error as { code?: string }).code ?? String(error);
    }
    out[name] = { answer, ms: performance.now() - started };
  }
  return out;
}

const ocrPage = { start, read, close, guide, garbage };
declare global {
  interface Window {
    ocrPage: typeof ocrPage;
  }
}
window.ocrPage = ocrPage;
document.body.dataset.ready = 'true';
