// biome-ignore-all lint/style/noNonNullAssertion: pixel and row loops index arrays within bounds the loops check; noUncheckedIndexedAccess would type every read as possibly undefined.
/**
 * From PP-OCR's text lines to the card's fields, by the printed labels (姓名 性别 民族 出生 住址
 * 公民身份号码; back: 签发机关 有效期限) and the lines' places on the card, not by fixed pixel
 * boxes: the lines come from anywhere in a hand-held photo, at any angle.
 *
 * The card's own frame is taken from the lines themselves: the reading direction of the ID-number
 * line (or, without one, of most text) is the card's x axis. Lines at another angle (the
 * "样本"/watermark overprint, text on the table) are left out. Rows are lines at the same height
 * in that frame; a value is what follows its label in its row. Nothing is corrected: each value is
 * a selection from what was read.
 */
import type { Point } from '../image/types.js';
import type { Recognition } from '../recognizer.js';
import type { TextLine } from './engine.js';

interface Placed {
  text: string;
  confidence: number;
  /** Start and end along the card's reading direction, and the centre across it. */
  x0: number;
  x1: number;
  y: number;
  height: number;
  source: TextLine;
}

type Row = Placed[];

const SPACES = /[\s\u3000]+/g;
const LEADING_GAP_MARKS = /^[一\-—_~.·,，、:：|]+/;
const ID_PATTERN = /[0-9]{17}[0-9X]/;
/** Lines more than this far from the card's reading direction are not part of its text. */
const MAX_ANGLE_DEG = 15;

const dot = (a: Point, b: Point) => a[0] * b[0] + a[1] * b[1];
const clean = (text: string) => text.replace(SPACES, '');

/** The reading direction most of the text agrees with: the ID-number line's, else a length-weighted vote. */
function cardDirection(lines: readonly TextLine[]): Point | undefined {
  const id = lines.find((l) => ID_PATTERN.test(clean(l.text).toUpperCase()));
  if (id) return id.reading;
  let best: Point | undefined;
  let bestWeight = -1;
  for (const candidate of lines) {
    let weight = 0;
    for (const l of lines)
      if (dot(l.reading, candidate.reading) >= Math.cos((MAX_ANGLE_DEG * Math.PI) / 180))
        weight += l.text.length;
    if (weight > bestWeight) {
      bestWeight = weight;
      best = candidate.reading;
    }
  }
  return best;
}

function place(lines: readonly TextLine[], u: Point): Placed[] {
  const v: Point = [-u[1], u[0]];
  const minCos = Math.cos((MAX_ANGLE_DEG * Math.PI) / 180);
  return lines
    .filter((l) => dot(l.reading, u) >= minCos)
    .map((l) => {
      const along = l.quad.map((p) => dot(p, u));
      return {
        text: clean(l.text),
        confidence: l.confidence,
        x0: Math.min(...along),
        x1: Math.max(...along),
        y: dot(l.center, v),
        height: l.height,
        source: l,
      };
    })
    .filter((p) => p.text.length > 0);
}

/** Lines whose centres lie within half a line height of each other share a row; rows top to bottom. */
function rows(placed: Placed[]): Row[] {
  const sorted = [...placed].sort((a, b) => a.y - b.y);
  const out: Row[] = [];
  for (const p of sorted) {
    const row = out[out.length - 1];
    if (row) {
      const y = row.reduce((s, q) => s + q.y, 0) / row.length;
      const h = Math.max(p.height, ...row.map((q) => q.height));
      if (Math.abs(p.y - y) < h * 0.5) {
        row.push(p);
        continue;
      }
    }
    out.push([p]);
  }
  for (const row of out) row.sort((a, b) => a.x0 - b.x0);
  return out;
}

const rowY = (row: Row) => row.reduce((s, q) => s + q.y, 0) / row.length;
const rowHeight = (row: Row) => Math.max(...row.map((q) => q.height));

function recognition(parts: Placed[], text: string): Recognition {
  return {
    text,
    confidence: parts.length ? Math.min(...parts.map((p) => p.confidence)) : 0,
  };
}

/**
 * The text after `label` in the row that holds it: the rest of the label's own line and the lines
 * to its right. The label may be read with one character wrong (姓名 as 娃名): a line that begins
 * with either label character followed by the other position's neighbour still counts.
 */
