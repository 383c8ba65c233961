/**
 * The PP-OCR worker: owns the onnxruntime sessions so detection and recognition (about a second
 * per card) never run on the page's UI thread. Card pixels arrive as transferred buffers.
 */
import { isDualrecError } from '@dualrec/evidence';
import { ortModuleUrl, PaddleTextReader } from './engine.js';
import type { OrtModule } from './ort.js';
import type { FromPaddleWorker, ToPaddleWorker } from './worker-protocol.js';

interface WorkerScope {
  postMessage(message: FromPaddleWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToPaddleWorker>) => void): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
let reader: Promise<PaddleTextReader> | undefined;

function fail(error: unknown, id?: number): void {
  const code = isDualrecError(error) ? error.code : 'MODEL_LOAD_FAILED';
  const detail = isDualrecError(error) ? (error.detail ?? error.message) : String(error);
  scope.postMessage({ type: 'error', code, detail, ...(id === undefined ? {} : { id }) });
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      // onnxruntime-web comes from beside its self-hosted wasm (`dualrec assets`), not from the
      // app's bundle: bundled, it makes Vite copy its 14 MB wasm into the app's build.
      reader = import(
        /* @vite-ignore */ /* webpackIgnore: true */ ortModuleUrl(message.assets['ort-wasm'] as string)
      ).then((ort) =>
        PaddleTextReader.load({
          ort: ort as OrtModule,
          assets: message.assets as never,
          onProgress: (loaded, total) => scope.postMessage({ type: 'progress', loaded, total }),
        }),
      );
      reader.then(
        () => scope.postMessage({ type: 'ready' }),
        (error: unknown) => fail(error),
      );
      return;
    case 'read':
      if (!reader) return fail(new Error('read before init'), message.id);
      reader
        .then((r) => r.readLines({ width: message.width, height: message.height, data: message.data }))
        .then(
          (result) => scope.postMessage({ type: 'result', id: message.id, result }),
          (error: unknown) => fail(error, message.id),
        );
      return;
    case 'close':
      void (reader ?? Promise.resolve(undefined))
        .then((r) => r?.close())
        .catch(() => undefined)
        .then(() => {
          scope.postMessage({ type: 'closed' });
          scope.close();
        });
      return;
  }
});
