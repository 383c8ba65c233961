/**
 * Browser harness for @dualrec/speech: the real runner, AudioWorklet microphone, prompters and
 * recogniser against Chromium's fake camera and microphone (fixtures chosen per spec file).
 * The page may import any package: it uses @dualrec/face's FaceLandmarker for the jawOpen series.
 */
import { loadFaceLandmarker } from '@dualrec/face';
import {
  FallbackPrompter,
  type FlowResult,
  lipSyncScore,
  MemoryEventSink,
  MicrophoneAudioSource,
  MouthCollector,
  type RenderedScript,
  renderScript,
  ScriptRunner,
  SileroVad,
  SoundSwallowerAnswerRecognizer,
  SpeechSynthesisPrompter,
  sileroAssets,
  soundSwallowerAssets,
  summarizeSpeech,
} from '@dualrec/speech';
import en from '@dualrec/speech/scripts-examples/consumer-loan.en.json' with { type: 'json' };
import zh from '@dualrec/speech/scripts-examples/consumer-loan.zh-CN.json' with { type: 'json' };

const ASSETS = '/dualrec-assets';
const TERMS = {
  lenderName: '示例消费金融有限公司',
  amount: '10000',
  apr: '18',
  termMonths: 12,
  installments: 12,
  monthlyPayment: '916.80',
  firstDueDate: '2026-12-15',
  totalInterest: '1001.60',
  totalFees: '0',
  totalCost: '1001.60',
  coolingOffDays: 7,
};

function subset(script: RenderedScript, ids: string[], maxDurationMs?: number): RenderedScript {
  return {
    ...script,
    segments: script.segments
      .filter((s) => ids.includes(s.id))
      .map((s) => (maxDurationMs && s.kind !== 'prompt' ? { ...s, maxDurationMs } : s)),
  };
}

async function microphone(): Promise<MediaStream> {
  // Raw microphone: echo cancellation and noise suppression would reshape the envelope we measure.
  return navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
}

interface RunOptions {
  language: 'zh-CN' | 'en';
  segments: string[];
  maxDurationMs?: number;
  silenceTimeoutMs?: number;
  recogniser?: boolean;
  /** Also run the Silero VAD (self-hosted) on each window. */
  silero?: boolean;
  /** Feed the runner jawOpen from the fake camera (FaceLandmarker) for lip sync. */
  mouth?: boolean;
}

