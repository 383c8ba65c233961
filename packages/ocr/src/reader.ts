/**
 * The ID-card reader: find the card, straighten it, crop each fixed-layout field, preprocess it,
 * recognise it with the right model on pre-started workers, parse and validate.
 * Isomorphic: it sees only RGBA buffers; the browser and node adapters produce them.
 */
import { DualrecError } from '@dualrec/evidence';
import { type CardDetection, detectCard } from './image/detect.js';
import { type WarpedCard, warpQuad } from './image/geometry.js';
import { crop, preprocess, trimToInk } from './image/preprocess.js';
import { type CaptureQuality, measureQuality } from './image/quality.js';
import {
  assertRgbaImage,
  DEFAULT_MAX_PIXELS,
  type GrayImage,
  type Point,
  type Quad,
  type RgbaImage,
} from './image/types.js';
import {
  BACK_FIELDS,
  CARD_HEIGHT_MM,
  CARD_HEIGHT_PX,
  CARD_WIDTH_MM,
  CARD_WIDTH_PX,
  EMBLEM_BOX,
  ETHNICITY_REREADS,
  type FieldBox,
  type FieldSpec,
  FRONT_FIELDS as FRONT,
  FRONT_FIELDS,
  PHOTO_BOX,
  PX_PER_MM,
  type Side,
} from './layout.js';
import { PADDLE_MODEL_VERSION } from './paddle/assets.js';
import {
  arrangeCardText,
  type BackTexts,
  backTexts,
  type FrontTexts,
  frontAnchors,
  frontTexts,
} from './paddle/card-fields.js';
import type { PaddleLineSource, PaddleReadResult, TextLine } from './paddle/engine.js';
import { cropLine } from './paddle/text-recognition.js';
import {
  angleFromHorizontal,
  cardRegionFromText,
  cutUpright,
  lineInPhoto,
  UPRIGHT_ANGLE_DEG,
} from './paddle/upright.js';
import {
  chooseEthnicity,
  parseAddress,
  parseBirth,
  parseIdNumber,
  parseIssuer,
  parseName,
  parseSexEthnicity,
  parseValidityText,
} from './parse.js';
import { type CardFieldName, glareOverFields, type PhotoProblem, whyNoCard } from './photo-problems.js';
import { portraitQuadFromCorners, portraitQuadFromText } from './portrait.js';
import {
  LANG_DATA_VERSION,
  type Recognition,
  type RecognizeRequest,
  type Recognizer,
  TesseractRecognizer,
  type TesseractRecognizerOptions,
} from './recognizer.js';
import { type CalendarDate, formatDate } from './validation/dates.js';
import { isOfficialEthnicity } from './validation/ethnicities.js';
import type { IdNumberCheck } from './validation/id-number.js';
import {
  type FieldStatus,
  type ValidationIssue,
  validateBack,
  validateFront,
} from './validation/validate.js';
import { LONG_TERM } from './validation/validity.js';

/** The two recognition engines: PP-OCR (detection + recognition on onnxruntime) or tesseract.js. */
export type OcrEngineName = 'paddle' | 'tesseract';

/** Which engine and model files read a card, as recorded in the evidence. */
export type OcrEngineInfo =
  | { name: 'tesseract.js'; langData: string }
  | { name: 'pp-ocr'; models: string; runtime: string };

export const PADDLE_ENGINE_INFO: OcrEngineInfo = {
  name: 'pp-ocr',
  models: PADDLE_MODEL_VERSION,
  runtime: 'onnxruntime-web-1.30.0',
};
export const TESSERACT_ENGINE_INFO: OcrEngineInfo = { name: 'tesseract.js', langData: LANG_DATA_VERSION };

export interface OcrField<T = string> {
  /** The normalised value (`null` when nothing usable was read). */
  value: T | null;
  /** What the recogniser returned for the field's crop, unmodified. */
  text: string;
  /** 0–100. */
  confidence: number;
  /** `verified`: cross-checked on the card; `needs-confirmation`: ask the applicant; `invalid`: recapture. */
  status: FieldStatus;
  issues: ValidationIssue[];
}

