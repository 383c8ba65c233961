/**
 * PNG and JPEG decoding for node in pure JavaScript (pngjs, jpeg-js): no native module to build
 * on a lender's server. Image dimensions are read from the header first, so an oversized image
 * is refused before its pixels are allocated.
 */
import { DualrecError } from '@dualrec/evidence';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { readDimensions, sniffFormat } from '../image/header.js';
import { DEFAULT_MAX_PIXELS, type RgbaImage } from '../image/types.js';

export type { ImageFormat } from '../image/header.js';

export interface DecodeOptions {
  /** Refuse images with more pixels than this (default 50 MP). */
  maxPixels?: number;
}

export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): RgbaImage {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const format = sniffFormat(bytes);
  if (!format) throw new DualrecError('OCR_IMAGE_INVALID', { detail: 'not a PNG or JPEG file' });
  const size = readDimensions(bytes);
  if (!size || size.width === 0 || size.height === 0)
    throw new DualrecError('OCR_IMAGE_INVALID', { detail: `unreadable ${format.toUpperCase()} header` });
  if (size.width * size.height > maxPixels)
    throw new DualrecError('OCR_IMAGE_TOO_LARGE', {
      detail: `${size.width}×${size.height} px is over the limit of ${maxPixels} pixels`,
      context: { ...size, maxPixels },
    });
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return {
        width: png.width,
        height: png.height,
        data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length),
      };
    }
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: Math.ceil(maxPixels / 1e6),
      // RGBA output plus jpeg-js's own component buffers: about 5 bytes a pixel.
      maxMemoryUsageInMB: Math.ceil((maxPixels * 6) / 1024 / 1024),
    });
    return {
      width: decoded.width,
      height: decoded.height,
      data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length),
    };
  } catch (cause) {
    throw new DualrecError('OCR_IMAGE_INVALID', {
      detail: `corrupt ${format.toUpperCase()} data: ${(cause as Error).message}`,
      cause,
    });
  }
}
