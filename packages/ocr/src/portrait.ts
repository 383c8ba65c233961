/**
 * The ID portrait: where the photo printed on the card's front lies in the input image, and its
 * crop, for 1:1 face verification against the live applicant. The card's layout (GB 19722) puts
 * the photo at 55.5–80.5 mm across and 6.5–37.5 mm down; the crop keeps a margin around it so a
 * slightly wrong outline still holds the whole face.
 */
import { applyHomography, homography } from './image/geometry.js';
import type { Point, Quad, RgbaImage } from './image/types.js';
import { CARD_HEIGHT_MM, CARD_WIDTH_MM, PHOTO_BOX } from './layout.js';
import { warpToRgb } from './paddle/text-recognition.js';

/** Layout anchors, mm from the card's left and top edges. */
const ID_CENTER_MM = 54;
const NAME_ROW_MM = 9.5;
const ID_ROW_MM = 46.7;
/** Margin around the printed photo, mm. */
const MARGIN_MM = 1.5;
/** Pixels per mm of the crop: 28 × 34 mm → 336 × 408 px, more than a face matcher's input. */
const PORTRAIT_PX_PER_MM = 12;

function photoCornersMm(): Point[] {
  const x0 = PHOTO_BOX.x - MARGIN_MM;
  const y0 = PHOTO_BOX.y - MARGIN_MM;
  const x1 = Math.min(CARD_WIDTH_MM, PHOTO_BOX.x + PHOTO_BOX.width + MARGIN_MM);
  const y1 = Math.min(CARD_HEIGHT_MM, PHOTO_BOX.y + PHOTO_BOX.height + MARGIN_MM);
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
}

/** The portrait area in the image, from the card's own corners (TL, TR, BR, BL as printed). */
export function portraitQuadFromCorners(corners: Quad): Quad {
  const m = homography(
    [
      [0, 0],
      [CARD_WIDTH_MM, 0],
      [CARD_WIDTH_MM, CARD_HEIGHT_MM],
      [0, CARD_HEIGHT_MM],
    ],
    corners,
  );
  return photoCornersMm().map((p) => applyHomography(m, p)) as unknown as Quad;
}

/**
 * The portrait area from the text alone (no outline found), along the card's reading direction
 * `u`: the number line's centre is 54 mm from the card's left edge, the name row's centre 9.5 mm
 * and the number row's 46.7 mm from its top (GB 19722's layout, as the specimens print it).
 * Centres, not box edges: the detector's boxes carry a margin. A similarity transform: no
 * perspective correction, which only the outline gives.
 */
export function portraitQuadFromText(u: Point, idCenterX: number, nameY: number, idY: number): Quad | null {
  const scale = (idY - nameY) / (ID_ROW_MM - NAME_ROW_MM); // image px per mm
  if (!(scale > 0)) return null;
  const v: Point = [-u[1], u[0]];
  const at = ([x, y]: Point): Point => {
    const a = idCenterX + (x - ID_CENTER_MM) * scale;
    const b = nameY + (y - NAME_ROW_MM) * scale;
    return [a * u[0] + b * v[0], a * u[1] + b * v[1]];
  };
  return photoCornersMm().map(at) as unknown as Quad;
}

/**
 * The portrait cut out of the photo and straightened, RGBA.
 *
 * @example
 * ```ts
 * const r = await reader.read(image, { side: 'front' });
 * if (r.found && r.side === 'front' && r.portrait) showFace(cropPortrait(image, r.portrait));
 * ```
 */
export function cropPortrait(image: RgbaImage, quad: Quad): RgbaImage {
  const [x0, y0] = photoCornersMm()[0] as Point;
  const [x1, y1] = photoCornersMm()[2] as Point;
  const width = Math.round((x1 - x0) * PORTRAIT_PX_PER_MM);
  const height = Math.round((y1 - y0) * PORTRAIT_PX_PER_MM);
  const rgb = warpToRgb(image, quad, width, height);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < rgb.data.length; i += 3, j += 4) {
    data[j] = rgb.data[i] as number;
    data[j + 1] = rgb.data[i + 1] as number;
    data[j + 2] = rgb.data[i + 2] as number;
    data[j + 3] = 255;
  }
  return { width, height, data };
}