export interface ReadTimings {
  detectMs: number;
  warpMs: number;
  recognizeMs: number;
  totalMs: number;
}

interface FoundBase {
  found: true;
  engine: OcrEngineInfo;
  /**
   * The card's outline was found and the text read in its frame. `false` (PP-OCR only): no card
   * edge was found (cluttered background, fingers over the corners), the text lines were read
   * where they are, and `corners` is the text's extent rather than the card's.
   */
  straightened: boolean;
  /** The card's own corners (TL, TR, BR, BL as printed) in the input image; a card held upside down has its TL at the image's bottom right. */
  corners: Quad;
  quality: CaptureQuality;
  /**
   * Fields left unread (no value, or `invalid`) whose printed area is under glare: ask for a
   * photo tilted away from the light rather than for typing them.
   */
  glareOver: string[];
  timings: ReadTimings;
}

export interface FrontReadResult extends FoundBase {
  side: 'front';
  fields: {
    name: OcrField;
    sex: OcrField;
    ethnicity: OcrField;
    /** ISO date `YYYY-MM-DD`. */
    birthDate: OcrField;
    address: OcrField;
    idNumber: OcrField;
  };
  /** The number's own checks (checksum, region, date, sequence): `valid` decides the CLI's exit code. */
  idNumberCheck: IdNumberCheck;
  /**
   * Where the printed photo lies in the input image (TL, TR, BR, BL, with a small margin), for
   * {@link cropPortrait} and 1:1 face verification; `null` when it cannot be placed.
   */
  portrait: Quad | null;
}

export interface BackReadResult extends FoundBase {
  side: 'back';
  fields: {
    issuer: OcrField;
    /** `{ from, until }` as ISO dates; `until` is `'长期'` for a long-term card. */
    validity: OcrField<{ from: string; until: string }>;
  };
}

export interface NoCardResult {
  found: false;
  engine: OcrEngineInfo;
  /**
   * Why: `no-card` when nothing explains it, else what the applicant can fix by taking the photo
   * again (`too-small`: move closer or a bigger photo; `blurry`; `glare`; `too-dark`).
   */
  reason: 'no-card' | PhotoProblem;
  timings: ReadTimings;
}

export type CardReadResult = FrontReadResult | BackReadResult | NoCardResult;

/** What an engine's read gives before the photo's problems are looked at. */
type UnexplainedRead = Omit<FrontReadResult, 'glareOver'> | Omit<BackReadResult, 'glareOver'> | NoCardResult;

export interface ReadOptions {
  /** Which side the image shows. `auto` (default) tells them apart by the emblem. */
  side?: Side | 'auto';
  signal?: AbortSignal;
  /** For validity and birth-date checks; overrides the reader's clock for this read. */
  now?: Date;
  /** Back side: the holder's birth date from the front, to check the validity span by age. */
  birthDate?: CalendarDate;
}

export interface OcrReaderOptions {
  /**
   * Which engine reads the card. Default: `'paddle'` when `paddle` is given, else `'tesseract'`.
   * The SDK picks `'paddle'` where the browser has wasm SIMD, tesseract.js elsewhere.
   */
  engine?: OcrEngineName;
  /**
   * The PP-OCR engine's line reader: {@link PaddleTextReader} (node, or a page without a worker)
   * or the browser adapter's worker-backed one. A promise is accepted so the models load while
   * the applicant reads the instructions. The reader closes it on close().
   */
  paddle?: PaddleLineSource | Promise<PaddleLineSource>;
  /** Self-hosted tesseract.js assets; used unless `recognizer` is given. */
  tesseract?: TesseractRecognizerOptions;
  /** Any other recogniser (a test double, a server engine). The reader closes it on close(). */
  recognizer?: Recognizer;
  /** The lender's clock (default: system clock). */
  clock?: () => Date;
  /** Verified fields below this confidence need confirmation instead (default 60). */
  minConfidence?: number;
  /** Refuse bigger inputs with OCR_IMAGE_TOO_LARGE (default 50 MP). */
  maxPixels?: number;
}

const now = () => performance.now();

function box(b: FieldBox): FieldBox {
  return { x: b.x * PX_PER_MM, y: b.y * PX_PER_MM, width: b.width * PX_PER_MM, height: b.height * PX_PER_MM };
}

