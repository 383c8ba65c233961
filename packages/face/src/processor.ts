/**
 * One frame in, one `FrameMeasurement` out: the model call plus the cheap pixel statistics. The
 * same code runs inside the analyzer's worker (ImageBitmap + OffscreenCanvas) and on the main
 * thread when the browser has no worker path.
 */
import type { FaceLandmarker, FaceLandmarkerResult } from '@mediapipe/tasks-vision';
import {
  eyeAspectRatio,
  guideFit,
  headPose,
  landmarkBox,
  mouthOpenness,
  outOfFrameFraction,
} from './geometry.js';
import { laplacianVariance, meanBrightness, toLuma } from './image-stats.js';
import type { FaceMeasurement, FrameMeasurement, GuideOval } from './types.js';

/** What the model can read: a video element on the main thread, an ImageBitmap in the worker. */
export type FrameSource = HTMLVideoElement | HTMLCanvasElement | ImageBitmap | OffscreenCanvas;

type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** Side of the square the face is resampled to before measuring sharpness and brightness. */
export const FACE_CROP_SIZE = 96;
const FRAME_THUMB = [64, 48] as const;

function makeContext(width: number, height: number): Canvas2D {
  const canvas =
    typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(width, height)
      : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as Canvas2D | null;
  if (!ctx) throw new Error('2D canvas unavailable');
  return ctx;
}

export function frameSize(source: FrameSource): [number, number] {
  if ('videoWidth' in source) return [source.videoWidth, source.videoHeight];
  return [source.width, source.height];
}

export interface ProcessorOptions {
  guide: GuideOval;
}

export class FrameProcessor {
  private readonly crop = makeContext(FACE_CROP_SIZE, FACE_CROP_SIZE);
  private readonly thumb = makeContext(FRAME_THUMB[0], FRAME_THUMB[1]);
  private lastTimestamp = -1;

  constructor(
    private readonly landmarker: FaceLandmarker,
    private options: ProcessorOptions,
  ) {}

  setGuide(guide: GuideOval): void {
    this.options = { ...this.options, guide };
  }

  /** `t` is the capture time (ms); MediaPipe needs it strictly increasing, so ties are nudged. */
  process(source: FrameSource, t: number, index: number): FrameMeasurement {
    const start = performance.now();
    const [width, height] = frameSize(source);
    const timestamp = t > this.lastTimestamp ? t : this.lastTimestamp + 0.001;
    this.lastTimestamp = timestamp;
    const result = this.landmarker.detectForVideo(source as TexImageSource, timestamp);
    const faces = this.faces(result, source, width, height);
    this.thumb.drawImage(source as CanvasImageSource, 0, 0, FRAME_THUMB[0], FRAME_THUMB[1]);
    const frame = this.thumb.getImageData(0, 0, FRAME_THUMB[0], FRAME_THUMB[1]);
    return {
      t,
      index,
      width,
      height,
      faces,
      brightness: meanBrightness(toLuma(frame.data, frame.width, frame.height)),
      processingMs: performance.now() - start,
    };
  }

  private faces(
    result: FaceLandmarkerResult,
    source: FrameSource,
    width: number,
    height: number,
  ): FaceMeasurement[] {
    const aspect = height === 0 ? 1 : width / height;
    const faces: FaceMeasurement[] = [];
    result.faceLandmarks.forEach((points, i) => {
      const landmarks = new Float32Array(points.length * 3);
      points.forEach((p, j) => {
        landmarks[j * 3] = p.x;
        landmarks[j * 3 + 1] = p.y;
        landmarks[j * 3 + 2] = p.z;
      });
      const blendshapes: Record<string, number> = {};
      for (const c of result.faceBlendshapes[i]?.categories ?? []) blendshapes[c.categoryName] = c.score;
      const box = landmarkBox(landmarks);
      const { sharpness, brightness } = this.cropStats(source, box, width, height);
      faces.push({
        box,
        outOfFrame: outOfFrameFraction(landmarks),
        pose: headPose(landmarks, aspect),
        eyeClosure: ((blendshapes.eyeBlinkLeft ?? 0) + (blendshapes.eyeBlinkRight ?? 0)) / 2,
        eyeOpenness: eyeAspectRatio(landmarks, aspect),
        mouthOpenness: mouthOpenness(landmarks, aspect),
        jawOpen: blendshapes.jawOpen ?? 0,
        blendshapes,
        guide: guideFit(box, this.options.guide),
        sharpness,
        brightness,
        landmarks,
      });
    });
    return faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  }

  /** Resamples the face's bounding square to a fixed size so the numbers compare across cameras. */
  private cropStats(
    source: FrameSource,
    box: FaceMeasurement['box'],
    width: number,
    height: number,
  ): { sharpness: number; brightness: number } {
    const side = Math.max(box.width * width, box.height * height);
    if (side < 4) return { sharpness: 0, brightness: 0 };
    const sx = (box.x + box.width / 2) * width - side / 2;
    const sy = (box.y + box.height / 2) * height - side / 2;
    this.crop.clearRect(0, 0, FACE_CROP_SIZE, FACE_CROP_SIZE);
    this.crop.drawImage(
      source as CanvasImageSource,
      sx,
      sy,
      side,
      side,
      0,
      0,
      FACE_CROP_SIZE,
      FACE_CROP_SIZE,
    );
    const pixels = this.crop.getImageData(0, 0, FACE_CROP_SIZE, FACE_CROP_SIZE);
    const luma = toLuma(pixels.data, FACE_CROP_SIZE, FACE_CROP_SIZE);
    return {
      sharpness: laplacianVariance(luma, FACE_CROP_SIZE, FACE_CROP_SIZE),
      brightness: meanBrightness(luma),
    };
  }
}
