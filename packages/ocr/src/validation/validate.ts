/**
 * Field-by-field verdicts for one card side. Every field ends up in one of three states:
 *
 * - `verified` — an independent redundancy on the card agrees (the ID number's checksum, region
 *   and date; birth date and sex against a valid number; an ethnicity from the closed list of 56;
 *   a validity period whose dates are consistent with each other, the law's spans and the clock).
 * - `needs-confirmation` — plausible but nothing on the card can confirm it (name, address,
 *   issuer), or read with low confidence: the applicant must confirm it on screen.
 * - `invalid` — a check failed: recapture the card (or the card itself is not acceptable, e.g.
 *   expired).
 */
import type { CalendarDate } from './dates.js';
import { compareDates } from './dates.js';
import { isOfficialEthnicity } from './ethnicities.js';
import { checkIdNumber, type IdNumberCheck, type IdNumberIssue } from './id-number.js';
import { isPlausibleIssuer } from './issuer.js';
import { checkValidity, type ValidityIssue, type ValidityPeriod } from './validity.js';

export type FieldStatus = 'verified' | 'needs-confirmation' | 'invalid';

export type ValidationIssue =
  | IdNumberIssue
  | ValidityIssue
  | 'empty'
  | 'low-confidence'
  | 'not-cross-checkable'
  | 'name-format'
  | 'birth-format'
  | 'birth-mismatch'
  | 'sex-format'
  | 'sex-mismatch'
  | 'ethnicity-unknown'
  | 'issuer-implausible';

export interface FieldVerdict {
  status: FieldStatus;
  issues: ValidationIssue[];
}

export type FrontFieldName = 'name' | 'sex' | 'ethnicity' | 'birthDate' | 'address' | 'idNumber';
export type BackFieldName = 'issuer' | 'validity';

export interface FrontValues {
  name: string;
  sex: string;
  ethnicity: string;
  /** The 出生 line, parsed; undefined when it could not be read as a date. */
  birthDate: CalendarDate | undefined;
  address: string;
  idNumber: string;
}

export interface BackValues {
  issuer: string;
  /** The 有效期限 line, parsed; undefined when it could not be read. */
  validity: ValidityPeriod | undefined;
}

export interface ValidateOptions {
  /** The lender's clock (for expiry and future dates). Default: the system clock. */
  now?: Date;
  /** Per-field recognition confidence, 0–100 (tesseract's scale). */
  confidence?: Partial<Record<FrontFieldName | BackFieldName, number>>;
  /** Below this confidence a field needs confirmation even when it passes its checks. Default 60. */
  minConfidence?: number;
}

export interface FrontValidation {
  fields: Record<FrontFieldName, FieldVerdict>;
  idNumber: IdNumberCheck;
}

export interface BackValidation {
  fields: Record<BackFieldName, FieldVerdict>;
}

const NAME = /^[\u4e00-\u9fff]+(?:·[\u4e00-\u9fff]+)*$/u;

function verdict(status: FieldStatus, issues: ValidationIssue[] = []): FieldVerdict {
  return { status, issues };
}

/** Applies the confidence floor to a verdict that passed its checks. */
function withConfidence(v: FieldVerdict, confidence: number | undefined, min: number): FieldVerdict {
  if (v.status !== 'verified' || confidence === undefined || confidence >= min) return v;
  return verdict('needs-confirmation', [...v.issues, 'low-confidence']);
}

export function validateFront(values: FrontValues, options: ValidateOptions = {}): FrontValidation {
  const min = options.minConfidence ?? 60;
  const conf = options.confidence ?? {};
  const id = checkIdNumber(values.idNumber, options.now ? { now: options.now } : {});
  const facts = id.valid ? id.facts : undefined;

  let birthDate: FieldVerdict;
  if (!values.birthDate) birthDate = verdict(facts ? 'needs-confirmation' : 'invalid', ['birth-format']);
  else if (!facts?.birthDate) birthDate = verdict('needs-confirmation', ['not-cross-checkable']);
  else if (compareDates(values.birthDate, facts.birthDate) !== 0)
    birthDate = verdict('invalid', ['birth-mismatch']);
  else birthDate = verdict('verified');

  let sex: FieldVerdict;
  if (values.sex !== '男' && values.sex !== '女')
    sex = verdict(facts ? 'needs-confirmation' : 'invalid', ['sex-format']);
  else if (!facts) sex = verdict('needs-confirmation', ['not-cross-checkable']);
  else if (values.sex !== facts.sex) sex = verdict('invalid', ['sex-mismatch']);
  else sex = verdict('verified');

  // The number is only as good as the independent evidence around it: a multi-digit misread
  // passes MOD 11-2 one time in eleven, but then it also has to agree with the printed birth
  // line and sex, read by a different model from a different part of the card.
  let idNumber: FieldVerdict;
  if (!id.valid) idNumber = verdict('invalid', [...id.issues]);
  else if (birthDate.issues.includes('birth-mismatch') || sex.issues.includes('sex-mismatch'))
    idNumber = verdict('needs-confirmation', [...birthDate.issues, ...sex.issues]);
  else idNumber = withConfidence(verdict('verified'), conf.idNumber, min);

  let ethnicity: FieldVerdict;
  if (!values.ethnicity) ethnicity = verdict('invalid', ['empty']);
  else if (!isOfficialEthnicity(values.ethnicity))
    ethnicity = verdict('needs-confirmation', ['ethnicity-unknown']);
  else ethnicity = withConfidence(verdict('verified'), conf.ethnicity, min);

  const name = !values.name
    ? verdict('invalid', ['empty'])
    : verdict(
        'needs-confirmation',
        NAME.test(values.name) && values.name.length >= 2 ? ['not-cross-checkable'] : ['name-format'],
      );
  const address = !values.address
    ? verdict('invalid', ['empty'])
    : verdict('needs-confirmation', ['not-cross-checkable']);

  return {
    idNumber: id,
    fields: {
      name,
      sex: withConfidence(sex, conf.sex, min),
      ethnicity,
      birthDate: withConfidence(birthDate, conf.birthDate, min),
      address,
      idNumber,
    },
  };
}

export interface BackValidateOptions extends ValidateOptions {
  /** Birth date from the front's valid ID number, to check the validity span against the age. */
  birthDate?: CalendarDate | undefined;
}

export function validateBack(values: BackValues, options: BackValidateOptions = {}): BackValidation {
  const min = options.minConfidence ?? 60;
  const conf = options.confidence ?? {};
  const check = checkValidity(values.validity, {
    ...(options.now ? { now: options.now } : {}),
    birthDate: options.birthDate,
  });
  const validity = check.invalid.length
    ? verdict('invalid', [...check.invalid, ...check.doubtful])
    : check.doubtful.length
      ? verdict('needs-confirmation', check.doubtful)
      : withConfidence(verdict('verified'), conf.validity, min);
  const issuer = !values.issuer
    ? verdict('invalid', ['empty'])
    : isPlausibleIssuer(values.issuer)
      ? verdict('needs-confirmation', ['not-cross-checkable'])
      : verdict('invalid', ['issuer-implausible']);
  return { fields: { issuer, validity } };
}
