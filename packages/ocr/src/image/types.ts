import { DualrecError } from '@dualrec/evidence';

/** An RGBA pixel buffer, as `ImageData` has it (browser canvas, decoded PNG/JPEG in node). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** One 8-bit channel per pixel. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Point = readonly [number, number];
/** Card corners in image pixels: top-left, top-right, bottom-right, bottom-left. */
export type Quad = readonly [Point, Point, Point, Point];

/** Smallest side we try to find a card in: below this there are not enough pixels for text. */
export const MIN_IMAGE_SIDE = 64;
/** Default ceiling on input size (pixels); 12000×12000 is rejected, a 48 MP phone photo is not. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** Checks the shape of an RGBA buffer, so a bad input fails here and not deep in a pixel loop. */
export function assertRgbaImage(image: RgbaImage, maxPixels = DEFAULT_MAX_PIXELS): void {
  const ok =
    typeof image === 'object' &&
    image !== null &&
    Number.isInteger(image.width) &&
    Number.isInteger(image.height) &&
    image.width > 0 &&
    image.height > 0 &&
    (image.data instanceof Uint8ClampedArray || image.data instanceof Uint8Array);
  if (!ok)
    throw new DualrecError('OCR_IMAGE_INVALID', { detail: 'expected { width, height, data: RGBA bytes }' });
  if (image.width * image.height > maxPixels)
    throw new DualrecError('OCR_IMAGE_TOO_LARGE', {
      detail: `${image.width}×${image.height} px is over the limit of ${maxPixels} pixels`,
      context: { width: image.width, height: image.height, maxPixels },
    });
  if (image.data.length !== image.width * image.height * 4)
    throw new DualrecError('OCR_IMAGE_INVALID', {
      detail: `data has ${image.data.length} bytes, expected ${image.width * image.height * 4} for ${image.width}×${image.height} RGBA`,
    });
  if (image.width < MIN_IMAGE_SIDE || image.height < MIN_IMAGE_SIDE)
    throw new DualrecError('OCR_IMAGE_TOO_SMALL', {
      detail: `${image.width}×${image.height} px; at least ${MIN_IMAGE_SIDE} px on each side`,
      context: { width: image.width, height: image.height },
    });
}
