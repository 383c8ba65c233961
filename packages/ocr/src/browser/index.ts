/**
 * `@dualrec/ocr/browser`: turning browser images into RGBA buffers, default self-hosted asset
 * URLs, and the capture guide (guide frame, live feedback, auto-capture).
 */
import { DualrecError } from '@dualrec/evidence';
import { assessCapture, type CaptureAssessment, type CaptureThresholds } from '../capture.js';
import { readDimensions, sniffFormat } from '../image/header.js';
import { DEFAULT_MAX_PIXELS, type RgbaImage } from '../image/types.js';
import type { TesseractRecognizerOptions } from '../recognizer.js';

/** Asset URLs under the folder where the lender serves `dualrec assets` output. */
export function browserTesseractAssets(base = '/dualrec-assets'): TesseractRecognizerOptions {
  const root = base.replace(/\/$/, '');
  return {
    langPath: `${root}/tesseract/lang`,
    corePath: `${root}/tesseract/core`,
    workerPath: `${root}/tesseract/worker.min.js`,
    // A blob: worker would need `worker-src blob:` in the lender's CSP; a same-origin URL does not.
    workerBlobURL: false,
  };
}

export type BrowserImageSource =
  | Blob
  | ImageBitmap
  | ImageData
  | HTMLCanvasElement
  | OffscreenCanvas
  | HTMLImageElement
  | HTMLVideoElement;

export interface ToRgbaOptions {
  /** Longest side of the result; larger images are scaled down while drawing (default 2560). */
  maxSide?: number;
  /** Refuse sources with more pixels than this before drawing (default 50 MP). */
  maxPixels?: number;
}

function sizeOf(source: Exclude<BrowserImageSource, Blob>): { width: number; height: number } {
  if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement)
    return { width: source.videoWidth, height: source.videoHeight };
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement)
    return { width: source.naturalWidth, height: source.naturalHeight };
  return { width: source.width, height: source.height };
}

/**
 * Any browser image as RGBA pixels. A card needs ~1000 px across; bigger photos are scaled down
 * on the GPU while drawing, which bounds the reader's memory for a 48 MP camera file.
 */
export async function toRgbaImage(
  source: BrowserImageSource,
  options: ToRgbaOptions = {},
): Promise<RgbaImage> {
  const maxSide = options.maxSide ?? 2560;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (typeof ImageData !== 'undefined' && source instanceof ImageData)
    return { width: source.width, height: source.height, data: source.data };
  let drawable: Exclude<BrowserImageSource, Blob | ImageData>;
  let owned: ImageBitmap | undefined;
  if (source instanceof Blob) {
    // Check the header first: createImageBitmap would decode a 12000 × 12000 file in full. Formats
    // other than PNG/JPEG (WebP, HEIC on Safari) go to the browser, and are checked after decoding.
    // 256 KiB covers the EXIF block a phone JPEG carries before its frame header.
    const head = new Uint8Array(await source.slice(0, 256 * 1024).arrayBuffer());
    const size = sniffFormat(head) ? readDimensions(head) : undefined;
    if (size && size.width * size.height > maxPixels)
      throw new DualrecError('OCR_IMAGE_TOO_LARGE', {
        detail: `${size.width}×${size.height} px`,
        context: { ...size, maxPixels },
      });
    try {
      owned = await createImageBitmap(source);
    } catch (cause) {
      throw new DualrecError('OCR_IMAGE_INVALID', {
        detail: 'the browser cannot decode this file as an image',
        cause,
      });
    }
    drawable = owned;
  } else drawable = source as Exclude<BrowserImageSource, Blob | ImageData>;
  try {
    const { width, height } = sizeOf(drawable);
    if (!width || !height)
      throw new DualrecError('OCR_IMAGE_INVALID', { detail: 'the image has no pixels (not loaded yet?)' });
    if (width * height > maxPixels)
      throw new DualrecError('OCR_IMAGE_TOO_LARGE', {
        detail: `${width}×${height} px`,
        context: { width, height, maxPixels },
      });
    const scale = Math.min(1, maxSide / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new DualrecError('OCR_IMAGE_INVALID', { detail: '2D canvas unavailable' });
    ctx.drawImage(drawable as CanvasImageSource, 0, 0, w, h);
    const data = ctx.getImageData(0, 0, w, h);
    return { width: w, height: h, data: data.data };
  } finally {
    owned?.close();
  }
}

/**
 * Opens the rear camera at the highest common resolution: ≥1280 px wide where the camera allows
 * (the reader needs ~10 px/mm on the card), falling back to whatever the device offers.
 */
export async function openCardCamera(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1920 }, height: { ideal: 1080 } },
  });
}

/** The guide frame, as a share of the video (card-shaped, centred). */
export function guideRect(
  width: number,
  height: number,
): { x: number; y: number; width: number; height: number } {
  const aspect = 85.6 / 54;
  let w = width * 0.82;
  let h = w / aspect;
  if (h > height * 0.82) {
    h = height * 0.82;
    w = h * aspect;
  }
  return { x: (width - w) / 2, y: (height - h) / 2, width: w, height: h };
}

const FEEDBACK_COLOUR: Record<CaptureAssessment['feedback'], string> = {
  ok: '#2ecc71',
  'no-card': '#ffffff',
  'too-small': '#f1c40f',
  'cut-off': '#f1c40f',
  blurry: '#f1c40f',
  glare: '#f1c40f',
  'too-dark': '#f1c40f',
};

