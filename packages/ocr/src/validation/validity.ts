/**
 * The back side's 有效期限, e.g. `2015.03.01-2035.03.01` or `2015.03.01-长期`.
 *
 * The Resident Identity Card Law (art. 5) fixes the span from the holder's age on the issue date:
 * under 16 → 5 years, 16–25 → 10, 26–45 → 20, 46 and over → 长期 (long-term).
 */
import { type CalendarDate, chinaToday, compareDates, isCalendarDate, yearsBetween } from './dates.js';

export const LONG_TERM = '长期';

export interface ValidityPeriod {
  start: CalendarDate;
  end: CalendarDate | typeof LONG_TERM;
}

export type ValidityIssue =
  | 'validity-format'
  | 'validity-not-started'
  | 'validity-expired'
  | 'validity-span'
  | 'validity-age-mismatch';

export interface ValidityCheck {
  /** Fatal: the card cannot be accepted as it is read. */
  invalid: ValidityIssue[];
  /** Plausibility doubts a person should look at (rare real cards, or a misread). */
  doubtful: ValidityIssue[];
}

/** Expected span in years for an age on the issue date (`LONG_TERM` from 46). */
export function expectedSpan(ageAtIssue: number): number | typeof LONG_TERM {
  if (ageAtIssue < 16) return 5;
  if (ageAtIssue <= 25) return 10;
  if (ageAtIssue <= 45) return 20;
  return LONG_TERM;
}

function sameDayYearsLater(start: CalendarDate, end: CalendarDate): number | undefined {
  const years = end.year - start.year;
  if (end.month === start.month && end.day === start.day) return years;
  // A card issued on 29 February cannot expire on a 29 February that does not exist.
  if (
    start.month === 2 &&
    start.day === 29 &&
    ((end.month === 2 && end.day === 28) || (end.month === 3 && end.day === 1))
  )
    return years;
  return undefined;
}

export interface ValidityCheckOptions {
  now?: Date;
  /** The holder's birth date (from a valid ID number), to check the span against the age. */
  birthDate?: CalendarDate | undefined;
}

export function checkValidity(
  period: ValidityPeriod | undefined,
  options: ValidityCheckOptions = {},
): ValidityCheck {
  if (!period || !isCalendarDate(period.start) || (period.end !== LONG_TERM && !isCalendarDate(period.end)))
    return { invalid: ['validity-format'], doubtful: [] };
  if (period.end !== LONG_TERM && compareDates(period.end, period.start) <= 0)
    return { invalid: ['validity-format'], doubtful: [] };
  const invalid: ValidityIssue[] = [];
  const doubtful: ValidityIssue[] = [];
  const today = chinaToday(options.now ?? new Date());
  if (compareDates(period.start, today) > 0) invalid.push('validity-not-started');
  // The card is valid through its end date (inclusive).
  if (period.end !== LONG_TERM && compareDates(period.end, today) < 0) invalid.push('validity-expired');
  let span: number | typeof LONG_TERM | undefined = LONG_TERM;
  if (period.end !== LONG_TERM) {
    span = sameDayYearsLater(period.start, period.end);
    if (span === undefined || ![5, 10, 20].includes(span)) doubtful.push('validity-span');
  }
  if (options.birthDate && span !== undefined) {
    const age = yearsBetween(options.birthDate, period.start);
    if (age < 0) invalid.push('validity-age-mismatch');
    else if (expectedSpan(age) !== span && !doubtful.includes('validity-span'))
      doubtful.push('validity-age-mismatch');
  }
  return { invalid, doubtful };
}

/**
 * Parses the printed period. Accepts the separators OCR tends to produce for `.` and `-`
 * (`·`, `,`, `—`, `–`, `~`) but never invents digits: anything else is `undefined`.
 */
export function parseValidity(text: string): ValidityPeriod | undefined {
  const compact = text
    .replace(/\s+/g, '')
    .replace(/[·，,。]/g, '.')
    .replace(/[—–~－一]/g, '-');
  const m = /^(\d{4})\.(\d{2})\.(\d{2})-(?:(\d{4})\.(\d{2})\.(\d{2})|(长期))$/.exec(compact);
  if (!m) return undefined;
  const start = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (m[7]) return { start, end: LONG_TERM };
  return { start, end: { year: Number(m[4]), month: Number(m[5]), day: Number(m[6]) } };
}
