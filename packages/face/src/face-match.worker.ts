/**
 * The face matcher's worker: owns TensorFlow.js and the four models so the ~0.3 s of detection
 * and embedding per face never runs on the UI thread. Loaded only when a page creates a
 * `BrowserFaceMatcher`; pixels arrive as transferred buffers and are dropped after use.
 */
import { isDualrecError } from '@dualrec/evidence';
import { fetchMatchAsset, tfjsWasmBase } from './matcher/browser-assets.js';
import { FaceMatcher } from './matcher/matcher.js';
import type { FromMatchWorker, ToMatchWorker } from './matcher/worker-protocol.js';

interface WorkerScope {
  postMessage(message: FromMatchWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToMatchWorker>) => void): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
let matcher: Promise<FaceMatcher> | undefined;

function fail(error: unknown, id?: number): void {
  scope.postMessage({
    type: 'error',
    code: isDualrecError(error) ? error.code : 'FACE_WORKER_FAILED',
    detail: isDualrecError(error) ? (error.detail ?? error.message) : String(error),
    ...(isDualrecError(error) && error.context ? { context: error.context as Record<string, unknown> } : {}),
    ...(id === undefined ? {} : { id }),
  });
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      matcher = FaceMatcher.load({
        backend: message.backend,
        wasmPaths: tfjsWasmBase(message.assetsBase),
        readAsset: (asset) => fetchMatchAsset(message.assetsBase, asset),
      });
      matcher.then(
        (m) => scope.postMessage({ type: 'ready', backend: m.backend }),
        (error: unknown) => fail(error),
      );
      return;
    case 'embed':
      if (!matcher) {
        fail(new Error('embed before init'), message.id);
        return;
      }
      matcher
        .then((m) =>
          m.embed(message.image, {
            role: message.role,
            ...(message.landmarks ? { landmarks: message.landmarks } : {}),
          }),
        )
        .then(
          (embedding) =>
            scope.postMessage({ type: 'embedding', id: message.id, embedding }, [
              embedding.faceres.buffer as ArrayBuffer,
              embedding.mobileface.buffer as ArrayBuffer,
            ]),
          (error: unknown) => fail(error, message.id),
        );
      return;
    case 'close':
      (matcher ?? Promise.reject(new Error('never started')))
        .then(
          (m) => m.close(),
          () => undefined,
        )
        .finally(() => {
          scope.postMessage({ type: 'closed' });
          scope.close();
        });
      return;
  }
});
