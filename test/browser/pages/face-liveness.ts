/**
 * Browser harness for the face specs: the real analyzer (in its worker) on Chromium's fake camera,
 * which plays the fixture clip chosen per spec file. Every function opens the camera after the
 * model is ready, so the clip's own timeline starts at about the first analysed frame, and
 * releases everything (analyzer, tracks) before it returns.
 */
import {
  AttemptLimiter,
  BlinkDetector,
  baselineOf,
  type ChallengeKind,
  FaceAnalyzer,
  type FaceEvent,
  type FrameMeasurement,
  type LivenessConfig,
  LivenessSession,
  MemoryFailureStore,
  PresenceSession,
} from '@dualrec/face';

const ASSETS = '/dualrec-assets';

async function openCamera(): Promise<{ stream: MediaStream; video: HTMLVideoElement }> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: 640, height: 480 },
    audio: false,
  });
  const video = document.getElementById('camera') as HTMLVideoElement;
  video.srcObject = stream;
  await video.play();
  return { stream, video };
}

function release(stream: MediaStream, video: HTMLVideoElement): void {
  video.srcObject = null;
  for (const track of stream.getTracks()) track.stop();
}

async function withCamera<T>(
  fn: (analyzer: FaceAnalyzer, video: HTMLVideoElement) => Promise<T>,
): Promise<T> {
  const analyzer = await FaceAnalyzer.create({ assetsBase: ASSETS });
  const { stream, video } = await openCamera();
  try {
    return await fn(analyzer, video);
  } finally {
    await analyzer.close();
    release(stream, video);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Frames of the next `ms` milliseconds. */
async function collect(
  analyzer: FaceAnalyzer,
  video: HTMLVideoElement,
  ms: number,
): Promise<FrameMeasurement[]> {
  const frames: FrameMeasurement[] = [];
  const off = analyzer.onFrame((f) => frames.push(f));
  analyzer.start(video);
  await sleep(ms);
  await analyzer.stop();
  off();
  return frames;
}

/** Blinks over one pass of the clip, against the clip's own median eye state; yaw and pitch ranges. */
function summarize(frames: FrameMeasurement[], analyzer: FaceAnalyzer) {
  const t0 = frames[0]?.t ?? 0;
  const single = frames.filter((f) => f.faces.length === 1);
  const faces = single.map((f) => f.faces[0] as NonNullable<FrameMeasurement['faces'][0]>);
  const detector = new BlinkDetector(baselineOf(faces));
  const blinks: { start: number; end: number }[] = [];
  for (const f of single) {
    const b = detector.push(f.faces[0], f.t);
    if (b) blinks.push({ start: Math.round(b.start - t0), end: Math.round(b.end - t0) });
  }
  const yaws = faces.map((f) => f.pose.yaw);
  const pitches = faces.map((f) => f.pose.pitch);
  return {
    frames: frames.length,
    singleFace: single.length,
    durationMs: (frames.at(-1)?.t ?? 0) - t0,
    blinks,
    yaw: [Math.min(...yaws), Math.max(...yaws)],
    pitch: [Math.min(...pitches), Math.max(...pitches)],
    stats: analyzer.stats,
  };
}

/** Blinks over one pass of the live camera clip (real time: the analyzer keeps up or skips frames). */
async function measureClip(ms: number) {
  return withCamera(async (analyzer, video) => summarize(await collect(analyzer, video, ms), analyzer));
}

/**
 * The same measurements over still frames of the clip (`/clip-frames/0001.jpg`…, made by the spec
 * at `fps`), each analysed at its own clip time: what the analyzer sees when it keeps up with the
 * camera, whatever the load on the machine running the test.
 */
async function measureFrames(count: number, fps: number) {
  const analyzer = await FaceAnalyzer.create({ assetsBase: ASSETS });
  try {
    const frames: FrameMeasurement[] = [];
    for (let i = 0; i < count; i++) {
      const response = await fetch(`/clip-frames/${String(i + 1).padStart(4, '0')}.jpg`);
      if (!response.ok) throw new Error(`frame ${i + 1}: HTTP ${response.status}`);
      const bitmap = await createImageBitmap(await response.blob());
      frames.push(await analyzer.analyze(bitmap, (i * 1000) / fps));
      bitmap.close();
    }
    return summarize(frames, analyzer);
  } finally {
    await analyzer.close();
  }
}

export interface LivenessRun {
  verdict: string;
  reasons: string[];
  challenges: ChallengeKind[];
  challengesPassed: number;
  passive: { live: boolean; score: number; blinks: number; expression: number; nonRigid: number };
  events: FaceEvent[];
  bestFrame?: {
    bytes: number;
    width: number;
    height: number;
    sha256: string;
    jpegMagic: boolean;
    score: number;
  };
  states: string[];
}

type PageConfig = Omit<LivenessConfig, 'limiter' | 'random'> & {
  seed?: number;
  limiter?: { maxFailures: number; cooldownMs: number };
};

/** A full `LivenessSession`; with `attempts` > 1 it runs again after a failure, sharing one limiter. */
async function liveness(config: PageConfig, attempts = 1): Promise<LivenessRun[]> {
  const limiter = config.limiter
    ? new AttemptLimiter({ ...config.limiter, store: new MemoryFailureStore() })
    : new AttemptLimiter();
  return withCamera(async (analyzer, video) => {
    const runs: LivenessRun[] = [];
    for (let i = 0; i < attempts; i++) {
      const states: string[] = [];
      const session = new LivenessSession({
        analyzer,
        video,
        config: { ...config, limiter },
        onState: (s) => {
          if (states.at(-1) !== s.name) states.push(s.name);
        },
      });
      const r = await session.run();
      const jpeg = r.bestFrame?.jpeg;
      const head = jpeg ? new Uint8Array(await jpeg.slice(0, 3).arrayBuffer()) : undefined;
      runs.push({
        verdict: r.verdict,
        reasons: r.reasons,
        challenges: r.challenges,
        challengesPassed: r.challengesPassed,
        passive: r.passive,
        events: r.events,
        states,
        ...(r.bestFrame
          ? {
              bestFrame: {
                bytes: r.bestFrame.jpeg.size,
                width: r.bestFrame.width,
                height: r.bestFrame.height,
                sha256: r.bestFrame.sha256,
                score: r.bestFrame.score,
                jpegMagic: !!head && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
              },
            }
          : {}),
      });
      if (r.verdict === 'passed' || r.verdict === 'locked-out') break;
    }
    return runs;
  });
}

/** Presence monitoring over named segments of the given lengths. */
async function presence(segments: { id: string; ms: number }[]) {
  return withCamera(async (analyzer, video) => {
    const session = new PresenceSession({ analyzer, video });
    // The model's first inference is slow (wasm warm-up); the SDK starts presence monitoring
    // while the analyzer is already warm from the liveness step, so do the same here.
    const first = new Promise<void>((resolve) => {
      const off = analyzer.onFrame(() => {
        off();
        resolve();
      });
    });
    session.start();
    await first;
    for (const s of segments) {
      session.segmentStart(s.id);
      await sleep(s.ms);
      session.segmentEnd(s.id);
    }
    await session.close();
    return session.events;
  });
}

/**
 * Two applicants in one picture: the live camera frame drawn twice, side by side, analysed frame
 * by frame, and the measurements fed to a liveness machine in passive mode.
 */
async function twoFaces(frames: number) {
  return withCamera(async (analyzer, video) => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const { LivenessMachine } = await import('@dualrec/face');
    const machine = new LivenessMachine({ challenges: [] });
    const events: FaceEvent[] = machine.send({ type: 'start', t: performance.now() });
    const counts: number[] = [];
    for (let i = 0; i < frames && !machine.done; i++) {
      ctx.fillStyle = '#808080';
      ctx.fillRect(0, 0, 640, 480);
      // Each copy at 320×240: the faces stay large enough for the model (≈0.24 of frame width).
      ctx.drawImage(video, 0, 120, 320, 240);
      ctx.drawImage(video, 320, 120, 320, 240);
      const m = await analyzer.analyze(canvas);
      counts.push(m.faces.length);
      events.push(...machine.send({ type: 'frame', frame: m }));
      await sleep(66);
    }
    events.push(...machine.send({ type: 'cancel', t: performance.now() }));
    return { counts, events, outcome: machine.outcome };
  });
}

/**
 * A recording segment made of composed pictures: the applicant alone, then an empty scene (the
 * face left), then two people — fed frame by frame to a `PresenceMonitor`.
 */
async function composedPresence(pattern: { show: 'one' | 'none' | 'two'; frames: number }[]) {
  return withCamera(async (analyzer, video) => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const { PresenceMonitor } = await import('@dualrec/face');
    const monitor = new PresenceMonitor();
    const events: FaceEvent[] = [];
    const t0 = performance.now();
    monitor.segmentStart('composed', t0);
    for (const part of pattern)
      for (let i = 0; i < part.frames; i++) {
        ctx.fillStyle = '#808080';
        ctx.fillRect(0, 0, 640, 480);
        if (part.show === 'one') ctx.drawImage(video, 0, 0, 640, 480);
        if (part.show === 'two') {
          ctx.drawImage(video, 0, 120, 320, 240);
          ctx.drawImage(video, 320, 120, 320, 240);
        }
        events.push(...monitor.push(await analyzer.analyze(canvas)));
        await sleep(50);
      }
    events.push(...monitor.finish(performance.now()));
    return events.map((e) => ({ ...e, t: e.t - t0 }));
  });
}

/** A step cancelled through its AbortSignal part-way: it resolves as cancelled and stops the loop. */
async function abortMidway(ms: number) {
  return withCamera(async (analyzer, video) => {
    const controller = new AbortController();
    const session = new LivenessSession({
      analyzer,
      video,
      signal: controller.signal,
      config: { challenges: ['blink', 'nod'] },
    });
    const running = session.run();
    await sleep(ms);
    controller.abort();
    const r = await running;
    await session.close();
    return {
      verdict: r.verdict,
      reasons: r.reasons,
      analyzerRunning: analyzer.running,
      last: r.events.at(-1)?.type,
    };
  });
}

const faceLiveness = {
  measureClip,
  measureFrames,
  liveness,
  presence,
  twoFaces,
  composedPresence,
  abortMidway,
};
declare global {
  interface Window {
    faceLiveness: typeof faceLiveness;
  }
}
window.faceLiveness = faceLiveness;
document.body.dataset.ready = 'true';
