export type { CalendarDate } from './dates.js';
export { chinaToday, formatDate, isCalendarDate } from './dates.js';
export { ETHNICITIES, isOfficialEthnicity } from './ethnicities.js';
export type { IdNumberCheck, IdNumberCheckOptions, IdNumberFacts, IdNumberIssue } from './id-number.js';
export { checkIdNumber, idCheckCharacter } from './id-number.js';
export { isPlausibleIssuer } from './issuer.js';
export { PROVINCES, provinceName } from './regions.js';
export type {
  BackFieldName,
  BackValidateOptions,
  BackValidation,
  BackValues,
  FieldStatus,
  FieldVerdict,
  FrontFieldName,
  FrontValidation,
  FrontValues,
  ValidateOptions,
  ValidationIssue,
} from './validate.js';
export { validateBack, validateFront } from './validate.js';
export type { ValidityCheck, ValidityCheckOptions, ValidityIssue, ValidityPeriod } from './validity.js';
export { checkValidity, expectedSpan, LONG_TERM, parseValidity } from './validity.js';