/** Mean "colourfulness" (brightest channel minus luma) in a box: the red emblem scores high. */
function colourfulness(card: WarpedCard, b: FieldBox): number {
  const ink = crop(card.ink, box(b));
  const luma = crop(card.luma, box(b));
  let sum = 0;
  ink.data.forEach((v, i) => {
    sum += v - (luma.data[i] ?? v);
  });
  return sum / ink.data.length;
}

/** The same box on a card turned by 180°. */
function rotated(b: FieldBox): FieldBox {
  return {
    x: CARD_WIDTH_MM - b.x - b.width,
    y: CARD_HEIGHT_MM - b.y - b.height,
    width: b.width,
    height: b.height,
  };
}

function meanOf(image: GrayImage, b: FieldBox): number {
  const c = crop(image, box(b));
  let sum = 0;
  for (const v of c.data) sum += v;
  return sum / c.data.length;
}

function darkShare(image: GrayImage, b: FieldBox): number {
  const c = crop(image, box(b));
  let dark = 0;
  for (const v of c.data) if (v < 110) dark++;
  return dark / c.data.length;
}

/**
 * Which side the straightened card shows and whether it is upside down (the applicant held it
 * turned by 180°; the detector only knows "a card-shaped quad", not which way up). The back has
 * the red emblem top-left. The front is judged upside down when the 18-digit number row (much more
 * ink than the name row it swaps places with) sits where it would on a turned card, unless the
 * photo area says otherwise.
 */
function orientation(card: WarpedCard, side: Side | 'auto'): { side: Side; upsideDown: boolean } {
  const emblem = colourfulness(card, EMBLEM_BOX);
  const emblemTurned = colourfulness(card, rotated(EMBLEM_BOX));
  const isBack = side === 'back' || (side === 'auto' && Math.max(emblem, emblemTurned) > 35);
  if (isBack) return { side: 'back', upsideDown: emblemTurned > 35 && emblemTurned > emblem * 2 };
  // Measured on specimens: the number row holds ~0.10 dark pixels, the name row it swaps with
  // ~0.02–0.05 (a six-character name), whatever the light.
  const numberHere = darkShare(card.ink, FRONT.idNumber.box);
  const numberTurned = darkShare(card.ink, rotated(FRONT.idNumber.box));
  const numberSaysTurned = numberTurned >= 0.04 && numberTurned > numberHere * 1.5;
  // The photo as a veto only: uneven light can outweigh it (measured), but a photo area clearly
  // darker right where it belongs means the card is upright.
  const photoSaysUpright = meanOf(card.ink, PHOTO_BOX) < meanOf(card.ink, rotated(PHOTO_BOX)) - 15;
  return { side: 'front', upsideDown: numberSaysTurned && !photoSaysUpright };
}

/**
 * Printed text in the field rows: some dark ink on light paper. A card-shaped object without
 * the card's text (a blank card, a book, a screen) fails here before any OCR time is spent.
 */
function hasText(card: GrayImage, b: FieldBox): boolean {
  return hasInk(crop(card, box(b)));
}

/**
 * Dark printed ink on paper: at least `minShare` of the crop is far (≥ 60 levels) below the
 * paper's brightness. The margin is above what uneven light and sensor noise produce across one
 * line, and a single printed character (a last address line "室") is enough.
 */
function hasInk(c: GrayImage, minShare = 0.02): boolean {
  const sorted = Uint8Array.from(c.data).sort();
  const paper = sorted[Math.floor(sorted.length * 0.8)] ?? 0;
  const inkLevel = sorted[Math.floor(sorted.length * 0.001)] ?? 0;
  if (paper - inkLevel < 60) return false;
  let dark = 0;
  for (const v of c.data) if (v < (paper + inkLevel) / 2) dark++;
  const share = dark / c.data.length;
  return share > minShare && share < 0.5;
}

export class OcrReader {
  /** The engine this reader uses. */
  readonly engine: OcrEngineName;
  private readonly recognizer: Recognizer | undefined;
  private readonly paddle: Promise<PaddleLineSource> | undefined;
  private readonly clock: () => Date;
  private readonly minConfidence: number;
  private readonly maxPixels: number;
  private closed = false;

