/**
 * PNG and JPEG decoding for node in pure JavaScript (pngjs, jpeg-js): no native module to build
 * on a lender's server. Image dimensions are read from the header first, so an oversized image
 * is refused before its pixels are allocated.
 */
import { DualrecError } from '@dualrec/evidence';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DEFAULT_MAX_PIXELS, type RgbaImage } from '../image/types.js';

export type ImageFormat = 'png' | 'jpeg';

export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Width and height from the PNG IHDR or the first JPEG SOFn marker, without decoding. */
export function readDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  const format = sniffFormat(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') {
    if (bytes.length < 24) return undefined;
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (format === 'jpeg') {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return undefined;
      const marker = bytes[i + 1] ?? 0;
      if (marker === 0xff) {
        i++;
        continue;
      }
      const length = view.getUint16(i + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) return { width: view.getUint16(i + 7), height: view.getUint16(i + 5) };
      i += 2 + length;
    }
  }
  return undefined;
}

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
