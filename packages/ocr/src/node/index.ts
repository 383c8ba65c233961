/**
 * `@dualrec/ocr/node`: read image files and default asset locations for node (CLI, server).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DualrecError } from '@dualrec/evidence';
import type { RgbaImage } from '../image/types.js';
import { PADDLE_FILES, type PaddleAsset } from '../paddle/assets.js';
import { PaddleTextReader } from '../paddle/engine.js';
import type { OrtModule } from '../paddle/ort.js';
import { type DecodeOptions, decodeImage } from './decode.js';

export { readDimensions, sniffFormat } from '../image/header.js';
export type { DecodeOptions, ImageFormat } from './decode.js';
export { decodeImage } from './decode.js';

/** Bigger files are refused before reading: no phone photo of a card is 64 MiB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export async function readImageFile(path: string, options: DecodeOptions = {}): Promise<RgbaImage> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (cause) {
    throw new DualrecError('OCR_IMAGE_INVALID', {
      detail: `cannot read ${path}: ${(cause as Error).message}`,
      cause,
    });
  }
  if (size > MAX_FILE_BYTES)
    throw new DualrecError('OCR_IMAGE_TOO_LARGE', { detail: `${path} is ${size} bytes`, context: { size } });
  const bytes = await readFile(path);
  return decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options);
}

export interface NodePaddleOptions {
  /** The folder `dualrec assets` wrote (holding `paddleocr/` and `onnxruntime/`). */
  assetsDir: string;
  /** onnxruntime threads (default 1). */
  threads?: number;
  signal?: AbortSignal;
}

/**
 * The PP-OCR engine for node (CLI, server, tests): models and runtime from a local assets folder,
 * each file SHA-256-checked, onnxruntime-web's wasm build loaded in-process.
 *
 * @example
 * ```ts
 * const reader = createOcrReader({ paddle: loadPaddleEngine({ assetsDir: 'assets-dist' }) });
 * const result = await reader.read(await readImageFile('card.jpg'));
 * ```
 */
export async function loadPaddleEngine(options: NodePaddleOptions): Promise<PaddleTextReader> {
  const ort = (await import('onnxruntime-web/wasm')) as unknown as OrtModule;
  const assets = Object.fromEntries(
    PADDLE_FILES.map((f) => [f.name, join(options.assetsDir, ...f.path.split('/'))]),
  );
  return PaddleTextReader.load({
    ort,
    assets: assets as Record<PaddleAsset['name'], string>,
    threads: options.threads,
    signal: options.signal,
    readAsset: async (path) => {
      try {
        const bytes = await readFile(path);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (cause) {
        throw new DualrecError('ASSET_NOT_FOUND', {
          detail: `${path}: ${(cause as Error).message} (run \`dualrec assets --out ${options.assetsDir}\`)`,
          cause,
          context: { path },
        });
      }
    },
  });
}
