/**
 * Keeps the best reference photo seen so far (browser). When a measured frame beats the current
 * best, the video's current picture is copied into an ImageBitmap right away; that copy is at
 * most one analysis interval newer than the measured frame, so on `take()` the candidates are
 * re-analysed and the first that still qualifies is encoded as JPEG — the event reports the
 * measurements of the pixels actually kept.
 */
import type { FaceAnalyzer } from './analyzer.js';
import type { NeutralBaseline } from './baseline.js';
import { type BestFrameOptions, bestFrameScore } from './best-frame.js';
import { type FaceEvent, faceEvent } from './events.js';
import type { FrameMeasurement } from './types.js';

export interface BestFrame {
  jpeg: Blob;
  sha256: string;
  width: number;
  height: number;
  score: number;
  measurement: FrameMeasurement;
  event: FaceEvent;
}

interface Candidate {
  score: number;
  bitmap: ImageBitmap;
}

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function encodeJpeg(bitmap: ImageBitmap, quality: number): Promise<Blob> {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
    return canvas.convertToBlob({ type: 'image/jpeg', quality });
  }
  const canvas = Object.assign(document.createElement('canvas'), {
    width: bitmap.width,
    height: bitmap.height,
  });
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', quality),
  );
}

export class BestFrameKeeper {
  private candidates: Candidate[] = [];
  private pending = 0;
  private baseline: NeutralBaseline | undefined;
  private closed = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly options: BestFrameOptions & {
      keep?: number;
      jpegQuality?: number;
      minGapMs?: number;
    } = {},
  ) {}

  setBaseline(baseline: NeutralBaseline | undefined): void {
    this.baseline = baseline;
  }

  /** Offer a measured frame; copies the picture when it is among the best few. */
  offer(frame: FrameMeasurement): void {
    if (this.closed || this.pending > 0) return;
    const score = bestFrameScore(frame, this.baseline, this.options);
    const keep = this.options.keep ?? 3;
    const worst = this.candidates.length < keep ? 0 : (this.candidates.at(-1)?.score ?? 0);
    if (score <= worst) return;
    this.pending++;
    createImageBitmap(this.video).then(
      (bitmap) => {
        this.pending--;
        if (this.closed) return bitmap.close();
        this.candidates.push({ score, bitmap });
        this.candidates.sort((a, b) => b.score - a.score);
        for (const dropped of this.candidates.splice(keep)) dropped.bitmap.close();
      },
      () => {
        this.pending--;
      },
    );
  }

  /**
   * Re-checks the candidates with `analyzer` and returns the best one that still qualifies, as
   * JPEG. Frees every copy; returns undefined when none qualifies.
   */
  async take(analyzer: FaceAnalyzer, t: () => number): Promise<BestFrame | undefined> {
    const candidates = this.candidates;
    this.candidates = [];
    try {
      for (const c of candidates) {
        const measurement = await analyzer.analyze(c.bitmap, t());
        const score = bestFrameScore(measurement, this.baseline, this.options);
        if (score <= 0) continue;
        const jpeg = await encodeJpeg(c.bitmap, this.options.jpegQuality ?? 0.92);
        const sha256 = await sha256Hex(jpeg);
        const face = measurement.faces[0];
        return {
          jpeg,
          sha256,
          width: c.bitmap.width,
          height: c.bitmap.height,
          score,
          measurement,
          event: faceEvent('face.best-frame', measurement.t, {
            score,
            sharpness: face?.sharpness ?? 0,
            yaw: face?.pose.yaw ?? 0,
            pitch: face?.pose.pitch ?? 0,
            width: c.bitmap.width,
            height: c.bitmap.height,
            bytes: jpeg.size,
            sha256,
          }),
        };
      }
      return undefined;
    } finally {
      for (const c of candidates) c.bitmap.close();
    }
  }

  close(): void {
    this.closed = true;
    for (const c of this.candidates) c.bitmap.close();
    this.candidates = [];
  }
}
