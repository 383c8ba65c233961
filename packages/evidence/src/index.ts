export type { DualrecErrorCode, DualrecErrorOptions, Locale } from './errors.js';
export { DualrecError, ERROR_MESSAGES, isDualrecError } from './errors.js';
