/** Messages between `BrowserFaceMatcher` and its worker (`face-match.worker.ts`). */
import type { DualrecErrorCode } from '@dualrec/evidence';
import type { RgbaImage } from './image.js';
import type { FaceEmbedding, FaceRole } from './matcher.js';

export type ToMatchWorker =
  | { type: 'init'; assetsBase: string; backend: 'wasm' | 'cpu' }
  | {
      type: 'embed';
      id: number;
      image: { width: number; height: number; data: Uint8ClampedArray };
      landmarks?: Float32Array;
      role: FaceRole;
    }
  | { type: 'close' };

export type FromMatchWorker =
  | { type: 'ready'; backend: string }
  | { type: 'embedding'; id: number; embedding: FaceEmbedding }
  | { type: 'error'; id?: number; code: DualrecErrorCode; detail: string; context?: Record<string, unknown> }
  | { type: 'closed' };

export type { RgbaImage };
