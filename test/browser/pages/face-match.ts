import { BrowserFaceMatcher, type FaceEmbedding } from '@dualrec/face';

let matcher: BrowserFaceMatcher | undefined;
let reference: FaceEmbedding | undefined;

async function bitmapOf(base64: string): Promise<ImageBitmap> {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return createImageBitmap(new Blob([bytes], { type: 'image/png' }));
}

const facePage = {
  async start(worker: 'auto' | 'off' = 'auto') {
    const started = performance.now();
    matcher = await BrowserFaceMatcher.create({ assetsBase: '/dualrec-assets', worker });
    return { mode: matcher.mode, backend: matcher.backend, readyMs: performance.now() - started };
  },
  async reference(base64: string) {
    if (!matcher) throw new Error('start() first');
    reference = await matcher.embed(await bitmapOf(base64), { role: 'reference' });
  },
  async compare(base64: string) {
    if (!matcher || !reference) throw new Error('start() and reference() first');
    const started = performance.now();
    const result = await matcher.match(reference, await bitmapOf(base64));
    return { ...result, ms: performance.now() - started };
  },
  async blank() {
    if (!matcher) throw new Error('start() first');
    const canvas = new OffscreenCanvas(200, 200);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, 200, 200);
    try {
      await matcher.embed(canvas, { role: 'reference' });
      return null;
    } catch (error) {
      return { code: (error as { code?: string }).code, context: (error as { context?: unknown }).context };
    }
  },
  async close() {
    await matcher?.close();
    matcher = undefined;
  },
};

declare global {
  interface Window {
    facePage: typeof facePage;
  }
}
window.facePage = facePage;
document.body.dataset.ready = 'true';
