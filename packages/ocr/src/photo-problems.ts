/**
 * Why a card photo could not be read, in words the applicant can act on: "move closer", "hold
 * still", "tilt away from the light", "find more light". Only asked after a read failed (no card,
 * or fields left unread), so a wrong guess changes the hint of a failure, never a result.
 */
import { assessCapture } from './capture.js';
import { warpQuad } from './image/geometry.js';
import { crop } from './image/preprocess.js';
import { BRIGHTNESS_MIN } from './image/quality.js';
import type { Quad, RgbaImage } from './image/types.js';
import {
  BACK_FIELDS,
  CARD_HEIGHT_PX,
  CARD_WIDTH_PX,
  type FieldBox,
  FRONT_FIELDS,
  PX_PER_MM,
} from './layout.js';

/** A photo problem the applicant can fix by taking the photo again. */
export type PhotoProblem = 'too-small' | 'blurry' | 'glare' | 'too-dark';

/**
 * Below this many pixels on the photo's long side no card is read: PP-OCR reads the real-photo
 * variant's 400 px cards (after enlarging them), smaller ones lose the number's digits.
 */
export const MIN_PHOTO_SIDE_PX = 400;
/** A card narrower than this in the photo is too small to read (≈ 4 px per character of the number). */
export const MIN_CARD_WIDTH_PX = 300;
/**
 * With no card outline found, a whole picture this dark (median luma) is called too dark. Lower
 * than the card's own {@link BRIGHTNESS_MIN}: a dark table (median ≈ 60) is not a dark photo.
 */
export const SCENE_DARK_MAX = 40;
/** Share of clipped-white pixels over one field's box above which glare is blamed for losing it. */
export const FIELD_GLARE_MAX = 0.12;

/**
 * Why no card was read in `image`: a problem to fix, or `'no-card'` when nothing explains it.
 *
 * @example
 * ```ts
 * const result = await reader.read(image);
 * if (!result.found) showHint(result.reason); // 'too-small' | 'blurry' | 'glare' | 'too-dark' | 'no-card'
 * ```
 */
export function whyNoCard(image: RgbaImage): PhotoProblem | 'no-card' {
  if (Math.max(image.width, image.height) < MIN_PHOTO_SIDE_PX) return 'too-small';
  // The capture guide's own measures (calibrated on the specimen variants), its size rule aside:
  // a photo picked from the gallery may show the card small in a big picture.
  const { feedback, detection, fill } = assessCapture(image, { minFill: 0 });
  if (!detection) return medianLuma(image) < SCENE_DARK_MAX ? 'too-dark' : 'no-card';
  if (fill * image.width < MIN_CARD_WIDTH_PX) return 'too-small';
  return feedback === 'blurry' || feedback === 'glare' || feedback === 'too-dark' ? feedback : 'no-card';
}

const union = (...boxes: FieldBox[]): FieldBox => {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return {
    x,
    y,
    width: Math.max(...boxes.map((b) => b.x + b.width)) - x,
    height: Math.max(...boxes.map((b) => b.y + b.height)) - y,
  };
};

/** Where each result field is printed on the card (mm, in the card's own frame). */
const FIELD_AREAS = {
  front: {
    name: FRONT_FIELDS.name.box,
    sex: FRONT_FIELDS.sexEthnicity.box,
    ethnicity: FRONT_FIELDS.sexEthnicity.box,
    birthDate: FRONT_FIELDS.birth.box,
    address: union(FRONT_FIELDS.address1.box, FRONT_FIELDS.address2.box, FRONT_FIELDS.address3.box),
    idNumber: FRONT_FIELDS.idNumber.box,
  },
  back: { issuer: BACK_FIELDS.issuer.box, validity: BACK_FIELDS.validity.box },
} as const;

/** Result fields of one side, as the reader names them. */
export type CardFieldName<S extends 'front' | 'back'> = keyof (typeof FIELD_AREAS)[S];

/**
 * Which of `fields` lie under glare: more than {@link FIELD_GLARE_MAX} of the field's printed
 * area clipped white, measured in the card's frame from its corners (TL, TR, BR, BL as printed).
 *
 * @example
 * ```ts
 * glareOverFields(image, result.corners, 'front', ['address']); // ['address'] when a reflection hides it
 * ```
 */
export function glareOverFields<S extends 'front' | 'back'>(
  image: RgbaImage,
  corners: Quad,
  side: S,
  fields: readonly CardFieldName<S>[],
): CardFieldName<S>[] {
  if (fields.length === 0) return [];
  const card = warpQuad(image, corners, CARD_WIDTH_PX, CARD_HEIGHT_PX);
  const areas = FIELD_AREAS[side] as Record<CardFieldName<S>, FieldBox>;
  return fields.filter((field) => {
    const b = areas[field];
    const region = crop(card.luma, {
      x: b.x * PX_PER_MM,
      y: b.y * PX_PER_MM,
      width: b.width * PX_PER_MM,
      height: b.height * PX_PER_MM,
    });
    let clipped = 0;
    for (const v of region.data) if (v >= 250) clipped++;
    return region.data.length > 0 && clipped / region.data.length > FIELD_GLARE_MAX;
  });
}

function medianLuma(image: RgbaImage): number {
  const hist = new Uint32Array(256);
  const { data } = image;
  // Every 4th pixel is plenty for a median.
  let n = 0;
  for (let i = 0; i < data.length; i += 16) {
    const luma = Math.round(
      0.299 * (data[i] as number) + 0.587 * (data[i + 1] as number) + 0.114 * (data[i + 2] as number),
    );
    hist[luma] = (hist[luma] as number) + 1;
    n++;
  }
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v] as number;
    if (acc >= n / 2) return v;
  }
  return 255;
}
