/**
 * Capture assessment for one camera frame: is there a card, is it big enough, whole, sharp,
 * free of glare, well lit? The browser guide calls this a few times a second and auto-captures
 * once a few frames in a row are `ok`. Isomorphic and cheap (~10–20 ms on a 640 px preview).
 */
import { type CardDetection, detectCard } from './image/detect.js';
import { warpQuad } from './image/geometry.js';
import { crop } from './image/preprocess.js';
import {
  BRIGHTNESS_MIN,
  type CaptureQuality,
  GLARE_MAX,
  measureQuality,
  SHARPNESS_MIN,
} from './image/quality.js';
import { assertRgbaImage, type RgbaImage } from './image/types.js';
import { CARD_HEIGHT_PX, CARD_WIDTH_PX, FRONT_FIELDS, PX_PER_MM } from './layout.js';

/** What to tell the applicant. Codes, not text: the SDK shows them in zh-CN or en. */
export type CaptureFeedback = 'no-card' | 'too-small' | 'cut-off' | 'blurry' | 'glare' | 'too-dark' | 'ok';

/** What to show or speak for each feedback code (the SDK may use its own wording). */
export const CAPTURE_PROMPTS: Readonly<Record<CaptureFeedback, { en: string; 'zh-CN': string }>> =
  Object.freeze({
    'no-card': { en: 'Place your ID card inside the frame.', 'zh-CN': '请将身份证放入框内。' },
    'too-small': { en: 'Move the phone closer to the card.', 'zh-CN': '请将手机靠近身份证。' },
    'cut-off': { en: 'Make sure the whole card is inside the frame.', 'zh-CN': '请确保身份证完整地在框内。' },
    blurry: { en: 'Hold still: the picture is blurry.', 'zh-CN': '请保持稳定，画面模糊。' },
    glare: {
      en: 'There is glare on the card: tilt it slightly away from the light.',
      'zh-CN': '身份证有反光，请稍微倾斜避开光源。',
    },
    'too-dark': { en: 'It is too dark: move to a brighter place.', 'zh-CN': '光线太暗，请到明亮处拍摄。' },
    ok: { en: 'Hold still…', 'zh-CN': '请保持不动…' },
  });

export interface CaptureAssessment {
  feedback: CaptureFeedback;
  detection: CardDetection | undefined;
  quality: CaptureQuality | undefined;
  /** Card width as a share of the frame width (0–1). */
  fill: number;
}

export interface CaptureThresholds {
  /** Minimum card width as a share of the frame (default 0.5: the guide frame is ~0.8). */
  minFill?: number;
  sharpnessMin?: number;
  glareMax?: number;
  brightnessMin?: number;
}

export function assessCapture(frame: RgbaImage, thresholds: CaptureThresholds = {}): CaptureAssessment {
  assertRgbaImage(frame);
  const detection = detectCard(frame);
  if (!detection) return { feedback: 'no-card', detection, quality: undefined, fill: 0 };
  const [tl, tr, br, bl] = detection.quad;
  const width = (Math.hypot(tr[0] - tl[0], tr[1] - tl[1]) + Math.hypot(br[0] - bl[0], br[1] - bl[1])) / 2;
  const fill = width / frame.width;
  if (detection.touchesBorder) return { feedback: 'cut-off', detection, quality: undefined, fill };
  if (fill < (thresholds.minFill ?? 0.5))
    return { feedback: 'too-small', detection, quality: undefined, fill };
  // Quality is measured on the straightened number row at the reader's scale, so the same
  // thresholds hold for any camera resolution.
  const card = warpQuad(frame, detection.quad, CARD_WIDTH_PX, CARD_HEIGHT_PX);
  const b = FRONT_FIELDS.idNumber.box;
  const rows = crop(card.luma, {
    x: 0,
    y: b.y * PX_PER_MM,
    width: CARD_WIDTH_PX,
    height: b.height * PX_PER_MM,
  });
  const quality = measureQuality(card.luma);
  const textQuality = measureQuality(rows);
  const merged: CaptureQuality = { ...quality, sharpness: textQuality.sharpness };
  let feedback: CaptureFeedback = 'ok';
  if (merged.brightness < (thresholds.brightnessMin ?? BRIGHTNESS_MIN)) feedback = 'too-dark';
  else if (merged.glare > (thresholds.glareMax ?? GLARE_MAX)) feedback = 'glare';
  else if (merged.sharpness < (thresholds.sharpnessMin ?? SHARPNESS_MIN)) feedback = 'blurry';
  return { feedback, detection, quality: merged, fill };
}