  constructor(options: OcrReaderOptions) {
    const engine = options?.engine ?? (options?.paddle ? 'paddle' : 'tesseract');
    if (engine !== 'paddle' && engine !== 'tesseract')
      throw new DualrecError('BAD_USAGE', {
        detail: `engine must be paddle or tesseract, not ${String(engine)}`,
      });
    if (engine === 'paddle' && !options.paddle)
      throw new DualrecError('BAD_USAGE', {
        detail: "engine 'paddle' needs `paddle` (a PP-OCR line reader)",
      });
    if (engine === 'tesseract' && !options?.recognizer && !options?.tesseract)
      throw new DualrecError('BAD_USAGE', {
        detail: 'createOcrReader needs `tesseract` (asset paths) or a `recognizer`',
      });
    this.engine = engine;
    if (engine === 'paddle') {
      this.paddle = Promise.resolve(options.paddle as PaddleLineSource | Promise<PaddleLineSource>);
      // A load failure surfaces from ready()/read(), never as an unhandled rejection.
      this.paddle.catch(() => undefined);
    } else {
      // Workers start now, in parallel with whatever the page does before the card step.
      this.recognizer =
        options.recognizer ?? new TesseractRecognizer(options.tesseract as TesseractRecognizerOptions);
    }
    this.clock = options.clock ?? (() => new Date());
    this.minConfidence = options.minConfidence ?? 60;
    this.maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  }

  /** Resolves when the models are loaded (rejects with MODEL_LOAD_FAILED). */
  async ready(): Promise<void> {
    if (this.paddle) await this.paddle;
    else await this.recognizer?.ready();
  }

  private get engineInfo(): OcrEngineInfo {
    return this.engine === 'paddle' ? PADDLE_ENGINE_INFO : TESSERACT_ENGINE_INFO;
  }

  async read(image: RgbaImage, options: ReadOptions = {}): Promise<CardReadResult> {
    const result = await this.readCard(image, options);
    // A failed read says why, in terms the applicant can act on (see photo-problems.ts).
    if (!result.found) return result.reason === 'no-card' ? { ...result, reason: whyNoCard(image) } : result;
    const unread = (Object.entries(result.fields) as [string, OcrField<unknown>][])
      .filter(([, f]) => f.value === null || f.status === 'invalid')
      .map(([name]) => name);
    const glareOver =
      result.side === 'front'
        ? glareOverFields(image, result.corners, 'front', unread as CardFieldName<'front'>[])
        : glareOverFields(image, result.corners, 'back', unread as CardFieldName<'back'>[]);
    return { ...result, glareOver };
  }

  private async readCard(image: RgbaImage, options: ReadOptions): Promise<UnexplainedRead> {
    if (this.closed) throw new DualrecError('OCR_READER_CLOSED');
    const { signal } = options;
    if (signal?.aborted) throw new DualrecError('ABORTED', { cause: signal.reason });
    const side = options.side ?? 'auto';
    if (!['front', 'back', 'auto'].includes(side))
      throw new DualrecError('BAD_USAGE', {
        detail: `side must be front, back or auto, not ${String(side)}`,
      });
    assertRgbaImage(image, this.maxPixels);
    if (this.paddle) return this.readWithPaddle(image, side, options);
    const recognizer = this.recognizer as Recognizer;
    const engine = this.engineInfo;
    const t0 = now();
    const detection: CardDetection | undefined = detectCard(image);
    const t1 = now();
    const timings = (t2: number, t3: number): ReadTimings => ({
      detectMs: t1 - t0,
      warpMs: t2 - t1,
      recognizeMs: t3 - t2,
      totalMs: t3 - t0,
    });
    if (!detection) return { found: false, engine, reason: 'no-card', timings: timings(t1, t1) };
    let card = warpQuad(image, detection.quad, CARD_WIDTH_PX, CARD_HEIGHT_PX);
    const { side: resolvedSide, upsideDown } = orientation(card, side);
    let corners = detection.quad;
    if (upsideDown) {
      const [tl, tr, br, bl] = detection.quad;
      corners = [br, bl, tl, tr];
      card = warpQuad(image, corners, CARD_WIDTH_PX, CARD_HEIGHT_PX);
    }
    const textBox = resolvedSide === 'front' ? FRONT.idNumber.box : BACK_FIELDS.validity.box;
    const t2 = now();
    if (!hasText(card.ink, textBox))
      return { found: false, engine, reason: 'no-card', timings: timings(t2, t2) };
    const quality = measureQuality(crop(card.luma, box(textBox)));
    await recognizer.ready();
    const at = options.now ?? this.clock();
    const base = { found: true as const, engine, straightened: true, corners, quality };
    if (resolvedSide === 'front') {
      const r = await this.recognizeAll(card, FRONT_FIELDS, signal);
      const rereads = isOfficialEthnicity(parseSexEthnicity(r.sexEthnicity.text).ethnicity)
        ? undefined
        : await this.recognizeAll(card, ETHNICITY_REREADS, signal);
      return {
        ...base,
        ...this.front(r, rereads, at),
        portrait: portraitQuadFromCorners(corners),
        timings: timings(t2, now()),
      };
    }
    const r = await this.recognizeAll(card, BACK_FIELDS, signal);
    return { ...base, ...this.back(r, at, options.birthDate), timings: timings(t2, now()) };
  }

