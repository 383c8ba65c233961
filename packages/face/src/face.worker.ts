/**
 * The analyzer's worker: owns the FaceLandmarker so the ~30 ms model call never runs on the UI
 * thread. Frames arrive as transferred ImageBitmaps and are closed here after use.
 */
import { isDualrecError } from '@dualrec/evidence';
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { loadFaceLandmarker } from './landmarker.js';
import { FrameProcessor } from './processor.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
let landmarker: FaceLandmarker | undefined;
let processor: FrameProcessor | undefined;

function fail(error: unknown, id?: number): void {
  const code = isDualrecError(error) ? error.code : 'FACE_WORKER_FAILED';
  const detail = isDualrecError(error) ? (error.detail ?? error.message) : String(error);
  scope.postMessage({ type: 'error', code, detail, ...(id === undefined ? {} : { id }) });
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      loadFaceLandmarker({
        assetsBase: message.assetsBase,
        delegate: message.delegate,
        numFaces: message.numFaces,
        runningMode: 'VIDEO',
        onProgress: (p) => scope.postMessage({ type: 'progress', loaded: p.loaded, total: p.total }),
      }).then(
        (created) => {
          landmarker = created;
          processor = new FrameProcessor(created, { guide: message.guide });
          scope.postMessage({ type: 'ready' });
        },
        (error: unknown) => fail(error),
      );
      return;
    case 'frame': {
      try {
        if (!processor) throw new Error('frame before the model was ready');
        const measurement = processor.process(message.bitmap, message.t, message.index);
        scope.postMessage(
          { type: 'result', id: message.id, measurement },
          measurement.faces.map((f) => f.landmarks.buffer as ArrayBuffer),
        );
      } catch (error) {
        fail(error, message.id);
      } finally {
        message.bitmap.close();
      }
      return;
    }
    case 'guide':
      processor?.setGuide(message.guide);
      return;
    case 'close':
      landmarker?.close();
      landmarker = undefined;
      processor = undefined;
      scope.postMessage({ type: 'closed' });
      scope.close();
      return;
  }
});
