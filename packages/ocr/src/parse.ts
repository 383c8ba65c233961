/**
 * From raw recognised text to field values. chi_sim separates characters with spaces and may
 * split lines; the label words of a whole-line read are dropped. Nothing here invents or
 * corrects characters: a value is always a substring of what was read (minus separators).
 */
import type { CalendarDate } from './validation/dates.js';
import { isCalendarDate } from './validation/dates.js';
import { ETHNICITIES } from './validation/ethnicities.js';
import { parseValidity, type ValidityPeriod } from './validation/validity.js';

const WHITESPACE = /\s+/g;
const NOT_CJK = /[^\u4e00-\u9fff·]/g;

export function parseName(text: string): string {
  // An OCR'd middle dot comes back as one of several look-alikes.
  return text
    .replace(WHITESPACE, '')
    .replace(/[•・.．]/g, '·')
    .replace(NOT_CJK, '')
    .replace(/^·+|·+$/g, '');
}

const BY_LENGTH = [...ETHNICITIES].sort((a, b) => b.length - a.length);

/**
 * The 性别 … 民族 … line. Sex is the first 男/女 after the label; the ethnicity is the text after
 * 民族 (or after the sex when the label was misread), taken as the longest official name it ends
 * with if there is one — a selection from what was read, never a substitution.
 */
export function parseSexEthnicity(text: string): { sex: string; ethnicity: string } {
  const line = text.replace(WHITESPACE, '');
  const body = line.replace(/^性?别?/, '');
  // The first 男/女 before the 民族 label (no ethnic name contains either character); a misread
  // label character (性 → 生) must not hide it.
  const labelAt = line.indexOf('民');
  const sex = /[男女]/.exec(labelAt > 0 ? line.slice(0, labelAt) : line.slice(0, 5))?.[0] ?? '';
  let rest: string;
  const label = line.lastIndexOf('民族');
  if (label >= 0) rest = line.slice(label + 2);
  else {
    // The label was misread: drop the two characters where it stands (民? or ?族).
    const after = sex ? body.slice(body.indexOf(sex) + 1) : body;
    rest = after.replace(NOT_CJK, '').replace(/^(民.|.族)/, '');
  }
  rest = rest.replace(NOT_CJK, '');
  const official = BY_LENGTH.find((name) => rest.endsWith(name));
  return { sex, ethnicity: official && rest.length <= official.length + 2 ? official : rest };
}

export interface Reading {
  text: string;
  confidence: number;
}

/**
 * Chooses among several readings of the ethnicity: an official name wins over text that is not
 * one; among official names, the one with the most total confidence. With no official name, the
 * primary reading stands as read (it may be a real non-listed entry, e.g. 穿青人).
 */
export function chooseEthnicity(primary: string, others: Reading[], primaryConfidence: number): string {
  const votes = new Map<string, number>();
  for (const r of [{ text: primary, confidence: primaryConfidence }, ...others]) {
    const value = r.text
      .replace(WHITESPACE, '')
      .replace(/^.*民?族/, '')
      .replace(NOT_CJK, '');
    if (ETHNICITIES.includes(value)) votes.set(value, (votes.get(value) ?? 0) + r.confidence);
  }
  let best = primary;
  let score = -1;
  for (const [value, total] of votes) {
    if (total > score) {
      best = value;
      score = total;
    }
  }
  return best;
}

/** "1987 年 6 月 9 日" → the date, if the three numbers form a real one. */
export function parseBirth(text: string): CalendarDate | undefined {
  const m = /(\d{4})\D{0,3}?(\d{1,2})\D{0,3}?(\d{1,2})/.exec(text.replace(WHITESPACE, ''));
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isCalendarDate(date) ? date : undefined;
}

/** Addresses hold CJK, digits, Latin letters (楼 A 座) and a few marks; OCR's stray quotes go. */
export function parseAddress(text: string): string {
  return text.replace(WHITESPACE, '').replace(/[^\u4e00-\u9fff0-9A-Za-z\-－#·（）()]/g, '');
}

export function parseIdNumber(text: string): string {
  return text.toUpperCase().replace(/[^0-9X]/g, '');
}

export function parseIssuer(text: string): string {
  return text.replace(WHITESPACE, '').replace(NOT_CJK, '');
}

export function parseValidityText(text: string): ValidityPeriod | undefined {
  return parseValidity(text);
}