  private async recognizeAll<K extends string>(
    card: WarpedCard,
    fields: Record<K, FieldSpec>,
    signal: AbortSignal | undefined,
  ): Promise<Record<K, Recognition>> {
    // One failure or an abort stops the rest of this card's queued crops.
    const local = new AbortController();
    const onAbort = () => local.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const entries = Object.entries(fields) as [K, FieldSpec][];
      const results = await Promise.all(
        entries.map(async ([name, spec]) => {
          const raw = crop(card[spec.source], box(spec.box));
          // A blank optional line is confidently empty; OCR on blank paper returns noise.
          if ((spec as FieldSpec).optional && !hasInk(raw, 0.003))
            return [name, { text: '', confidence: 100 }] as const;
          const cleaned = preprocess(raw, { binarize: spec.binarize });
          // Labelled lines keep their label (pale in luma, it must not be cut as "no ink").
          const image = spec.psm === 7 && spec.source === 'ink' ? trimToInk(cleaned) : cleaned;
          const request: RecognizeRequest = {
            field: name,
            model: spec.model,
            psm: spec.psm,
            ...(spec.whitelist ? { whitelist: spec.whitelist } : {}),
          };
          try {
            return [
              name,
              await (this.recognizer as Recognizer).recognize(image, request, local.signal),
            ] as const;
          } catch (error) {
            local.abort(error);
            throw error;
          }
        }),
      );
      return Object.fromEntries(results) as Record<K, Recognition>;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * PP-OCR: every text line of the photo, arranged in the card's frame by its own reading
   * direction, then the fields by their labels. The card outline, when the detector finds one,
   * only gives the corners: the text is read where it is, so a card on a cluttered table or with
   * fingers over its edges is still read.
   */
  private async readWithPaddle(
    image: RgbaImage,
    side: Side | 'auto',
    options: ReadOptions,
  ): Promise<UnexplainedRead> {
    const engine = this.engineInfo;
    const t0 = now();
    const source = await (this.paddle as Promise<PaddleLineSource>);
    if (this.closed) throw new DualrecError('OCR_READER_CLOSED');
    const tLoaded = now();
    const result: PaddleReadResult = await source.readLines(image, options.signal);
    let lines = result.lines;
    const t = { ...result.timings };
    let detection: CardDetection | undefined | null = null;
    const first = arrangeCardText(lines);
    if (first.direction && angleFromHorizontal(first.direction) > UPRIGHT_ANGLE_DEG) {
      // A turned card: read it again cut out upright (see paddle/upright.ts).
      detection = detectCard(image);
      const region = detection
        ? orientCorners(detection.quad, first.direction)
        : cardRegionFromText(lines, first.direction);
      const cut = cutUpright(image, region);
      const second = await source.readLines(cut.image, options.signal);
      lines = second.lines.map((l) => lineInPhoto(l, cut.toPhoto));
      t.detectMs += second.timings.detectMs;
      t.classifyMs += second.timings.classifyMs;
      t.recognizeMs += second.timings.recognizeMs;
    }
    const tRead = now();
    const timings = (end: number): ReadTimings => ({
      detectMs: t.detectMs,
      warpMs: t.classifyMs,
      recognizeMs: t.recognizeMs,
      // From the engine being ready: model loading is the reader's start-up, not this card's time.
      totalMs: end - tLoaded,
    });
    const card = arrangeCardText(lines);
    const resolvedSide = side === 'auto' ? card.side : side;
    if (!resolvedSide || !card.direction)
      return { found: false, engine, reason: 'no-card', timings: timings(tRead) };
    if (detection === null) detection = detectCard(image);
    const qualityLine =
      resolvedSide === 'front'
        ? card.idLine
        : card.rows.flat().find((p) => /有效期限|\d{4}\.\d{2}/.test(p.text))?.source;
    const quality = qualityLine ? lineQuality(image, qualityLine) : measureQuality(lumaOf(image));
    const at = options.now ?? this.clock();
    const base = {
      found: true as const,
      engine,
      straightened: !!detection,
      corners: detection ? orientCorners(detection.quad, card.direction) : textExtent(lines, card.direction),
      quality,
    };
    if (resolvedSide === 'front') {
      const anchors = frontAnchors(card);
      const portrait = detection
        ? portraitQuadFromCorners(base.corners)
        : anchors
          ? portraitQuadFromText(card.direction, anchors.idCenterX, anchors.nameY, anchors.idY)
          : null;
      return { ...base, ...this.front(frontTexts(card), undefined, at), portrait, timings: timings(now()) };
    }
    return { ...base, ...this.back(backTexts(card), at, options.birthDate), timings: timings(now()) };
  }

  private front(
    r: FrontTexts,
    rereads: Record<keyof typeof ETHNICITY_REREADS, Recognition> | undefined,
    at: Date,
  ): Pick<FrontReadResult, 'side' | 'fields' | 'idNumberCheck'> {
    const name = parseName(r.name.text);
    const { sex, ethnicity: primary } = parseSexEthnicity(r.sexEthnicity.text);
    const ethnicity = rereads
      ? chooseEthnicity(primary, [rereads.ethnicity, rereads.ethnicityLabelled], r.sexEthnicity.confidence)
      : primary;
    const birthDate = parseBirth(r.birth.text);
    const lines = [r.address1, r.address2, r.address3];
    const address = parseAddress(lines.map((l) => l.text).join(''));
    const addressRec: Recognition = {
      text: lines
        .map((l) => l.text.trim())
        .filter(Boolean)
        .join('\n'),
      confidence: Math.min(...lines.map((l) => l.confidence)),
    };
    const idNumber = parseIdNumber(r.idNumber.text);
    const v = validateFront(
      { name, sex, ethnicity, birthDate, address, idNumber },
      {
        now: at,
        minConfidence: this.minConfidence,
        confidence: {
          sex: r.sexEthnicity.confidence,
          ethnicity: r.sexEthnicity.confidence,
          birthDate: r.birth.confidence,
          idNumber: r.idNumber.confidence,
        },
      },
    );
    const field = (value: string | null, rec: Recognition, key: keyof typeof v.fields): OcrField => ({
      value: value === '' ? null : value,
      text: rec.text,
      confidence: rec.confidence,
      ...v.fields[key],
    });
    return {
      side: 'front',
      fields: {
        name: field(name, r.name, 'name'),
        sex: field(sex, r.sexEthnicity, 'sex'),
        ethnicity: field(ethnicity, r.sexEthnicity, 'ethnicity'),
        birthDate: field(birthDate ? formatDate(birthDate) : null, r.birth, 'birthDate'),
        address: field(address, addressRec, 'address'),
        idNumber: field(idNumber, r.idNumber, 'idNumber'),
      },
      idNumberCheck: v.idNumber,
    };
  }

  private back(
    r: BackTexts,
    at: Date,
    birthDate: CalendarDate | undefined,
  ): Pick<BackReadResult, 'side' | 'fields'> {
    const issuer = parseIssuer(r.issuer.text);
    const period = parseValidityText(r.validity.text);
    const v = validateBack(
      { issuer, validity: period },
      {
        now: at,
        minConfidence: this.minConfidence,
        birthDate,
        confidence: { validity: r.validity.confidence },
      },
    );
    return {
      side: 'back',
      fields: {
        issuer: {
          value: issuer || null,
          text: r.issuer.text,
          confidence: r.issuer.confidence,
          ...v.fields.issuer,
        },
        validity: {
          value: period
            ? {
                from: formatDate(period.start),
                until: period.end === LONG_TERM ? LONG_TERM : formatDate(period.end),
              }
            : null,
          text: r.validity.text,
          confidence: r.validity.confidence,
          ...v.fields.validity,
        },
      },
    };
  }

  /** Terminates every worker (or releases the PP-OCR sessions) and waits for them. Idempotent. */
  async close(): Promise<void> {
    const first = !this.closed;
    this.closed = true;
    if (this.paddle) {
      if (!first) return;
      const source = await this.paddle.catch(() => undefined);
      await source?.close();
    } else await this.recognizer?.close();
  }
}

/** A gray copy of a text line's strip: the capture-quality measures need only its luma. */
function lineQuality(image: RgbaImage, line: TextLine): CaptureQuality {
  const { strip } = cropLine(image, line.quad);
  const data = new Uint8Array(strip.width * strip.height);
  for (let i = 0; i < data.length; i++)
    data[i] = 0.299 * strip.data[i * 3]! + 0.587 * strip.data[i * 3 + 1]! + 0.114 * strip.data[i * 3 + 2]!;
  return measureQuality({ width: strip.width, height: strip.height, data });
}

function lumaOf(image: RgbaImage): GrayImage {
  const data = new Uint8Array(image.width * image.height);
  for (let i = 0; i < data.length; i++)
    data[i] = 0.299 * image.data[i * 4]! + 0.587 * image.data[i * 4 + 1]! + 0.114 * image.data[i * 4 + 2]!;
  return { width: image.width, height: image.height, data };
}

/**
 * The detector's quad turned so that its first corner is the card's top-left as printed: the
 * side nearest the text's reading direction becomes the top edge (a card held upside down or
 * sideways has its TL elsewhere in the image).
 */
function orientCorners(quad: Quad, direction: Point): Quad {
  let best = 0;
  let bestDot = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < 4; k++) {
    const a = quad[k]!;
    const b = quad[(k + 1) % 4]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    const d = ((b[0] - a[0]) * direction[0] + (b[1] - a[1]) * direction[1]) / len;
    // Of the clockwise quad's four edges the top one (TL→TR) runs with the text.
    if (d > bestDot + 1e-6) {
      bestDot = d;
      best = k;
    }
  }
  return [quad[best]!, quad[(best + 1) % 4]!, quad[(best + 2) % 4]!, quad[(best + 3) % 4]!];
}

/** The extent of the card's text in its own frame, as a quad in the image (TL, TR, BR, BL). */
function textExtent(lines: readonly TextLine[], u: Point): Quad {
  const v: Point = [-u[1], u[0]];
  let minU = Number.POSITIVE_INFINITY;
  let maxU = Number.NEGATIVE_INFINITY;
  let minV = Number.POSITIVE_INFINITY;
  let maxV = Number.NEGATIVE_INFINITY;
  for (const l of lines)
    for (const p of l.quad) {
      const pu = p[0] * u[0] + p[1] * u[1];
      const pv = p[0] * v[0] + p[1] * v[1];
      minU = Math.min(minU, pu);
      maxU = Math.max(maxU, pu);
      minV = Math.min(minV, pv);
      maxV = Math.max(maxV, pv);
    }
  const at = (a: number, b: number): Point => [a * u[0] + b * v[0], a * u[1] + b * v[1]];
  return [at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)];
}

/** Starts the workers at once (they load while the applicant reads the instructions). */
export function createOcrReader(options: OcrReaderOptions): OcrReader {
  return new OcrReader(options);
}
