/**
 * Puts one card capture into the evidence bundle (issue point 6): the photo is sealed into the
 * bundle as an encrypted media entry, `ocr.card.captured` (no personal data) goes into the log in
 * clear, and `ocr.card.result` keeps only non-personal facts in clear — side, whether a card was
 * found, whether the ID number validated, the photo's hash — while the fields that were read
 * (name, number, address…) go into the event's sealed part, encrypted with the bundle key.
 *
 * The same log and writer the session uses are passed in, so the card step is bound to the
 * session's hash chain and signature like every other step.
 */
import type { BundleWriter, EvidenceLog, JsonValue, ManifestFile } from '@dualrec/evidence';
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import {
  type CardImageRef,
  OCR_EVENT_CAPTURED,
  OCR_EVENT_PORTRAIT,
  OCR_EVENT_RESULT,
  OCR_EVENT_VERSION,
  type OcrCapturedPayload,
  type OcrPortraitPayload,
  type OcrResultPayload,
  resultPayload,
} from './events.js';
import type { CardReadResult } from './reader.js';

export interface CardImage {
  /** The encoded photo exactly as captured (JPEG or PNG). */
  bytes: Uint8Array;
  mime: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

export interface RecordCardOptions {
  log: Pick<EvidenceLog, 'append'>;
  writer: Pick<BundleWriter, 'addMedia'>;
  side: 'front' | 'back';
  image: CardImage;
  /** What the reader made of the image; leave out when the card was captured but not read. */
  result?: CardReadResult;
  trigger: OcrCapturedPayload['trigger'];
  corners?: OcrCapturedPayload['corners'];
  quality?: OcrCapturedPayload['quality'];
  /** Entry name; default `media/id-card-<side>.<ext>`. Unique per bundle: a retake needs its own. */
  file?: string;
  /** The engine as recorded (default the result's own), e.g. with the reason for a fallback. */
  engine?: OcrResultPayload['engine'];
}

export interface RecordedCard {
  image: CardImageRef;
  file: ManifestFile;
}

const EXTENSION = { 'image/jpeg': 'jpg', 'image/png': 'png' } as const;

/** Strips values JSON cannot carry (undefined, functions) so the log's canonical JSON accepts them. */
function asJson(value: unknown): { [key: string]: JsonValue } {
  return JSON.parse(JSON.stringify(value)) as { [key: string]: JsonValue };
}

export async function recordCardCapture(options: RecordCardOptions): Promise<RecordedCard> {
  const { image, side } = options;
  if (!(image.bytes instanceof Uint8Array) || image.bytes.length === 0) {
    throw new DualrecError('OCR_IMAGE_INVALID', { detail: 'the card image has no bytes' });
  }
  if (!(image.mime in EXTENSION)) {
    throw new DualrecError('OCR_IMAGE_INVALID', { detail: `unsupported image type ${String(image.mime)}` });
  }
  if (options.result?.found && options.result.side !== side) {
    throw new DualrecError('BAD_USAGE', {
      detail: `the result was read as the ${options.result.side} side but recorded as ${side}`,
    });
  }
  const name = options.file ?? `media/id-card-${side}.${EXTENSION[image.mime]}`;
  const ref: CardImageRef = {
    file: name,
    sha256: await sha256Hex(image.bytes),
    mime: image.mime,
    width: image.width,
    height: image.height,
  };
  const file = await options.writer.addMedia({ name, role: 'id-card', mediaType: image.mime }, [image.bytes]);
  const captured: OcrCapturedPayload = {
    v: OCR_EVENT_VERSION,
    side,
    image: ref,
    trigger: options.trigger,
    corners: options.corners ?? null,
    quality: options.quality ?? null,
  };
  await options.log.append(OCR_EVENT_CAPTURED, asJson(captured));
  if (options.result) {
    const full: OcrResultPayload = resultPayload(options.result, ref.sha256, options.engine);
    const { fields, ...facts } = full;
    await options.log.append(OCR_EVENT_RESULT, asJson(facts), { sealed: asJson({ fields }) });
  }
  return { image: ref, file };
}

export interface RecordPortraitOptions {
  log: Pick<EvidenceLog, 'append'>;
  writer: Pick<BundleWriter, 'addMedia'>;
  /** The portrait, encoded as JPEG (e.g. `encodeJpeg(cropPortrait(image, result.portrait))`). */
  image: CardImage;
  /** SHA-256 of the card photo it was cut from. */
  sourceSha256: string;
  quad: readonly (readonly [number, number])[];
  fromOutline: boolean;
  /** Entry name; default `media/id-portrait.jpg`. */
  file?: string;
}

/**
 * Seals the ID portrait into the bundle (role `id-portrait`) for 1:1 face verification and logs
 * `ocr.portrait.captured`, which binds it to the card photo it was cut from.
 *
 * @example
 * ```ts
 * const portrait = cropPortrait(rgba, result.portrait);
 * await recordPortrait({ log, writer, image: { bytes: await encodeJpeg(portrait), mime: 'image/jpeg',
 *   width: portrait.width, height: portrait.height }, sourceSha256, quad: result.portrait, fromOutline: result.straightened });
 * ```
 */
export async function recordPortrait(options: RecordPortraitOptions): Promise<RecordedCard> {
  const { image } = options;
  if (!(image.bytes instanceof Uint8Array) || image.bytes.length === 0 || image.mime !== 'image/jpeg')
    throw new DualrecError('OCR_IMAGE_INVALID', { detail: 'the portrait must be a non-empty JPEG' });
  if (!/^[0-9a-f]{64}$/.test(options.sourceSha256) || options.quad.length !== 4)
    throw new DualrecError('BAD_USAGE', {
      detail: 'recordPortrait needs the source photo hash and a 4-corner quad',
    });
  const name = options.file ?? 'media/id-portrait.jpg';
  const ref: CardImageRef = {
    file: name,
    sha256: await sha256Hex(image.bytes),
    mime: image.mime,
    width: image.width,
    height: image.height,
  };
  const file = await options.writer.addMedia({ name, role: 'id-portrait', mediaType: image.mime }, [
    image.bytes,
  ]);
  const payload: OcrPortraitPayload = {
    v: OCR_EVENT_VERSION,
    image: ref,
    sourceSha256: options.sourceSha256,
    quad: options.quad.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]),
    fromOutline: options.fromOutline,
  };
  await options.log.append(OCR_EVENT_PORTRAIT, asJson(payload));
  return { image: ref, file };
}
