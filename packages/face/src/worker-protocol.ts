/** Messages between `FaceAnalyzer` and its worker (`face.worker.ts`). */
import type { DualrecErrorCode } from '@dualrec/evidence';
import type { FrameMeasurement, GuideOval } from './types.js';

export interface WorkerInit {
  type: 'init';
  /** Absolute URL: a worker resolves relative URLs against its own script, not the page. */
  assetsBase: string;
  delegate: 'CPU' | 'GPU';
  numFaces: number;
  guide: GuideOval;
}

export type ToWorker =
  | WorkerInit
  | { type: 'frame'; id: number; bitmap: ImageBitmap; t: number; index: number }
  | { type: 'guide'; guide: GuideOval }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; loaded: number; total: number | undefined }
  | { type: 'result'; id: number; measurement: FrameMeasurement }
  | { type: 'error'; id?: number; code: DualrecErrorCode; detail: string }
  | { type: 'closed' };
