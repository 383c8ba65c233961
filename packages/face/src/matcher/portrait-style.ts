/**
 * Makes an ordinary face photo look like the portrait printed on a PRC ID card as the OCR step
 * crops it: a 3:4 head-and-shoulders crop at 102 × 126 px, re-encoded as a low-quality JPEG, for
 * `dualrec face-eval --reference id-portrait`. The JPEG round trip is injected (node uses jpeg-js
 * in the CLI) so this module stays free of codecs.
 */
import { fivePoints } from './align.js';
import type { RgbaImage } from './image.js';

export interface IdPortraitOptions {
  width?: number;
  height?: number;
  /** JPEG re-encoding; identity when omitted. */
  jpeg?: (image: RgbaImage) => RgbaImage;
}

/**
 * Crops `image` around the face given by its landmarks the way an ID portrait frames it (eyes at
 * about 45 % of the height, the eye distance about 28 % of the width), resizes to `width × height`
 * (102 × 126 by default, box-filtered), then applies `jpeg`.
 */
export function degradeToIdPortrait(
  image: RgbaImage,
  landmarks: ArrayLike<number>,
  options: IdPortraitOptions = {},
): RgbaImage {
  const width = options.width ?? 102;
  const height = options.height ?? 126;
  const [re, le] = fivePoints(landmarks, image.width, image.height) as [[number, number], [number, number]];
  const eyeDist = Math.hypot(le[0] - re[0], le[1] - re[1]);
  const cropW = eyeDist / 0.28;
  const cropH = (cropW * height) / width;
  const cx = (re[0] + le[0]) / 2;
  const top = (re[1] + le[1]) / 2 - 0.45 * cropH;
  const left = cx - cropW / 2;
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = cropW / width;
  const sy = cropH / height;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      // Box filter over the source pixels this output pixel covers (the crop is a downscale).
      const x0 = left + u * sx;
      const y0 = top + v * sy;
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y0 + sy); y++) {
        for (let x = Math.floor(x0); x < Math.ceil(x0 + sx); x++) {
          const cx2 = Math.min(image.width - 1, Math.max(0, x));
          const cy2 = Math.min(image.height - 1, Math.max(0, y));
          const i = (cy2 * image.width + cx2) * 4;
          r += image.data[i] as number;
          g += image.data[i + 1] as number;
          b += image.data[i + 2] as number;
          n++;
        }
      }
      const o = (v * width + u) * 4;
      out[o] = r / Math.max(1, n);
      out[o + 1] = g / Math.max(1, n);
      out[o + 2] = b / Math.max(1, n);
      out[o + 3] = 255;
    }
  }
  const portrait: RgbaImage = { width, height, data: out };
  return options.jpeg ? options.jpeg(portrait) : portrait;
}
