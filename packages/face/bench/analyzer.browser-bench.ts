/**
 * FaceAnalyzer costs, each against a baseline measured in the same run on the same input:
 * - per-frame cost of our measurement pipeline vs the raw `detectForVideo` call on the same
 *   frames (target: ≤ 15 % overhead, i.e. ratio ≥ 0.87);
 * - the same through the worker (frame copy + transfer + measurements) vs raw `detectForVideo`;
 * - sustained analysis rate of the running analyzer on the camera while a MediaRecorder records
 *   that camera, vs the analyzer alone (target: ≥ 12 fps, reported as the `fps` metric);
 * - time from `FaceAnalyzer.create()` to the first measurement vs loading the raw model and
 *   running it once.
 * Uses the built package (dist), so the worker is the one that ships. CPU delegate.
 */
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import type { BenchSuite } from '../../../test/bench/harness.js';
import { DEFAULT_GUIDE, FaceAnalyzer, FrameProcessor, loadFaceLandmarker } from '../dist/index.js';

const ASSETS = '/dualrec-assets';
const FRAMES = 10;

let stream: MediaStream | undefined;
let video: HTMLVideoElement;
let frames: ImageBitmap[] = [];
let raw: FaceLandmarker | undefined;
let ours: FaceLandmarker | undefined;
let processor: FrameProcessor | undefined;
let analyzer: FaceAnalyzer | undefined;
let rawT = 0;
let oursT = 0;

async function openCamera(): Promise<void> {
  stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  video = document.getElementById('camera') as HTMLVideoElement;
  video.srcObject = stream;
  await video.play();
}

function closeCamera(): void {
  video.srcObject = null;
  for (const t of stream?.getTracks() ?? []) t.stop();
  stream = undefined;
}

/** Ten consecutive camera frames, copied once, so both sides see exactly the same pixels. */
async function grabFrames(): Promise<void> {
  frames = [];
  for (let i = 0; i < FRAMES; i++) {
    frames.push(await createImageBitmap(video));
    await new Promise((r) => setTimeout(r, 66));
  }
}

function loadModel(): Promise<FaceLandmarker> {
  return loadFaceLandmarker({ assetsBase: ASSETS, delegate: 'CPU', numFaces: 2, runningMode: 'VIDEO' });
}

async function setupFrames(): Promise<void> {
  await openCamera();
  await grabFrames();
  raw = await loadModel();
  ours = await loadModel();
  processor = new FrameProcessor(ours, { guide: DEFAULT_GUIDE });
}

async function teardownFrames(): Promise<void> {
  raw?.close();
  ours?.close();
  raw = ours = undefined;
  processor = undefined;
  for (const f of frames) f.close();
  frames = [];
  await analyzer?.close();
  analyzer = undefined;
  closeCamera();
}

const rawDetect = {
  label: `FaceLandmarker.detectForVideo ×${FRAMES} (raw)`,
  run() {
    for (const f of frames) {
      rawT += 66.7;
      (raw as FaceLandmarker).detectForVideo(f, rawT);
    }
  },
};

/** Analyses `n` frames of the running camera; returns the rate. */
async function analyseRunning(n: number, record: boolean): Promise<{ fps: number }> {
  const a = analyzer as FaceAnalyzer;
  let recorder: MediaRecorder | undefined;
  if (record) {
    recorder = new MediaRecorder(stream as MediaStream, { mimeType: 'video/webm;codecs=vp8' });
    recorder.ondataavailable = () => {};
    recorder.start(1000);
  }
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    const off = a.onFrame((f) => {
      times.push(f.t);
      if (times.length >= n) {
        off();
        resolve();
      }
    });
    a.start(video);
  });
  await a.stop();
  if (recorder) {
    const stopped = new Promise((r) => recorder?.addEventListener('stop', r, { once: true }));
    recorder.stop();
    await stopped;
  }
  const span = (times.at(-1) as number) - (times[0] as number);
  return { fps: ((times.length - 1) * 1000) / span };
}

export const suite: BenchSuite = {
  name: 'face: analyzer',
  cases: [
    {
      name: `measure ${FRAMES} camera frames on the main thread (model + pose, eyes, mouth, crop sharpness/brightness, guide fit)`,
      iterations: 8,
      warmup: 2,
      setup: setupFrames,
      teardown: teardownFrames,
      baseline: rawDetect,
      subject: {
        label: `FrameProcessor.process ×${FRAMES}`,
        run() {
          frames.forEach((f, i) => {
            oursT += 66.7;
            (processor as FrameProcessor).process(f, oursT, i);
          });
        },
      },
      target: { minRatio: 0.87 },
    },
    {
      name: `analyse ${FRAMES} camera frames through the worker (copy, transfer, measure)`,
      iterations: 8,
      warmup: 2,
      async setup() {
        await setupFrames();
        analyzer = await FaceAnalyzer.create({ assetsBase: ASSETS });
      },
      teardown: teardownFrames,
      baseline: rawDetect,
      subject: {
        label: `FaceAnalyzer.analyze ×${FRAMES} (worker)`,
        async run() {
          for (const f of frames) {
            oursT += 66.7;
            await (analyzer as FaceAnalyzer).analyze(f, oursT);
          }
        },
      },
      target: { minRatio: 0.87 },
    },
    {
      name: 'sustained analysis of the camera (maxFps 15) for 45 frames while MediaRecorder records it',
      iterations: 3,
      warmup: 1,
      async setup() {
        await openCamera();
        analyzer = await FaceAnalyzer.create({ assetsBase: ASSETS });
      },
      teardown: teardownFrames,
      baseline: { label: 'FaceAnalyzer alone', run: () => analyseRunning(45, false) },
      subject: { label: 'FaceAnalyzer + MediaRecorder (vp8)', run: () => analyseRunning(45, true) },
      target: { minRatio: 0.8 },
    },
    {
      name: 'from create() to the first measurement of a camera frame',
      iterations: 3,
      warmup: 1,
      async setup() {
        await openCamera();
        await grabFrames();
      },
      teardown: teardownFrames,
      baseline: {
        label: 'loadFaceLandmarker + one detectForVideo (main thread)',
        async run() {
          const m = await loadModel();
          m.detectForVideo(frames[0] as ImageBitmap, 1);
          m.close();
        },
      },
      subject: {
        label: 'FaceAnalyzer.create + first analyze (worker)',
        async run() {
          const a = await FaceAnalyzer.create({ assetsBase: ASSETS });
          await a.analyze(frames[0] as ImageBitmap, 1);
          await a.close();
        },
      },
    },
  ],
};