function afterLabel(
  rowsList: Row[],
  label: RegExp,
): { row: Row; index: number; parts: Placed[]; text: string; valueStart: number } | undefined {
  for (let index = 0; index < rowsList.length; index++) {
    const row = rowsList[index]!;
    for (let i = 0; i < row.length; i++) {
      const m = label.exec(row[i]!.text);
      if (!m) continue;
      const rest = row[i]!.text.slice(m.index + m[0].length);
      const right = row.slice(i + 1);
      const parts = rest ? [row[i]!, ...right] : right;
      // Where the value begins along the row: inside the label's line, in proportion to the
      // characters before it; else where the next line starts.
      const own = row[i]!;
      const labelEnd = m.index + m[0].length;
      const valueStart = rest
        ? own.x0 + ((own.x1 - own.x0) * labelEnd) / own.text.length
        : (right[0]?.x0 ?? own.x1);
      // The gap between a label and its value holds the card's guilloche lines, which the
      // recogniser reads as a dash or 一; no value starts with one.
      const text = (rest + right.map((p) => p.text).join('')).replace(LEADING_GAP_MARKS, '');
      return { row, index, parts, text, valueStart };
    }
  }
  return undefined;
}

export type FrontTexts = Record<
  'name' | 'sexEthnicity' | 'birth' | 'address1' | 'address2' | 'address3' | 'idNumber',
  Recognition
>;
export type BackTexts = Record<'issuer' | 'validity', Recognition>;

export interface CardText {
  side: 'front' | 'back' | undefined;
  /** The card's reading direction in the image (x axis of its frame), when there was text. */
  direction: Point | undefined;
  rows: Row[];
  /** The ID number's line, for the capture-quality measure. */
  idLine: TextLine | undefined;
}

const BACK_WORDS = /签发机关|有效期限|居民身份证|中华人民共和国/;
const FRONT_WORDS = /公民身份号码|姓名|住址|出生|性别|民族/;

/** The lines in the card's frame, and which side they are from. */
export function arrangeCardText(lines: readonly TextLine[]): CardText {
  const direction = cardDirection(lines);
  if (!direction) return { side: undefined, direction, rows: [], idLine: undefined };
  const placed = place(lines, direction);
  const all = placed.map((p) => p.text).join('|');
  const front = FRONT_WORDS.test(all) || ID_PATTERN.test(all.toUpperCase());
  const back = BACK_WORDS.test(all);
  const side =
    back && !/公民身份号码|姓名|住址/.test(all) ? 'back' : front ? 'front' : back ? 'back' : undefined;
  const id = placed.find((p) => ID_PATTERN.test(p.text.toUpperCase()));
  const arranged = rows(placed);
  return {
    side,
    direction,
    rows: side === 'front' && id ? withoutPhotoArea(arranged, id) : arranged,
    idLine: id?.source,
  };
}

/**
 * Drops what lies in the portrait's area (a watermark or overprint across the photo, "样本" on
 * specimens) from the rows above the number. On the card (GB 19722) the labels start 5.6 mm from
 * the left edge, the number ends about 80 mm from it and the photo starts at 55.5 mm: 67% of the
 * way from the labels to the number's end; 65% leaves room for a long address line's last
 * character.
 */
function withoutPhotoArea(list: Row[], id: Placed): Row[] {
  const idRow = list.findIndex((row) => row.includes(id));
  const labelsStart = Math.min(...list.map((row) => row[0]!.x0));
  const photoStart = labelsStart + 0.65 * (id.x1 - labelsStart);
  return list
    .map((row, i) => (i < idRow ? row.filter((p) => p.x0 < photoStart) : row))
    .filter((row) => row.length > 0);
}

