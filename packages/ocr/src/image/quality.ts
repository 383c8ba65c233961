// biome-ignore-all lint/style/noNonNullAssertion: pixel loops index typed arrays within bounds the loops check; noUncheckedIndexedAccess would type every read as possibly undefined.
/**
 * Capture quality of a straightened card, for the guide's feedback and auto-capture:
 * sharpness (mean gradient energy of the text rows relative to their contrast), glare (share of
 * clipped pixels over the text) and exposure. Thresholds were set on the specimen variants (sharpness: clean ≈ 0.08, photo-like and 640 px ≈ 0.05–0.06, the blur variant 0.02–0.03):
 * sharp/JPEG/photo-like cards score well above SHARPNESS_MIN, the blur variant below it.
 */
import type { GrayImage } from './types.js';

export interface CaptureQuality {
  /** Higher is sharper; see SHARPNESS_MIN. */
  sharpness: number;
  /** Share (0–1) of clipped-white pixels on the card. */
  glare: number;
  /** Median luma of the card, 0–255. */
  brightness: number;
}

export const SHARPNESS_MIN = 0.038;
export const GLARE_MAX = 0.02;
export const BRIGHTNESS_MIN = 70;

export function measureQuality(card: GrayImage): CaptureQuality {
  const { width, height, data } = card;
  const hist = new Uint32Array(256);
  let clipped = 0;
  for (const v of data) {
    hist[v]!++;
    if (v >= 250) clipped++;
  }
  let acc = 0;
  let median = 0;
  for (let i = 0; i < 256; i++) {
    acc += hist[i]!;
    if (acc >= data.length / 2) {
      median = i;
      break;
    }
  }
  // Text contrast range from robust percentiles, so a dim but sharp card is not called blurry.
  const pct = (p: number) => {
    let a = 0;
    for (let i = 0; i < 256; i++) {
      a += hist[i]!;
      if (a >= p * data.length) return i;
    }
    return 255;
  };
  const range = Math.max(16, pct(0.95) - pct(0.02));
  // Sharp edges put the contrast into one-pixel steps; blur spreads it over several.
  let energy = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = 4 * data[i]! - data[i - 1]! - data[i + 1]! - data[i - width]! - data[i + width]!;
      energy += Math.abs(lap);
      n++;
    }
  }
  const sharpness = n ? energy / n / range : 0;
  return { sharpness, glare: clipped / data.length, brightness: median };
}
