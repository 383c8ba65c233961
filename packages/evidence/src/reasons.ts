/**
 * The verifier's failure codes (docs/bundle-format.md §9 lists them with their meaning). A verdict
 * lists every failure found, each as { code, file, detail }: `code` is for programs, `detail` for
 * people; `file` names the bundle entry concerned, or is null for the archive as a whole.
 */
import type { RecordFailure } from './records.js';

export const REASON_CODES = [
  // The archive
  'ZIP_MALFORMED',
  'ZIP_UNSUPPORTED',
  'ZIP_NONCANONICAL',
  'ZIP_LIMIT_EXCEEDED',
  'ZIP_UNSAFE_NAME',
  'ZIP_DUPLICATE_NAME',
  'ZIP_CRC_MISMATCH',
  'ENTRY_MISSING',
  'ENTRY_UNLISTED',
  // manifest.json
  'MANIFEST_INVALID_JSON',
  'MANIFEST_NOT_CANONICAL',
  'MANIFEST_SCHEMA',
  // manifest.jws
  'SIGNATURE_MALFORMED',
  'SIGNATURE_INVALID',
  'SIGNATURE_NOT_CANONICAL',
  // the ticket inside the manifest
  'TICKET_MALFORMED',
  'TICKET_SIGNATURE_INVALID',
  'TICKET_KEY_MISMATCH',
  'TICKET_CLAIM_MISMATCH',
  'TICKET_NONCE_MISMATCH',
  'TICKET_EXPIRED',
  'TICKET_NOT_YET_VALID',
  // listed files
  'FILE_SIZE_MISMATCH',
  'FILE_HASH_MISMATCH',
  // events.jsonl
  'EVENTS_MALFORMED',
  'EVENTS_SEQUENCE',
  'EVENTS_CHAIN_BROKEN',
  'EVENTS_HEAD_MISMATCH',
  'EVENTS_INCOMPLETE',
  // with a recipient's private key
  'KEY_UNWRAP_FAILED',
  'RECORD_HEADER_INVALID',
  'RECORD_AUTH_FAILED',
  'RECORD_MISSING',
  'RECORD_DUPLICATED',
  'RECORD_REORDERED',
  'RECORD_TRUNCATED',
  'RECORD_AFTER_FINAL',
  'RECORD_PADDING_INVALID',
  'EVENT_SEALED_INVALID',
  // the RFC 3161 time-stamp (the token beside the bundle, or a timestamp.tsr entry)
  'TIMESTAMP_MISSING',
  'TIMESTAMP_INVALID',
  'TIMESTAMP_UNTRUSTED',
  // the verdict itself
  'REASONS_TRUNCATED',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

// Compile-time check that every record-layer failure is also a verifier reason.
type MissingRecordReasons = Exclude<RecordFailure, ReasonCode>;
const recordReasonsAreListed: MissingRecordReasons extends never ? true : never = true;
void recordReasonsAreListed;

export interface VerifyReason {
  code: ReasonCode;
  /** The bundle entry concerned (e.g. "media/recording.webm.enc"), or null for the whole archive. */
  file: string | null;
  detail: string;
}

/** Things worth telling an auditor that do not make a bundle invalid. */
export const NOTICE_CODES = ['SYNTHETIC_BUNDLE', 'TIMESTAMP_NOT_TRUSTED', 'RECORDS_NOT_CHECKED'] as const;
export type NoticeCode = (typeof NOTICE_CODES)[number];

export interface VerifyNotice {
  code: NoticeCode;
  file: string | null;
  detail: string;
}
