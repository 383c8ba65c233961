import { loadFaceLandmarker } from '@dualrec/face';
import { FaceLandmarker, FilesetResolver } from '@mediapipe/tasks-vision';

const ASSETS = '/dualrec-assets';

/** MediaPipe used directly, as its docs show (with self-hosted files): its usage logger is live. */
async function rawMediaPipeCreateAndClose(): Promise<void> {
  const fileset = await FilesetResolver.forVisionTasks(`${ASSETS}/mediapipe/wasm`);
  const landmarker = await FaceLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: `${ASSETS}/mediapipe/face_landmarker.task`, delegate: 'CPU' },
    runningMode: 'IMAGE',
  });
  landmarker.close();
}

/** The same through @dualrec/face. */
async function dualrecCreateAndClose(): Promise<void> {
  const landmarker = await loadFaceLandmarker({ assetsBase: ASSETS, runningMode: 'IMAGE' });
  landmarker.close();
}

async function fetchFrom(url: string): Promise<string> {
  try {
    await fetch(url);
    return 'loaded';
  } catch {
    return 'failed';
  }
}

function fetchFromWorker(url: string): Promise<string> {
  const source = `fetch(${JSON.stringify(url)}).then(() => postMessage('loaded'), () => postMessage('failed'));`;
  const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  return new Promise((resolve) => {
    worker.onmessage = (event) => {
      worker.terminate();
      resolve(String(event.data));
    };
  });
}

const checks = { rawMediaPipeCreateAndClose, dualrecCreateAndClose, fetchFrom, fetchFromWorker };
declare global {
  interface Window {
    checks: typeof checks;
  }
}
window.checks = checks;
document.body.dataset.ready = 'true';
