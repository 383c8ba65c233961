import { FaceLandmarker, FilesetResolver } from '@mediapipe/tasks-vision';
import type { BenchSuite } from '../../../test/bench/harness.js';
import { loadFaceLandmarker } from '../src/landmarker.js';

const ASSETS = '/dualrec-assets';

export const suite: BenchSuite = {
  name: 'face: model loading',
  cases: [
    {
      // Our loader adds a progress-reporting model fetch and the usage-log guard; this shows their cost.
      name: 'create a FaceLandmarker from the self-hosted assets (warm HTTP cache)',
      iterations: 5,
      warmup: 1,
      baseline: {
        label: 'FaceLandmarker.createFromOptions (raw)',
        async run() {
          const fileset = await FilesetResolver.forVisionTasks(`${ASSETS}/mediapipe/wasm`);
          const landmarker = await FaceLandmarker.createFromOptions(fileset, {
            baseOptions: { modelAssetPath: `${ASSETS}/mediapipe/face_landmarker.task`, delegate: 'CPU' },
            runningMode: 'VIDEO',
            numFaces: 2,
            outputFaceBlendshapes: true,
          });
          // The raw task would POST its usage log on close(); the bench page blocks that request.
          landmarker.close();
        },
      },
      subject: {
        label: 'loadFaceLandmarker()',
        async run() {
          const landmarker = await loadFaceLandmarker({ assetsBase: ASSETS });
          landmarker.close();
        },
      },
      target: { minRatio: 0.85 },
    },
  ],
};
