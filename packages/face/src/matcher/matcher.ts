/**
 * 1:1 face verification (人证比对): is the live applicant the person in the reference photo (the
 * ID portrait the OCR step cut out, or a photo the lender supplies)? Each face is found and given
 * landmarks (or arrives with the analyzer's MediaPipe landmarks), aligned by five points onto the
 * ArcFace template, and embedded by two models; the score is the mean of their cosine
 * similarities, compared with a named operating point's threshold.
 */
import { DualrecError } from '@dualrec/evidence';
import { alignmentToSource, fivePoints, type Point } from './align.js';
import { FACE_MATCH_FILES, FACE_MATCH_MODEL, type FaceMatchAsset } from './assets.js';
import { type DetectedFace, FaceDetector } from './detector.js';
import { type RgbaImage, warpToFloatRgb } from './image.js';
import { DEFAULT_OPERATING_POINT, OPERATING_POINTS, type OperatingPointName } from './operating-points.js';
import { type GraphModel, importTf, type Tf } from './tf.js';

/** Which image a face came from, for error messages and claims. */
export type FaceRole = 'reference' | 'probe';

/** A face turned into the two models' embeddings (no pixels kept). */
export interface FaceEmbedding {
  faceres: Float32Array;
  mobileface: Float32Array;
  /** The five alignment points in pixels (right eye, left eye, nose tip, mouth right, mouth left). */
  points: Point[];
  /** Inter-ocular distance in pixels: below ~20 px the comparison is unreliable. */
  eyeDistance: number;
  /** Where the landmarks came from. */
  landmarkSource: 'face-mesh' | 'given';
}

export interface FaceComparison {
  /** Mean of the two cosine similarities, −1..1 (same person ≈ 0.5–0.9 here). */
  score: number;
  /** Each model's cosine similarity. */
  scores: { faceres: number; mobileface: number };
  threshold: number;
  /** The operating point the threshold came from, or `custom`. */
  operatingPoint: OperatingPointName | 'custom';
  decision: 'match' | 'no-match';
  model: { name: string; sha256: string };
}

export interface FaceMatcherLoadOptions {
  /** Returns a file's bytes (the loader checks its SHA-256 against the pin). */
  readAsset: (asset: FaceMatchAsset) => Promise<Uint8Array>;
  /**
   * TensorFlow.js backend: `wasm` (default; needs `wasmPaths`, the folder or URL prefix holding
   * `tfjs-backend-wasm*.wasm`) or `cpu` (plain JS, about 20× slower here, no extra files).
   */
  backend?: 'wasm' | 'cpu';
  wasmPaths?: string;
  signal?: AbortSignal;
}

export interface CompareOptions {
  /** A named operating point (default `far1e-2`) or a threshold of your own. */
  operatingPoint?: OperatingPointName;
  threshold?: number;
  signal?: AbortSignal;
}

export interface EmbedOptions {
  /** MediaPipe landmarks (x, y normalised) the caller already has, e.g. from the live analyzer. */
  landmarks?: ArrayLike<number>;
  role?: FaceRole;
  signal?: AbortSignal;
}

