import { DualrecError } from '@dualrec/evidence';
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { faceAssetUrls } from './assets.js';
import { silenceMediaPipeTelemetry } from './telemetry.js';

export interface LoadProgress {
  /** Bytes of the model received so far. */
  loaded: number;
  /** Total bytes, when the server says (Content-Length). */
  total: number | undefined;
}

export interface LoadFaceLandmarkerOptions {
  /** URL of the self-hosted asset folder written by `dualrec assets`. */
  assetsBase: string;
  /** CPU by default: on phones without a good GPU path (and in headless tests) GPU is slower. */
  delegate?: 'CPU' | 'GPU';
  runningMode?: 'IMAGE' | 'VIDEO';
  /** Look for up to this many faces; 2 lets us notice a second person in frame. */
  numFaces?: number;
  outputFaceBlendshapes?: boolean;
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
  /** Injectable for tests and for lenders with their own HTTP stack. */
  fetch?: typeof globalThis.fetch;
}

async function fetchWithProgress(url: string, options: LoadFaceLandmarkerOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const response = await doFetch(url, options.signal ? { signal: options.signal } : {});
  if (!response.ok || !response.body) {
    throw new DualrecError('MODEL_LOAD_FAILED', {
      detail: `${url}: HTTP ${response.status}`,
      context: { url, status: response.status },
    });
  }
  const header = response.headers.get('content-length');
  const total = header ? Number(header) : undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    options.onProgress?.({ loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Creates a MediaPipe FaceLandmarker from the lender's own asset folder, with MediaPipe's usage
 * logging switched off. MediaPipe itself is imported lazily, so pages that never reach the face
 * step never download it.
 */
export async function loadFaceLandmarker(options: LoadFaceLandmarkerOptions): Promise<FaceLandmarker> {
  options.signal?.throwIfAborted();
  const urls = faceAssetUrls(options.assetsBase);
  let landmarker: FaceLandmarker;
  try {
    const [vision, model] = await Promise.all([
      import('@mediapipe/tasks-vision'),
      fetchWithProgress(urls.faceLandmarkerModel, options),
    ]);
    const fileset = await vision.FilesetResolver.forVisionTasks(urls.wasmBase);
    landmarker = await vision.FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: model, delegate: options.delegate ?? 'CPU' },
      runningMode: options.runningMode ?? 'VIDEO',
      numFaces: options.numFaces ?? 2,
      outputFaceBlendshapes: options.outputFaceBlendshapes ?? true,
    });
  } catch (cause) {
    if (options.signal?.aborted) throw new DualrecError('ABORTED', { cause });
    if (cause instanceof DualrecError) throw cause;
    throw new DualrecError('MODEL_LOAD_FAILED', { detail: String(cause), cause });
  }
  // If this throws, the task is deliberately not closed: closing flushes the queued usage log.
  // A Content-Security-Policy `connect-src 'self'` (docs/self-hosting-assets.md) is the second line.
  silenceMediaPipeTelemetry(landmarker);
  if (options.signal?.aborted) {
    landmarker.close();
    throw new DualrecError('ABORTED');
  }
  return landmarker;
}
