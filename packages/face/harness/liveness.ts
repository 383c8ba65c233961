/**
 * The page behind `dualrec liveness` and `dualrec pad-eval` (packages/cli): the real analyzer and
 * liveness machine on Chromium's fake camera, which plays the video under test. Bundled by
 * packages/cli/scripts/build-liveness-harness.mjs from the built package (so the worker is the
 * shipped one), and served by the CLI from its own origin with the self-hosted MediaPipe assets.
 * The CLI itself never imports @dualrec/face: it only drives this page.
 */
import { type ChallengeKind, FaceAnalyzer, type FaceEvent, LivenessSession } from '../dist/index.js';

export interface HarnessRequest {
  /** Challenges in this order; empty for passive only. */
  challenges: ChallengeKind[];
  challengeTimeoutMs?: number;
  passiveTimeoutMs?: number;
  positioningTimeoutMs?: number;
}

async function run(request: HarnessRequest) {
  const createdAt = performance.now();
  const analyzer = await FaceAnalyzer.create({ assetsBase: '/dualrec-assets' });
  const readyAt = performance.now();
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: 640, height: 480 },
    audio: false,
  });
  const video = document.getElementById('camera') as HTMLVideoElement;
  video.srcObject = stream;
  let firstFrameAt: number | undefined;
  const offFirst = analyzer.onFrame(() => {
    firstFrameAt ??= performance.now();
  });
  const frames = { total: 0, oneFace: 0, noFace: 0, multipleFaces: 0 };
  const offCount = analyzer.onFrame((f) => {
    frames.total++;
    if (f.faces.length === 1) frames.oneFace++;
    else if (f.faces.length === 0) frames.noFace++;
    else frames.multipleFaces++;
  });
  try {
    await video.play();
    const session = new LivenessSession({
      analyzer,
      video,
      bestFrame: false,
      config: {
        challenges: request.challenges,
        ...(request.challengeTimeoutMs ? { challengeTimeoutMs: request.challengeTimeoutMs } : {}),
        ...(request.passiveTimeoutMs ? { passiveTimeoutMs: request.passiveTimeoutMs } : {}),
        ...(request.positioningTimeoutMs ? { positioningTimeoutMs: request.positioningTimeoutMs } : {}),
      },
    });
    const result = await session.run();
    const pick = (type: string) => result.events.filter((e: FaceEvent) => e.type.startsWith(type));
    return {
      verdict: result.verdict,
      reasons: result.reasons,
      challenges: result.challenges,
      challengesPassed: result.challengesPassed,
      passive: result.passive,
      baseline: result.baseline ?? null,
      durationMs: result.durationMs,
      challengeEvents: pick('face.challenge'),
      multipleFaces: pick('face.multiple'),
      absent: pick('face.absent'),
      frames,
      analyzer: {
        mode: analyzer.stats.mode,
        fps: analyzer.stats.fps,
        averageCostMs: analyzer.stats.averageCostMs,
        loadMs: readyAt - createdAt,
        firstResultMs: (firstFrameAt ?? Number.NaN) - createdAt,
      },
    };
  } finally {
    offFirst();
    offCount();
    await analyzer.close();
    video.srcObject = null;
    for (const track of stream.getTracks()) track.stop();
  }
}

declare global {
  interface Window {
    dualrecLiveness: { run: typeof run };
  }
}
window.dualrecLiveness = { run };
document.body.dataset.ready = 'true';
