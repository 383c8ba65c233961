/**
 * Evidence payloads for the card step (issue point 6). The SDK appends them to the session's
 * hash-chained log through @dualrec/evidence; the card images themselves are sealed into the
 * bundle as encrypted media files, and these events refer to them by name and SHA-256.
 *
 * - `ocr.card.captured` carries no personal data (hashes, geometry, quality numbers) and may stay
 *   readable in the log.
 * - `ocr.card.result` carries what was read (name, number, address…): personal data, which the
 *   log must store encrypted like media (DESIGN.md, "Personal data inside events … is encrypted").
 *
 * The wiring into the bundle belongs to @dualrec/sdk and @dualrec/evidence; this module only fixes
 * the shapes and builds them from a reader result, so every producer writes the same thing.
 */
import type { CardReadResult, OcrEngineInfo, OcrField } from './reader.js';
import type { FieldStatus, ValidationIssue } from './validation/validate.js';

export const OCR_EVENT_CAPTURED = 'ocr.card.captured';
export const OCR_EVENT_RESULT = 'ocr.card.result';
/** The ID portrait cut from the front side's photo, sealed as its own still (role `id-portrait`). */
export const OCR_EVENT_PORTRAIT = 'ocr.portrait.captured';

/** Version of these payload shapes; bump on any incompatible change. */
export const OCR_EVENT_VERSION = 1 as const;

export interface CardImageRef {
  /** Bundle entry of the sealed image, e.g. `media/id-card-front.jpg`. */
  file: string;
  /** SHA-256 (hex) of the image bytes before encryption, binding the result to the exact photo. */
  sha256: string;
  mime: string;
  width: number;
  height: number;
}

export interface OcrCapturedPayload {
  v: typeof OCR_EVENT_VERSION;
  side: 'front' | 'back';
  image: CardImageRef;
  /** How the frame was taken: automatically by the guide, by the shutter button, or from a file. */
  trigger: 'auto' | 'manual' | 'upload';
  corners: [number, number][] | null;
  quality: { sharpness: number; glare: number; brightness: number } | null;
}

/** `ocr.portrait.captured`: no personal data (hashes and geometry); the image itself is sealed. */
export interface OcrPortraitPayload {
  v: typeof OCR_EVENT_VERSION;
  image: CardImageRef;
  /** SHA-256 of the card photo it was cut from (the front side's `ocr.card.captured` image). */
  sourceSha256: string;
  /** Where it lies in that photo (TL, TR, BR, BL), pixels. */
  quad: [number, number][];
  /** Placed from the card's outline (`true`) or, without one, from the printed text. */
  fromOutline: boolean;
}

export interface OcrResultField {
  value: unknown;
  text: string;
  confidence: number;
  status: FieldStatus;
  issues: ValidationIssue[];
}

export interface OcrResultPayload {
  v: typeof OCR_EVENT_VERSION;
  side: 'front' | 'back' | null;
  /** SHA-256 of the image the result was read from (same as the captured event's). */
  imageSha256: string;
  found: boolean;
  /** Which engine read the card (PP-OCR or tesseract.js) and with which model files. */
  engine: (OcrEngineInfo | { name: string; langData?: string }) & {
    /** Set when this engine stood in for another (PP-OCR without wasm SIMD, or failing to load). */
    fallbackFrom?: string;
    fallbackReason?: string;
  };
  fields: Record<string, OcrResultField>;
  /** Front only: whether the ID number passed every check. */
  idNumberValid: boolean | null;
  timings: { totalMs: number };
}

/** The (personal, to be encrypted) result payload for a reader result. */
export function resultPayload(
  result: CardReadResult,
  imageSha256: string,
  engine?: OcrResultPayload['engine'],
): OcrResultPayload {
  const base = {
    v: OCR_EVENT_VERSION,
    imageSha256,
    engine: engine ?? result.engine,
    timings: { totalMs: Math.round(result.timings.totalMs) },
  };
  if (!result.found) return { ...base, side: null, found: false, fields: {}, idNumberValid: null };
  const fields: Record<string, OcrResultField> = {};
  for (const [key, f] of Object.entries(result.fields) as [string, OcrField<unknown>][])
    fields[key] = {
      value: f.value,
      text: f.text,
      confidence: Math.round(f.confidence),
      status: f.status,
      issues: [...f.issues],
    };
  return {
    ...base,
    side: result.side,
    found: true,
    fields,
    idNumberValid: result.side === 'front' ? result.idNumberCheck.valid : null,
  };
}