/** The front side's field texts, in the shapes the parsers expect. */
export function frontTexts(card: CardText): FrontTexts {
  const list = card.rows;
  const empty: Recognition = { text: '', confidence: 0 };
  // The number: an 18-character run of digits (X last) anywhere on the card's rows, the lowest
  // one if several (the number row is the card's last); else whatever follows its label.
  let idNumber = empty;
  let idRowIndex = -1;
  for (let i = list.length - 1; i >= 0 && idRowIndex < 0; i--) {
    for (const p of list[i]!) {
      const m = ID_PATTERN.exec(p.text.toUpperCase());
      if (m) {
        idNumber = { text: m[0], confidence: p.confidence };
        idRowIndex = i;
        break;
      }
    }
  }
  if (idRowIndex < 0) {
    const labelled = afterLabel(list, /公民身份号码|身份号码|公民身份/);
    if (labelled) {
      idNumber = recognition(labelled.parts, labelled.text);
      idRowIndex = labelled.index;
    }
  }
  const name = afterLabel(list, /姓名|^[姓][^\d]|^.名/);
  const sexRow = list.findIndex((row) => row.some((p) => /性别|民族|^性|^民/.test(p.text)));
  const sexEthnicity =
    sexRow >= 0 ? recognition(list[sexRow]!, list[sexRow]!.map((p) => p.text).join('')) : empty;
  const birthRow = list.findIndex((row) => row.some((p) => /出生|\d{4}年/.test(p.text)));
  const birth =
    birthRow >= 0 ? recognition(list[birthRow]!, list[birthRow]!.map((p) => p.text).join('')) : empty;

  // The address: after 住址, then the rows below it that start in the value's column, up to the
  // number's row (or a gap of more than two line heights).
  const addressLines: Recognition[] = [];
  const address = afterLabel(list, /住址|^住|^.址/);
  if (address) {
    addressLines.push(recognition(address.parts, address.text));
    const columnStart = address.valueStart;
    let previousY = rowY(address.row);
    const h = rowHeight(address.row);
    for (let i = address.index + 1; i < list.length && i !== idRowIndex; i++) {
      const row = list[i]!;
      if (rowY(row) - previousY > 2.4 * h) break;
      if (row.some((p) => /公民身份号码|身份号码/.test(p.text))) break;
      const inColumn = row.filter((p) => Math.abs(p.x0 - columnStart) < 2.5 * h);
      if (inColumn.length === 0) continue;
      addressLines.push(recognition(inColumn, inColumn.map((p) => p.text).join('')));
      previousY = rowY(row);
    }
  }
  const [address1 = empty, address2 = empty, ...more] = addressLines;
  // A card has at most three address lines; a fourth read row is kept, joined to the third.
  const address3: Recognition = more.length
    ? { text: more.map((r) => r.text).join(''), confidence: Math.min(...more.map((r) => r.confidence)) }
    : empty;

  const byLabel: FrontTexts = {
    name: name ? recognition(name.parts, name.text) : empty,
    sexEthnicity,
    birth,
    address1,
    address2,
    address3,
    idNumber,
  };
  return withLayoutFallback(byLabel, list);
}

/** Where the front's fields sit, mm from the card's top (row bands: rows at 9.6, 16.5, 23.2, 30.0 + 4.9 k, number 46.7) and left (value columns). */
const BANDS = {
  name: [5.5, 13],
  sexEthnicity: [13, 19.8],
  birth: [19.8, 26.6],
  address: [26.6, 43],
} as const;
const VALUE_FROM_MM = 14;
const VALUE_TO_MM = 55;
const SEX_TO_MM = 24;
const ETHNICITY_FROM_MM = 34;

/**
 * Fields whose label was not read (small, pale blue print on a small or worn photo) are found by
 * the card's fixed layout instead: the number line gives the scale and the card's origin, each
 * row's height on the card says which field it is, and only the characters in the value's
 * column are kept. Label-found values are never replaced.
 */
