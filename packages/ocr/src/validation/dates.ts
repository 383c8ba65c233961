/** Calendar dates as printed on the card (no time zone: a card date is a day in China). */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** True for a real Gregorian date (leap years included). */
export function isCalendarDate(d: CalendarDate): boolean {
  if (!Number.isInteger(d.year) || !Number.isInteger(d.month) || !Number.isInteger(d.day)) return false;
  if (d.month < 1 || d.month > 12 || d.day < 1) return false;
  return d.day <= daysInMonth(d.year, d.month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export function formatDate(d: CalendarDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Parses `YYYYMMDD`, or undefined when it is not a real date. */
export function parseCompactDate(text: string): CalendarDate | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isCalendarDate(d) ? d : undefined;
}

/**
 * Today in China (UTC+8, no daylight saving), from the lender's clock. Card dates are Chinese
 * calendar days, so a server in another zone must not see a card expire a day early or late.
 */
export function chinaToday(now: Date): CalendarDate {
  const shifted = new Date(now.getTime() + 8 * 3600_000);
  if (Number.isNaN(shifted.getTime())) throw new RangeError('invalid clock value');
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Whole years from `from` to `to` (an age on `to` for someone born on `from`). */
export function yearsBetween(from: CalendarDate, to: CalendarDate): number {
  let years = to.year - from.year;
  if (to.month < from.month || (to.month === from.month && to.day < from.day)) years -= 1;
  return years;
}
