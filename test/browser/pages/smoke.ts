import { loadFaceLandmarker } from '@dualrec/face';
import { createWorker, OEM, PSM } from 'tesseract.js';
import { drawIdCard } from './id-card-image.js';

const ASSETS = '/dualrec-assets';

async function openCamera(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
}

/** Root-mean-square level of the microphone over `ms`, to show real samples arrive. */
async function microphoneRms(stream: MediaStream, ms: number): Promise<number> {
  const context = new AudioContext();
  try {
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      peak = Math.max(peak, Math.sqrt(sum / samples.length));
    }
    return peak;
  } finally {
    await context.close();
  }
}

async function camera() {
  const stream = await openCamera();
  try {
    const [video] = stream.getVideoTracks();
    const [audio] = stream.getAudioTracks();
    const settings = video?.getSettings() ?? {};
    return {
      videoTracks: stream.getVideoTracks().length,
      audioTracks: stream.getAudioTracks().length,
      videoState: video?.readyState,
      audioState: audio?.readyState,
      width: settings.width,
      height: settings.height,
      rms: await microphoneRms(stream, 600),
    };
  } finally {
    for (const track of stream.getTracks()) track.stop();
  }
}

async function face(frames: number) {
  const stream = await openCamera();
  const video = document.getElementById('camera') as HTMLVideoElement;
  video.srcObject = stream;
  await video.play();
  const progress: number[] = [];
  const landmarker = await loadFaceLandmarker({
    assetsBase: ASSETS,
    onProgress: (p) => progress.push(p.loaded),
  });
  const faceCounts: number[] = [];
  const blendshapeCounts: number[] = [];
  try {
    let lastTime = -1;
    while (faceCounts.length < frames) {
      await new Promise((r) => requestAnimationFrame(r));
      if (video.currentTime === lastTime) continue;
      lastTime = video.currentTime;
      const result = landmarker.detectForVideo(video, performance.now());
      faceCounts.push(result.faceLandmarks.length);
      blendshapeCounts.push(result.faceBlendshapes[0]?.categories.length ?? 0);
    }
  } finally {
    landmarker.close();
    video.srcObject = null;
    for (const track of stream.getTracks()) track.stop();
  }
  return { faceCounts, blendshapeCounts, progressEvents: progress.length, modelBytes: progress.at(-1) ?? 0 };
}

async function ocr(idNumber: string) {
  const canvas = document.getElementById('card') as HTMLCanvasElement;
  const { numberBox } = drawIdCard(canvas, idNumber);
  const crop = document.createElement('canvas');
  crop.width = numberBox.width;
  crop.height = numberBox.height;
  crop
    .getContext('2d')
    ?.drawImage(
      canvas,
      numberBox.x,
      numberBox.y,
      numberBox.width,
      numberBox.height,
      0,
      0,
      numberBox.width,
      numberBox.height,
    );
  const worker = await createWorker('eng', OEM.LSTM_ONLY, {
    workerPath: `${ASSETS}/tesseract/worker.min.js`,
    corePath: `${ASSETS}/tesseract/core`,
    langPath: `${ASSETS}/tesseract/lang`,
    workerBlobURL: false,
    cacheMethod: 'none',
  });
  try {
    await worker.setParameters({
      tessedit_pageseg_mode: PSM.SINGLE_LINE,
      tessedit_char_whitelist: '0123456789X',
    });
    const { data } = await worker.recognize(crop);
    return { text: data.text.trim(), confidence: data.confidence };
  } finally {
    await worker.terminate();
  }
}

const smoke = { camera, face, ocr };
declare global {
  interface Window {
    smoke: typeof smoke;
  }
}
window.smoke = smoke;
document.body.dataset.ready = 'true';