function withLayoutFallback(byLabel: FrontTexts, list: Row[]): FrontTexts {
  const missing = (['name', 'sexEthnicity', 'birth', 'address1'] as const).filter((k) => !byLabel[k].text);
  if (missing.length === 0) return byLabel;
  const id = list.flat().find((p) => ID_PATTERN.test(p.text.toUpperCase()));
  if (!id || id.text.length < 18) return byLabel;
  // The number's box spans 28.9–77.0 mm across and its row centre is 46.7 mm down (measured on
  // the specimens, boxes as the detector gives them, margins included).
  const mm = (id.x1 - id.x0) / (77.0 - 28.9);
  if (!(mm > 0)) return byLabel;
  const left = id.x0 - 28.9 * mm;
  // Down the card the scale can differ (a tilted card is foreshortened): with three or more rows
  // above the number, the top one is the name row (9.6 mm), which fixes the vertical scale.
  const idRow = list.findIndex((row) => row.includes(id));
  const above = list.slice(0, idRow);
  const mmDown = above.length >= 3 ? (id.y - rowY(above[0]!)) / (46.7 - 9.6) : mm;
  const top = id.y - 46.7 * mmDown;
  const yMm = (p: Placed) => (p.y - top) / mmDown;
  /** The characters of `p` whose estimated centres lie between `from` and `to` mm across. */
  const chars = (p: Placed, from: number, to: number) => {
    const start = (p.x0 - left) / mm;
    const end = (p.x1 - left) / mm;
    const w = (end - start) / Math.max(1, p.text.length);
    return [...p.text]
      .filter((_, i) => {
        const c = start + (i + 0.5) * w;
        return c >= from && c < to;
      })
      .join('');
  };
  const inBand = ([a, b]: readonly [number, number]) =>
    list.map((row) => row.filter((p) => yMm(p) >= a && yMm(p) < b)).filter((row) => row.length > 0);
  const joined = (rows: Row[], from: number, to: number): Recognition => {
    const parts = rows.flat();
    return recognition(
      parts,
      rows
        .map((row) => row.map((p) => chars(p, from, to)).join(''))
        .join('')
        .replace(LEADING_GAP_MARKS, ''),
    );
  };
  const out = { ...byLabel };
  if (!out.name.text) out.name = joined(inBand(BANDS.name), VALUE_FROM_MM, VALUE_TO_MM);
  if (!out.birth.text) out.birth = joined(inBand(BANDS.birth), VALUE_FROM_MM, VALUE_TO_MM);
  if (!out.sexEthnicity.text) {
    const rows = inBand(BANDS.sexEthnicity);
    const sex = joined(rows, VALUE_FROM_MM, SEX_TO_MM);
    const ethnicity = joined(rows, ETHNICITY_FROM_MM, VALUE_TO_MM);
    if (sex.text || ethnicity.text)
      out.sexEthnicity = {
        text: `性别${sex.text}民族${ethnicity.text}`,
        confidence: Math.min(sex.confidence, ethnicity.confidence),
      };
  }
  if (!out.address1.text) {
    const rows = inBand(BANDS.address);
    const [a1, a2, ...rest] = rows.map((row) => joined([row], VALUE_FROM_MM, VALUE_TO_MM));
    const empty: Recognition = { text: '', confidence: 0 };
    out.address1 = a1 ?? empty;
    out.address2 = a2 ?? empty;
    out.address3 = rest.length
      ? { text: rest.map((r) => r.text).join(''), confidence: Math.min(...rest.map((r) => r.confidence)) }
      : empty;
  }
  return out;
}

/** The back side's field texts. */
export function backTexts(card: CardText): BackTexts {
  const empty: Recognition = { text: '', confidence: 0 };
  const issuer = afterLabel(card.rows, /签发机关|^签发|^.发机关/);
  const validity = afterLabel(card.rows, /有效期限|^有效|^.效期限/);
  return {
    issuer: issuer ? recognition(issuer.parts, issuer.text) : empty,
    validity: validity ? recognition(validity.parts, validity.text) : empty,
  };
}

/**
 * Where the front's layout anchors lie in the card's frame (along and across its reading
 * direction): the number line's centre, the name row and the number row. For the portrait crop when
 * the card's outline was not found.
 */
export function frontAnchors(card: CardText): { idCenterX: number; nameY: number; idY: number } | undefined {
  const idRow = card.rows.find((row) => row.some((p) => ID_PATTERN.test(p.text.toUpperCase())));
  const id = idRow?.find((p) => ID_PATTERN.test(p.text.toUpperCase()));
  const nameRow = card.rows.find((row) => row.some((p) => /姓名/.test(p.text)));
  if (!idRow || !id || !nameRow) return undefined;
  return { idCenterX: (id.x0 + id.x1) / 2, nameY: rowY(nameRow), idY: rowY(idRow) };
}
