import { type LoadProgress, loadFaceLandmarker } from '@dualrec/face';

type Locale = 'zh-CN' | 'en';
const TEXT = {
  'zh-CN': {
    title: '设备检测',
    intro: '检查本机的摄像头、麦克风和设备端人脸检测能否正常工作。画面只在本机处理，不会上传。',
    camera: '摄像头与人脸',
    microphone: '麦克风',
    support: '浏览器能力',
    start: '开始检测',
    stop: '结束',
    loading: (pct: string) => `正在加载人脸模型… ${pct}`,
    faces: (n: number) =>
      n === 0
        ? '未检测到人脸，请正对摄像头'
        : n === 1
          ? '检测到 1 张人脸 ✓'
          : `检测到 ${n} 张人脸，请确保只有本人入镜`,
    denied: '无法使用摄像头或麦克风，请在浏览器设置中允许后重试。',
    failed: '人脸模型加载失败，请检查网络后重试。',
    yes: '支持',
    no: '不支持',
    secure: '安全连接 (HTTPS)',
    media: '摄像头/麦克风接口',
    recorder: '录像 (MediaRecorder)',
    simd: 'WebAssembly SIMD',
    idb: '本地存储 (IndexedDB)',
    switchTo: 'English',
  },
  en: {
    title: 'Device check',
    intro:
      'Checks that this device’s camera, microphone and on-device face detection work. Video stays on this device.',
    camera: 'Camera and face',
    microphone: 'Microphone',
    support: 'Browser support',
    start: 'Start check',
    stop: 'Stop',
    loading: (pct: string) => `Loading the face model… ${pct}`,
    faces: (n: number) =>
      n === 0
        ? 'No face found: face the camera'
        : n === 1
          ? '1 face found ✓'
          : `${n} faces found: only you should be in view`,
    denied: 'The camera or microphone is not available. Allow it in the browser settings and try again.',
    failed: 'The face model could not be loaded. Check the network and try again.',
    yes: 'yes',
    no: 'no',
    secure: 'Secure context (HTTPS)',
    media: 'Camera/microphone API',
    recorder: 'Recording (MediaRecorder)',
    simd: 'WebAssembly SIMD',
    idb: 'Local storage (IndexedDB)',
    switchTo: '中文',
  },
} as const;

const ASSETS = new URL('/dualrec-assets', location.href).href;
/** Analyse at most this many frames a second: enough for a status line, cheap on a slow phone. */
const ANALYSIS_FPS = 10;

let locale: Locale = navigator.language.startsWith('zh') ? 'zh-CN' : 'en';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const video = $<HTMLVideoElement>('video');
const status = $<HTMLParagraphElement>('face-status');
const progress = $<HTMLProgressElement>('model-progress');
const meter = $<HTMLMeterElement>('mic-level');
const startButton = $<HTMLButtonElement>('start');
const stopButton = $<HTMLButtonElement>('stop');

let session: { stop(): Promise<void> } | undefined;
let lastFaces: number | undefined;

function t() {
  return TEXT[locale];
}

function applyLocale(): void {
  document.documentElement.lang = locale;
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n as keyof (typeof TEXT)['en'];
    const value = t()[key];
    if (typeof value === 'string') el.textContent = value;
  }
  const lang = $<HTMLButtonElement>('lang');
  lang.textContent = locale === 'en' ? '中' : 'EN';
  lang.setAttribute('aria-label', t().switchTo);
  renderSupport();
  if (lastFaces !== undefined) showFaces(lastFaces);
}

function simdSupported(): boolean {
  // The smallest module using a v128 instruction; validate() says whether this engine has SIMD.
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
    11,
  ]);
  return typeof WebAssembly === 'object' && WebAssembly.validate(probe);
}

function renderSupport(): void {
  const checks: [string, boolean][] = [
    [t().secure, window.isSecureContext],
    [t().media, !!navigator.mediaDevices?.getUserMedia],
    [t().recorder, typeof MediaRecorder === 'function'],
    [t().simd, simdSupported()],
    [t().idb, typeof indexedDB === 'object'],
  ];
  $('support').replaceChildren(
    ...checks.map(([label, ok]) => {
      const li = document.createElement('li');
      li.textContent = `${ok ? '✓' : '✗'} ${label}: ${ok ? t().yes : t().no}`;
      li.dataset.ok = String(ok);
      return li;
    }),
  );
}

function showFaces(count: number): void {
  lastFaces = count;
  status.dataset.faces = String(count);
  status.dataset.state = count === 1 ? 'ok' : 'warn';
  status.textContent = t().faces(count);
}

function showProgress(p: LoadProgress): void {
  const fraction = p.total ? p.loaded / p.total : 0;
  progress.hidden = false;
  progress.value = fraction;
  status.textContent = t().loading(p.total ? `${Math.round(fraction * 100)}%` : '');
}

async function start(): Promise<void> {
  startButton.disabled = true;
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
      audio: true,
    });
  } catch {
    status.textContent = t().denied;
    status.dataset.state = 'warn';
    startButton.disabled = false;
    return;
  }
  video.srcObject = stream;
  await video.play();
  const audio = new AudioContext();
  const analyser = audio.createAnalyser();
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let landmarker: Awaited<ReturnType<typeof loadFaceLandmarker>> | undefined;

  session = {
    async stop() {
      controller.abort();
      clearTimeout(timer);
      landmarker?.close();
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
      await audio.close();
      meter.value = 0;
      startButton.hidden = false;
      startButton.disabled = false;
      stopButton.hidden = true;
      session = undefined;
    },
  };
  startButton.hidden = true;
  stopButton.hidden = false;

  try {
    landmarker = await loadFaceLandmarker({
      assetsBase: ASSETS,
      onProgress: showProgress,
      signal: controller.signal,
    });
  } catch {
    if (controller.signal.aborted) return;
    status.textContent = t().failed;
    status.dataset.state = 'warn';
    return;
  }
  progress.hidden = true;
  const active = landmarker;
  const tick = () => {
    if (controller.signal.aborted) return;
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
    if (video.readyState >= 2)
      showFaces(active.detectForVideo(video, performance.now()).faceLandmarks.length);
    timer = setTimeout(tick, 1000 / ANALYSIS_FPS);
  };
  tick();
}

startButton.addEventListener('click', () => void start());
stopButton.addEventListener('click', () => void session?.stop());
$('lang').addEventListener('click', () => {
  locale = locale === 'en' ? 'zh-CN' : 'en';
  applyLocale();
});
window.addEventListener('pagehide', () => void session?.stop());
applyLocale();
document.body.dataset.ready = 'true';
