/**
 * Where each field sits on a second-generation resident ID card (85.6 × 54 mm), in millimetres
 * from the top-left corner of the straightened card. Boxes are a little larger than the printed
 * text so small corner errors (a few pixels after warping) do not cut characters.
 */
export const CARD_WIDTH_MM = 85.6;
export const CARD_HEIGHT_MM = 54;
/** The straightened card is 856 × 540 px: 10 px/mm, ~31 px tall characters. */
export const PX_PER_MM = 10;
export const CARD_WIDTH_PX = Math.round(CARD_WIDTH_MM * PX_PER_MM);
export const CARD_HEIGHT_PX = Math.round(CARD_HEIGHT_MM * PX_PER_MM);

export type Side = 'front' | 'back';
export type Model = 'chi_sim' | 'eng';

export interface FieldBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FieldSpec {
  box: FieldBox;
  model: Model;
  /** Tesseract page segmentation: 7 = one line, 6 = a block of lines. */
  psm: 6 | 7;
  /** Only with `eng`: a whitelist with chi_sim returns empty text (measured). */
  whitelist?: string;
  /** Which rendering of the card to read: `ink` drops coloured labels, `luma` keeps them. */
  source: 'ink' | 'luma';
  /** Binarise with Otsu after flattening: helps short, high-contrast fields only (measured). */
  binarize: boolean;
  /** The region may legitimately be empty (2nd/3rd address line): skip OCR when it has no ink. */
  optional?: boolean;
}

const mm = (x: number, y: number, width: number, height: number): FieldBox => ({ x, y, width, height });

export const FRONT_FIELDS = {
  name: { box: mm(15.2, 6.2, 38, 6.4), model: 'chi_sim', psm: 7, source: 'ink', binarize: false },
  // Sex and ethnicity are read as the whole labelled line: two single characters alone are too
  // little context for the LSTM, the labels anchor it (measured).
  sexEthnicity: { box: mm(5.6, 13.4, 48.5, 5.8), model: 'chi_sim', psm: 7, source: 'luma', binarize: false },
  // Two more readings of the ethnicity (value alone, and with its label): JPEG artefacts turn 汉
  // into 汊 in one rendering but rarely in all three; the reader keeps a reading that is an
  // official name when the others are not (a choice among readings, never a substitution).
  ethnicity: { box: mm(36.2, 13.4, 18, 5.8), model: 'chi_sim', psm: 7, source: 'ink', binarize: false },
  ethnicityLabelled: {
    box: mm(26.8, 13.4, 27.5, 5.8),
    model: 'chi_sim',
    psm: 7,
    source: 'luma',
    binarize: false,
  },
  birth: { box: mm(15.2, 20.2, 38, 5.8), model: 'chi_sim', psm: 7, source: 'ink', binarize: false },
  // One crop per printed line: a block read merged the end of one line with the start of the
  // next ("8|79室" → "8375室", measured); lines 2 and 3 are often blank.
  address1: { box: mm(15.2, 27.1, 39.4, 5.0), model: 'chi_sim', psm: 7, source: 'ink', binarize: false },
  address2: {
    box: mm(15.2, 32.0, 39.4, 5.0),
    model: 'chi_sim',
    psm: 7,
    source: 'ink',
    binarize: false,
    optional: true,
  },
  address3: {
    box: mm(15.2, 36.9, 39.4, 5.0),
    model: 'chi_sim',
    psm: 7,
    source: 'ink',
    binarize: false,
    optional: true,
  },
  idNumber: {
    box: mm(27.4, 43.9, 52.6, 5.8),
    model: 'eng',
    psm: 7,
    whitelist: '0123456789X',
    source: 'ink',
    binarize: true,
  },
} as const satisfies Record<string, FieldSpec>;

/**
 * Two more readings of the ethnicity (value alone, and with its label), taken only when the
 * labelled line's reading is not one of the 56 names: JPEG artefacts turn 汉 into 汊 in one
 * rendering but rarely in all three (measured). The reader keeps a reading that is an official
 * name when the others are not — a choice among readings, never a substitution.
 */
export const ETHNICITY_REREADS = {
  ethnicity: { box: mm(36.2, 13.4, 18, 5.8), model: 'chi_sim', psm: 7, source: 'ink', binarize: false },
  ethnicityLabelled: {
    box: mm(26.8, 13.4, 27.5, 5.8),
    model: 'chi_sim',
    psm: 7,
    source: 'luma',
    binarize: false,
  },
} as const satisfies Record<string, FieldSpec>;

export const BACK_FIELDS = {
  issuer: { box: mm(30.4, 38.3, 51.6, 5.8), model: 'chi_sim', psm: 7, source: 'ink', binarize: false },
  validity: { box: mm(30.4, 44.9, 51.6, 5.8), model: 'chi_sim', psm: 7, source: 'ink', binarize: false },
} as const satisfies Record<string, FieldSpec>;

export type FrontRegion = keyof typeof FRONT_FIELDS;
export type BackRegion = keyof typeof BACK_FIELDS;

/** The emblem's disc on the back side (the front has the name label there). */
export const EMBLEM_BOX = mm(6, 7, 16, 16);
/** The photo on the front side. */
export const PHOTO_BOX = mm(55.5, 6.5, 25, 31);
