/**
 * `@dualrec/ocr/node`: read image files and default asset locations for node (CLI, server).
 */
import { readFile, stat } from 'node:fs/promises';
import { DualrecError } from '@dualrec/evidence';
import type { RgbaImage } from '../image/types.js';
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