/** Runs FaceLandmarker on every camera frame into `collector` until the returned stop() is called. */
async function trackMouth(stream: MediaStream, collector: MouthCollector): Promise<() => void> {
  const landmarker = await loadFaceLandmarker({ assetsBase: ASSETS });
  const video = document.getElementById('camera') as HTMLVideoElement;
  video.srcObject = stream;
  await video.play();
  let running = true;
  const onFrame = (now: number, metadata: VideoFrameCallbackMetadata) => {
    if (!running) return;
    const result = landmarker.detectForVideo(video, now);
    const jaw = result.faceBlendshapes[0]?.categories.find((c) => c.categoryName === 'jawOpen')?.score;
    collector.add(metadata.captureTime ?? now, jaw ?? null);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  return () => {
    running = false;
    landmarker.close();
    video.srcObject = null;
  };
}

async function runScript(options: RunOptions) {
  const stream = options.mouth
    ? await navigator.mediaDevices.getUserMedia({
        video: { width: 640, height: 480 },
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      })
    : await microphone();
  const mic = await MicrophoneAudioSource.open(stream);
  const mouth = options.mouth ? new MouthCollector() : undefined;
  const stopMouth = mouth ? await trackMouth(stream, mouth) : undefined;
  const sink = new MemoryEventSink();
  const prompter = new FallbackPrompter(new SpeechSynthesisPrompter({ voicesTimeoutMs: 300 }), null);
  let recogniser: SoundSwallowerAnswerRecognizer | undefined;
  const loadStart = performance.now();
  if (options.recogniser) {
    recogniser = new SoundSwallowerAnswerRecognizer();
    await recogniser.init({ assets: soundSwallowerAssets(ASSETS) });
  }
  const silero = options.silero ? await SileroVad.load({ assets: sileroAssets(ASSETS) }) : undefined;
  const loadMs = performance.now() - loadStart;
  const rendered = renderScript(options.language === 'en' ? en : zh, {
    ...TERMS,
    ...(options.language === 'en' ? { lenderName: 'Example Finance' } : {}),
  });
  const script = subset(rendered, options.segments, options.maxDurationMs);
  const text = document.getElementById('text') as HTMLElement;
  const progress = document.getElementById('progress') as HTMLProgressElement;
  const runner = new ScriptRunner({
    script,
    prompter,
    audio: mic,
    sink,
    recogniser,
    voiceAnalyser: silero,
    mouth,
    silenceTimeoutMs: options.silenceTimeoutMs,
  });
  const phases: string[] = [];
  runner.subscribe((view) => {
    text.textContent = view.segment?.text ?? '';
    progress.value = view.progress;
    const entry = `${view.phase}:${view.segment?.id ?? '-'}`;
    if (phases.at(-1) !== entry) phases.push(entry);
  });
  let result: FlowResult;
  try {
    result = await runner.run();
  } finally {
    runner.close();
    stopMouth?.();
    await recogniser?.close();
    await silero?.close();
    prompter.close();
    await mic.close();
    for (const track of stream.getTracks()) track.stop();
  }
  return {
    result,
    loadMs,
    phases,
    events: sink.events.map((e) => ({ type: e.type, payload: e.payload, sealed: e.sealed ?? null })),
    leaks: {
      ...runner.activeResources,
      audioContext: mic.state,
      speechSynthesisPending: speechSynthesis.pending || speechSynthesis.speaking,
    },
    voices: speechSynthesis.getVoices().length,
  };
}

/**
 * Mouth openness (jawOpen) from the fake camera and the microphone's envelope over the same
 * `seconds`, scored for lip sync. The model is loaded before the devices open, so the first pass
 * of both looping fixtures (where they are roughly in step) is what gets measured.
 */
async function lipSync(seconds: number) {
  const landmarker = await loadFaceLandmarker({ assetsBase: ASSETS });
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: 640, height: 480 },
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const video = document.getElementById('camera') as HTMLVideoElement;
  const mic = await MicrophoneAudioSource.open(stream);
  const mouth = new MouthCollector();
  const capture = mic.listen(
    { onSpeechStart() {}, onSpeechEnd() {} },
    { endSilenceMs: 1200, keepPcm: false },
  );
  let faces = 0;
  let frames = 0;
  try {
    video.srcObject = stream;
    await video.play();
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const onFrame = (now: number, metadata: VideoFrameCallbackMetadata) => {
        if (performance.now() - start > seconds * 1000) return resolve();
        frames++;
        const result = landmarker.detectForVideo(video, now);
        const jaw = result.faceBlendshapes[0]?.categories.find((c) => c.categoryName === 'jawOpen')?.score;
        if (jaw !== undefined) faces++;
        // The camera frame's capture time where Chrome gives it (same performance clock as the audio frames).
        mouth.add(metadata.captureTime ?? now, jaw ?? null);
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    });
    const audio = await capture.stop();
    const score = lipSyncScore(
      mouth.samplesBetween(audio.startT, audio.endT),
      audio.frames.map((f) => ({ t: f.t, rms: f.rms })),
    );
    const jaws = mouth.samplesBetween(0, Number.POSITIVE_INFINITY).map((m) => m.openness);
    return {
      score,
      frames,
      faces,
      mouthSamples: mouth.size,
      jawMax: Math.max(...jaws),
      speech: summarizeSpeech(audio.frames),
      audioFrames: audio.frames.length,
    };
  } finally {
    landmarker.close();
    video.srcObject = null;
    await mic.close();
    for (const track of stream.getTracks()) track.stop();
  }
}

const speechLab = { runScript, lipSync };
declare global {
  interface Window {
    speechLab: typeof speechLab;
  }
}
window.speechLab = speechLab;
document.body.dataset.ready = 'true';
