/** Messages between the page and the PP-OCR worker (paddle.worker.ts). */
import type { PaddleReadResult } from './engine.js';

export type ToPaddleWorker =
  | { type: 'init'; assets: Record<string, string> }
  | { type: 'read'; id: number; width: number; height: number; data: Uint8ClampedArray }
  | { type: 'close' };

export type FromPaddleWorker =
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'ready' }
  | { type: 'result'; id: number; result: PaddleReadResult }
  | { type: 'error'; id?: number; code: string; detail: string }
  | { type: 'closed' };