const FACERES = { size: 224, scale: 1, offset: -127.5, zoom: 0.8, output: 'global_pooling/Mean' } as const;
const MOBILEFACE = { size: 112, scale: 1, offset: 0, zoom: 1, output: 'batchnorm0/add_1' } as const;
/** Smallest image side accepted (an ID portrait crop is 102 × 126 at its smallest). */
const MIN_SIDE = 48;

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Compares two embeddings (pure: the same numbers on the device and on the lender's side). */
export function compareEmbeddings(
  reference: FaceEmbedding,
  probe: FaceEmbedding,
  options: Omit<CompareOptions, 'signal'> = {},
): FaceComparison {
  const faceres = cosine(reference.faceres, probe.faceres);
  const mobileface = cosine(reference.mobileface, probe.mobileface);
  const score = (faceres + mobileface) / 2;
  const named = options.operatingPoint ?? DEFAULT_OPERATING_POINT;
  if (options.threshold !== undefined && !Number.isFinite(options.threshold))
    throw new DualrecError('BAD_USAGE', { detail: 'threshold must be a finite number' });
  if (options.threshold === undefined && !(named in OPERATING_POINTS))
    throw new DualrecError('BAD_USAGE', { detail: `unknown operating point ${String(named)}` });
  const threshold = options.threshold ?? OPERATING_POINTS[named];
  return {
    score,
    scores: { faceres, mobileface },
    threshold,
    operatingPoint: options.threshold === undefined ? named : 'custom',
    decision: score >= threshold ? 'match' : 'no-match',
    model: { ...FACE_MATCH_MODEL },
  };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function checkImage(image: RgbaImage, role: FaceRole): void {
  const ok =
    image &&
    Number.isInteger(image.width) &&
    Number.isInteger(image.height) &&
    image.data?.length === image.width * image.height * 4;
  if (!ok)
    throw new DualrecError('FACE_MATCH_IMAGE_INVALID', {
      detail: `${role}: not an RGBA image (width × height × 4 bytes)`,
      context: { role },
    });
  if (Math.min(image.width, image.height) < MIN_SIDE)
    throw new DualrecError('FACE_MATCH_IMAGE_INVALID', {
      detail: `${role}: ${image.width}×${image.height} is smaller than ${MIN_SIDE} px`,
      context: { role, width: image.width, height: image.height },
    });
}

/**
 * Detect, align, embed and compare faces. Node and browser alike: the caller supplies the bytes
 * of the pinned model files (`loadFaceMatcher` in `@dualrec/face/matcher-node` reads them from an
 * assets folder; the browser worker fetches them from the lender's origin).
 *
 * @example
 * ```ts
 * const matcher = await FaceMatcher.load({ readAsset, wasmPaths: '/dualrec-assets/tfjs-wasm/' });
 * const result = await matcher.match(idPortrait, liveFrame);
 * if (result.decision === 'no-match') askForRetry();
 * matcher.close();
 * ```
 */
export class FaceMatcher {
  private closed = false;

  private constructor(
    private readonly tf: Tf,
    private readonly detector: FaceDetector,
    private readonly models: { faceres: GraphModel; mobileface: GraphModel; others: GraphModel[] },
    /** The tfjs backend actually in use. */
    readonly backend: string,
  ) {}

  static async load(options: FaceMatcherLoadOptions): Promise<FaceMatcher> {
    const { signal } = options;
    signal?.throwIfAborted();
    const runtime = await importTf();
    const { tf } = runtime;
    const backend = options.backend ?? 'wasm';
    try {
      if (backend === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths);
      } else {
        await import('@tensorflow/tfjs-backend-cpu');
      }
      if (tf.getBackend() !== backend && !(await tf.setBackend(backend)))
        throw new Error(`tfjs backend ${backend} could not start`);
      await tf.ready();
    } catch (cause) {
      throw new DualrecError('MODEL_LOAD_FAILED', { detail: `tfjs ${backend}: ${String(cause)}`, cause });
    }
    const bytes = new Map<string, Uint8Array>();
    await Promise.all(
      FACE_MATCH_FILES.filter((f) => !f.name.endsWith('.wasm')).map(async (file) => {
        const data = await options.readAsset(file);
        signal?.throwIfAborted();
        const actual = await sha256Hex(data);
        if (actual !== file.sha256)
          throw new DualrecError('ASSET_HASH_MISMATCH', {
            detail: `${file.path}: expected sha256 ${file.sha256}, got ${actual}`,
            context: { file: file.path, expected: file.sha256, actual },
          });
        bytes.set(file.name, data);
      }),
    );
    const graph = async (name: 'blazeface' | 'facemesh' | 'faceres' | 'mobileface') => {
      try {
        return await runtime.loadGraph(
          bytes.get(`${name}.json`) as Uint8Array,
          bytes.get(`${name}.bin`) as Uint8Array,
        );
      } catch (cause) {
        throw new DualrecError('MODEL_LOAD_FAILED', { detail: `${name}: ${String(cause)}`, cause });
      }
    };
    const [blazeface, facemesh, faceres, mobileface] = await Promise.all([
      graph('blazeface'),
      graph('facemesh'),
      graph('faceres'),
      graph('mobileface'),
    ]);
    const matcher = new FaceMatcher(
      tf,
      new FaceDetector(tf, blazeface, facemesh),
      { faceres, mobileface, others: [blazeface, facemesh] },
      tf.getBackend(),
    );
    if (signal?.aborted) {
      matcher.close();
      throw new DualrecError('ABORTED');
    }
    return matcher;
  }

  private check(signal?: AbortSignal): void {
    if (this.closed) throw new DualrecError('FACE_MATCH_CLOSED');
    if (signal?.aborted) throw new DualrecError('ABORTED', { cause: signal.reason });
  }

  /** Every face in the image, largest first, with MediaPipe-layout landmarks. */
  async detectFaces(
    image: RgbaImage,
    options: { role?: FaceRole; signal?: AbortSignal } = {},
  ): Promise<DetectedFace[]> {
    this.check(options.signal);
    checkImage(image, options.role ?? 'probe');
    return this.detector.detect(image);
  }

  /** Finds the largest face (unless landmarks are given), aligns it and embeds it. */
  async embed(image: RgbaImage, options: EmbedOptions = {}): Promise<FaceEmbedding> {
    const role = options.role ?? 'probe';
    this.check(options.signal);
    checkImage(image, role);
    let landmarks = options.landmarks;
    let landmarkSource: FaceEmbedding['landmarkSource'] = 'given';
    if (!landmarks) {
      const faces = await this.detector.detect(image);
      this.check(options.signal);
      const face = faces[0];
      if (!face)
        throw new DualrecError('FACE_MATCH_NO_FACE', {
          detail: `no face found in the ${role} image (${image.width}×${image.height})`,
          context: { role },
        });
      landmarks = face.landmarks;
      landmarkSource = 'face-mesh';
    }
    const points = fivePoints(landmarks, image.width, image.height);
    const eyeDistance = Math.hypot(
      (points[1] as Point)[0] - (points[0] as Point)[0],
      (points[1] as Point)[1] - (points[0] as Point)[1],
    );
    if (!(eyeDistance > 4))
      throw new DualrecError('FACE_MATCH_NO_FACE', {
        detail: `the ${role} face is too small to compare (eyes ${eyeDistance.toFixed(1)} px apart)`,
        context: { role, eyeDistance },
      });
    const run = async (
      model: GraphModel,
      spec: typeof FACERES | typeof MOBILEFACE,
    ): Promise<Float32Array> => {
      const input = warpToFloatRgb(
        image,
        alignmentToSource(points, spec.size, spec.zoom),
        spec.size,
        spec.size,
        spec.scale,
        spec.offset,
      );
      const x = this.tf.tensor4d(input, [1, spec.size, spec.size, 3]);
      try {
        const y = model.execute(x, spec.output) as import('@tensorflow/tfjs-core').Tensor;
        try {
          return (await y.data()) as Float32Array;
        } finally {
          y.dispose();
        }
      } finally {
        x.dispose();
      }
    };
    const faceres = await run(this.models.faceres, FACERES);
    this.check(options.signal);
    const mobileface = await run(this.models.mobileface, MOBILEFACE);
    return { faceres, mobileface, points, eyeDistance, landmarkSource };
  }

  /** Compares a reference (image or embedding) with a probe image. */
  async match(
    reference: RgbaImage | FaceEmbedding,
    probe: RgbaImage | FaceEmbedding,
    options: CompareOptions & { probeLandmarks?: ArrayLike<number> } = {},
  ): Promise<FaceComparison> {
    const ref =
      'faceres' in reference
        ? reference
        : await this.embed(reference, { role: 'reference', signal: options.signal });
    const p =
      'faceres' in probe
        ? probe
        : await this.embed(probe, {
            role: 'probe',
            signal: options.signal,
            landmarks: options.probeLandmarks,
          });
    this.check(options.signal);
    return compareEmbeddings(ref, p, options);
  }

  compare(
    reference: FaceEmbedding,
    probe: FaceEmbedding,
    options: Omit<CompareOptions, 'signal'> = {},
  ): FaceComparison {
    this.check();
    return compareEmbeddings(reference, probe, options);
  }

  /** Frees the models' tensors. The tfjs backend itself stays (other matchers may share it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const m of [this.models.faceres, this.models.mobileface, ...this.models.others]) m.dispose();
  }
}
