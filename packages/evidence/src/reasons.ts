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

/**
 * What exactly the verifier found, as a code a report can word in any language (docs/bundle-format.md
 * §11): `reason.code` says which check failed, `reason.why` says how, with `reason.values` for the
 * numbers, names and times in it. `detail` is the same in the verifier's English, for logs.
 * Details that come from deeper layers (the ZIP reader, the JSON parser, the schema, a signature or
 * ticket check) have one code per layer; their English `detail` carries the specifics.
 */
export const REASON_DETAIL_CODES = [
  'zip.read',
  'entry.required',
  'entry.unlisted',
  'entry.absent',
  'entry.order',
  'manifest.json',
  'manifest.canonical',
  'manifest.schema',
  'signature.check',
  'ticket.check',
  'ticket.key',
  'ticket.claims',
  'ticket.nonce',
  'ticket.expired',
  'ticket.early',
  'size.limit',
  'timestamp.none',
  'timestamp.check',
  'key.unwrap',
  'crc.header',
  'crc.data',
  'file.size',
  'file.hash',
  'record.header.format',
  'record.header.size',
  'record.check',
  'events.utf8',
  'events.newline',
  'events.stopped',
  'events.line.long',
  'events.line.json',
  'events.line.shape',
  'events.prev',
  'events.seq',
  'events.time',
  'events.first',
  'events.starts',
  'events.end.none',
  'events.end.early',
  'events.head',
  'events.startedAt',
  'events.endedAt',
  'events.segments',
  'events.sealed',
  'reasons.truncated',
  // notices
  'notice.synthetic',
  'notice.records',
  'notice.timestamp',
] as const;

export type ReasonDetailCode = (typeof REASON_DETAIL_CODES)[number];

export interface VerifyReason {
  code: ReasonCode;
  /** The bundle entry concerned (e.g. "media/recording.webm.enc"), or null for the whole archive. */
  file: string | null;
  /** The verifier's own words (English, technical). */
  detail: string;
  /** How the check failed, as a code (absent only in verdicts of older verifiers). */
  why?: ReasonDetailCode;
  /** The values `why` refers to: counts, sizes, entry names, ISO times, hash prefixes. */
  values?: Record<string, string | number>;
}

/** Things worth telling an auditor that do not make a bundle invalid. */
export const NOTICE_CODES = ['SYNTHETIC_BUNDLE', 'TIMESTAMP_NOT_TRUSTED', 'RECORDS_NOT_CHECKED'] as const;
export type NoticeCode = (typeof NOTICE_CODES)[number];

export interface VerifyNotice {
  code: NoticeCode;
  file: string | null;
  detail: string;
  /** As for reasons: the notice's detail as a code, and its values. */
  why?: ReasonDetailCode;
  values?: Record<string, string | number>;
}