/** Draws the guide frame (corner marks, coloured by the feedback) over a transparent overlay. */
export function drawGuide(ctx: CanvasRenderingContext2D, feedback: CaptureAssessment['feedback']): void {
  const { width, height } = ctx.canvas;
  ctx.clearRect(0, 0, width, height);
  const r = guideRect(width, height);
  ctx.fillStyle = 'rgba(0,0,0,0.45)';
  ctx.fillRect(0, 0, width, r.y);
  ctx.fillRect(0, r.y + r.height, width, height - r.y - r.height);
  ctx.fillRect(0, r.y, r.x, r.height);
  ctx.fillRect(r.x + r.width, r.y, width - r.x - r.width, r.height);
  ctx.strokeStyle = FEEDBACK_COLOUR[feedback];
  ctx.lineWidth = Math.max(3, width / 160);
  const c = Math.min(r.width, r.height) * 0.14;
  ctx.beginPath();
  for (const [x, y, dx, dy] of [
    [r.x, r.y, 1, 1],
    [r.x + r.width, r.y, -1, 1],
    [r.x + r.width, r.y + r.height, -1, -1],
    [r.x, r.y + r.height, 1, -1],
  ] as const) {
    ctx.moveTo(x + dx * c, y);
    ctx.lineTo(x, y);
    ctx.lineTo(x, y + dy * c);
  }
  ctx.stroke();
}

export interface CaptureGuideOptions extends CaptureThresholds {
  /** Assessments per second (default 4: enough to feel live, cheap on a slow phone). */
  fps?: number;
  /** Consecutive `ok` assessments before auto-capture (default 3). */
  stableFrames?: number;
  /** Width the preview frame is scaled to for assessment (default 640). */
  assessWidth?: number;
  /** Overlay canvas to draw the guide frame on (sized to the video's display by the caller). */
  overlay?: HTMLCanvasElement;
  /** Called after each assessment, to show a prompt for its feedback code. */
  onFeedback?: (assessment: CaptureAssessment) => void;
  signal?: AbortSignal;
}

export interface CapturedCard {
  /** The full-resolution frame, as RGBA for the reader. */
  image: RgbaImage;
  /** The same frame as a JPEG, to seal into the evidence bundle. */
  jpeg: Blob;
  assessment: CaptureAssessment;
  trigger: 'auto' | 'manual';
}

/**
 * Watches a playing video of the card and resolves with a sharp, well-lit, whole frame as soon as
 * `stableFrames` assessments in a row say `ok` (or on `captureNow()`). Stops its timer and
 * leaves the stream alone when done, aborted or stopped.
 */
export class CaptureGuide {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private manual = false;
  private stopped = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly options: CaptureGuideOptions = {},
  ) {}

  /** Takes the next frame regardless of its assessment (the shutter button). */
  captureNow(): void {
    this.manual = true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  capture(): Promise<CapturedCard> {
    const { signal } = this.options;
    const interval = 1000 / (this.options.fps ?? 4);
    const needed = this.options.stableFrames ?? 3;
    const assessWidth = this.options.assessWidth ?? 640;
    const overlay = this.options.overlay?.getContext('2d') ?? null;
    let streak = 0;
    return new Promise<CapturedCard>((resolve, reject) => {
      const fail = (error: unknown) => {
        this.stop();
        reject(error);
      };
      const onAbort = () => fail(new DualrecError('ABORTED', { cause: signal?.reason }));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const tick = async () => {
        this.timer = undefined;
        if (this.stopped) return;
        try {
          const { videoWidth, videoHeight } = this.video;
          if (videoWidth > 0 && videoHeight > 0) {
            const preview = await toRgbaImage(this.video, { maxSide: assessWidth });
            const assessment = assessCapture(preview, this.options);
            if (overlay) drawGuide(overlay, assessment.feedback);
            this.options.onFeedback?.(assessment);
            streak = assessment.feedback === 'ok' ? streak + 1 : 0;
            if (streak >= needed || this.manual) {
              const trigger = this.manual ? 'manual' : 'auto';
              const full = await toRgbaImage(this.video, { maxSide: Math.max(videoWidth, videoHeight) });
              const canvas = new OffscreenCanvas(full.width, full.height);
              canvas
                .getContext('2d')
                ?.putImageData(
                  new ImageData(new Uint8ClampedArray(full.data), full.width, full.height),
                  0,
                  0,
                );
              const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
              signal?.removeEventListener('abort', onAbort);
              this.stop();
              resolve({ image: full, jpeg, assessment, trigger });
              return;
            }
          }
        } catch (error) {
          signal?.removeEventListener('abort', onAbort);
          fail(error);
          return;
        }
        if (!this.stopped) this.timer = setTimeout(tick, interval);
      };
      this.timer = setTimeout(tick, 0);
    });
  }
}

export type { PaddleWorkerOptions } from './paddle.js';
export { PaddleWorkerEngine, paddleUnsupportedReason } from './paddle.js';

/**
 * RGBA pixels as a JPEG file (OffscreenCanvas, or a canvas where that is missing), e.g. the ID
 * portrait from {@link cropPortrait} before it is sealed.
 *
 * @example
 * ```ts
 * const bytes = await encodeJpeg(cropPortrait(rgba, result.portrait), 0.92);
 * ```
 */
export async function encodeJpeg(image: RgbaImage, quality = 0.92): Promise<Uint8Array> {
  const pixels = new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
  let blob: Blob;
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new DualrecError('OCR_IMAGE_INVALID', { detail: 'no 2D canvas to encode the JPEG' });
    ctx.putImageData(pixels, 0, 0);
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new DualrecError('OCR_IMAGE_INVALID', { detail: 'no 2D canvas to encode the JPEG' });
    ctx.putImageData(pixels, 0, 0);
    blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new DualrecError('OCR_IMAGE_INVALID'))),
        'image/jpeg',
        quality,
      ),
    );
  }
  return new Uint8Array(await blob.arrayBuffer());
}
