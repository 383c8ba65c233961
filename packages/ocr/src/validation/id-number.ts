/**
 * GB 11643-1999 citizen identity numbers: 6-digit address code (GB/T 2260), 8-digit birth date,
 * 3-digit sequence (odd = male, even = female), 1 check character (ISO 7064 MOD 11-2).
 *
 * Nothing here ever "repairs" a number. A checksum can say a read is wrong; it cannot say which
 * digit is wrong (a transposition and a substitution can both be "fixed" by changing any one
 * digit to a value that happens to satisfy it), so guessing would turn a caught OCR error into an
 * uncaught wrong identity.
 */
import { type CalendarDate, chinaToday, compareDates, parseCompactDate } from './dates.js';
import { provinceName } from './regions.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Problems found in an ID number; several can apply at once. */
export type IdNumberIssue =
  | 'id-format'
  | 'id-checksum'
  | 'id-region'
  | 'id-birth-date'
  | 'id-birth-in-future'
  | 'id-sequence';

export interface IdNumberFacts {
  /** First two digits, the GB/T 2260 province. */
  provinceCode: string;
  provinceName: string | undefined;
  /** Six-digit address code where the number was first issued. */
  regionCode: string;
  birthDate: CalendarDate | undefined;
  sex: '男' | '女';
}

export interface IdNumberCheck {
  /** The number as given (upper-cased `x`, nothing else changed). */
  value: string;
  valid: boolean;
  issues: IdNumberIssue[];
  /** What the number encodes; present whenever the format is right, even if other checks fail. */
  facts: IdNumberFacts | undefined;
}

/** The ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function idCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charCodeAt(i) - 48) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

/** Earliest plausible birth year: the oldest living holders of second-generation cards. */
const MIN_BIRTH_YEAR = 1890;

export interface IdNumberCheckOptions {
  /** The lender's clock; birth dates after today are rejected. Default: the system clock. */
  now?: Date;
}

export function checkIdNumber(input: string, options: IdNumberCheckOptions = {}): IdNumberCheck {
  const value = input.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return { value, valid: false, issues: ['id-format'], facts: undefined };
  const issues: IdNumberIssue[] = [];
  if (idCheckCharacter(value.slice(0, 17)) !== value[17]) issues.push('id-checksum');
  const provinceCode = value.slice(0, 2);
  const name = provinceName(provinceCode);
  // A province code alone is not enough: xx0000 is the province itself, never a residence.
  if (!name || value.slice(2, 6) === '0000') issues.push('id-region');
  const birthDate = parseCompactDate(value.slice(6, 14));
  if (!birthDate || birthDate.year < MIN_BIRTH_YEAR) issues.push('id-birth-date');
  else if (compareDates(birthDate, chinaToday(options.now ?? new Date())) > 0)
    issues.push('id-birth-in-future');
  // Sequence 000 is never assigned.
  if (value.slice(14, 17) === '000') issues.push('id-sequence');
  const sexDigit = Number(value[16]);
  return {
    value,
    valid: issues.length === 0,
    issues,
    facts: {
      provinceCode,
      provinceName: name,
      regionCode: value.slice(0, 6),
      birthDate,
      sex: sexDigit % 2 === 1 ? '男' : '女',
    },
  };
}
