/**
 * Browser harness for @dualrec/face: the real analyzer (worker or main thread) on Chromium's fake
 * camera, fed by the fixture clip chosen per spec file.
 */
import { FaceAnalyzer, type FrameMeasurement, PassiveLivenessMonitor } from '@dualrec/face';

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

/** Per-frame series for threshold measurements. */
async function series(seconds: number, worker: 'auto' | 'off' = 'auto') {
  const { stream, video } = await openCamera();
  const analyzer = await FaceAnalyzer.create({ assetsBase: ASSETS, worker });
  const rows: Omit<FrameMeasurement, 'faces'>[] & unknown[] = [];
  const t0 = performance.now();
  try {
    analyzer.onFrame((m) => {
      const f = m.faces[0];
      rows.push({
        t: Math.round(m.t - t0),
        n: m.faces.length,
        ms: Math.round(m.processingMs),
        br: +m.brightness.toFixed(3),
        ...(f
          ? {
              yaw: +f.pose.yaw.toFixed(1),
              pitch: +f.pose.pitch.toFixed(1),
              roll: +f.pose.roll.toFixed(1),
              blink: +f.eyeClosure.toFixed(3),
              ear: +f.eyeOpenness.toFixed(3),
              mouth: +f.mouthOpenness.toFixed(3),
              jaw: +f.jawOpen.toFixed(3),
              sharp: Math.round(f.sharpness),
              fbr: +f.brightness.toFixed(3),
              box: [f.box.x, f.box.y, f.box.width, f.box.height].map((v) => +v.toFixed(3)),
              guide: [f.guide.dx, f.guide.dy, f.guide.size].map((v) => +v.toFixed(2)),
              nose: [f.landmarks[3], f.landmarks[4]].map((v) => +(v as number).toFixed(4)),
            }
          : {}),
      } as never);
    });
    analyzer.start(video);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return { stats: analyzer.stats, rows };
  } finally {
    await analyzer.close();
    release(stream, video);
  }
}

/** Passive result after each second of observation (3 s window reset each time, and cumulative). */
async function passiveSeries(seconds: number) {
  const { stream, video } = await openCamera();
  const analyzer = await FaceAnalyzer.create({ assetsBase: ASSETS });
  const all = new PassiveLivenessMonitor();
  let windowed = new PassiveLivenessMonitor();
  const perWindow: ReturnType<PassiveLivenessMonitor['result']>[] = [];
  let windowStart = -1;
  try {
    analyzer.onFrame((m) => {
      all.push(m);
      if (windowStart < 0) windowStart = m.t;
      windowed.push(m);
      if (m.t - windowStart >= 3000) {
        perWindow.push(windowed.result());
        windowed = new PassiveLivenessMonitor();
        windowStart = m.t;
      }
    });
    analyzer.start(video);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return { all: all.result(), perWindow };
  } finally {
    await analyzer.close();
    release(stream, video);
  }
}

const faceLab = { series, passiveSeries };
declare global {
  interface Window {
    faceLab: typeof faceLab;
  }
}
window.faceLab = faceLab;
document.body.dataset.ready = 'true';
