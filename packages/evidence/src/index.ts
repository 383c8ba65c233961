export { BundleWriter, type BundleWriterOptions, type MediaInfo } from './bundle-writer.js';
export { asBufferSource, concatBytes, fromBase64UrlStrict, fromHex, toBase64Url, toHex } from './bytes.js';
export {
  CanonicalJsonError,
  type CanonicalParseResult,
  canonicalBytes,
  canonicalize,
  type JsonValue,
  parseCanonical,
} from './canonical-json.js';
export { crc32 } from './crc32.js';
export {
  type CryptoCapability,
  type CryptoLinerModule,
  type CryptoSupport,
  checkCryptoSupport,
  type EnsureCryptoOptions,
  type EnsuredCryptoSupport,
  ensureCryptoSupport,
  LINER_CAPABILITIES,
} from './crypto-support.js';
export { CONTENT_HASH_BLOCK_SIZE, ContentHasher, contentHash, sha256, sha256Hex } from './digest.js';
export { isLowS, normalizeLowS, P256_ORDER, toLowSCompact } from './ecdsa.js';
export type { DualrecErrorCode, DualrecErrorOptions, Locale } from './errors.js';
export { DualrecError, ERROR_MESSAGES, isDualrecError } from './errors.js';
export {
  checkEventLog,
  EVENT_TYPE_PATTERN,
  type EventClock,
  type EventLogCheck,
  type EvidenceEvent,
  EvidenceLog,
  type EvidenceLogOptions,
  genesisHash,
  MAX_EVENT_LINE_BYTES,
  openSealedFields,
  type RestoreLogOptions,
  SESSION_END,
  SESSION_START,
  SPEECH_SEGMENT,
  systemClock,
} from './event-log.js';
export {
  type DeviceKey,
  generateDeviceKey,
  generateKeyPairJwk,
  importPrivateJwk,
  importPublicJwk,
  jwkThumbprint,
  type KeyPairJwk,
  type KeyPurpose,
  type PrivateJwk,
  type PublicJwk,
  pemToPrivateJwk,
  pemToPublicJwk,
  privateJwkToPem,
  publicJwkToPem,
  toPublicJwk,
} from './keys.js';
export {
  CONTENT_KEY_LENGTH,
  generateContentKey,
  recipientKeyIds,
  unwrapContentKey,
  type WrappedContentKey,
  wrapContentKey,
} from './keywrap.js';
export {
  BUNDLE_FORMAT,
  checkManifestShape,
  EVENTS_FILE,
  type FileEncryption,
  MANIFEST_FILE,
  type Manifest,
  type ManifestFile,
  SIGNATURE_FILE,
  type StepSummary,
  TIMESTAMP_FILE,
} from './manifest.js';
export { type OpenedBundle, type OpenedEvent, type OpenOptions, openBundle } from './open.js';
export {
  NOTICE_CODES,
  type NoticeCode,
  REASON_CODES,
  REASON_DETAIL_CODES,
  type ReasonCode,
  type ReasonDetailCode,
  type VerifyNotice,
  type VerifyReason,
} from './reasons.js';
export {
  DEFAULT_RECORD_SIZE,
  dataPerRecord,
  encodeRecordHeader,
  type OpenOptions as OpenRecordsOptions,
  openRecords,
  parseRecordHeader,
  type RecordFailure,
  type RecordHeader,
  RecordSealer,
  recordCountForSize,
  type SealOptions,
  sealBytes,
  sealRecords,
} from './records.js';
export {
  SAMPLE_SCRIPT_SEGMENTS,
  SAMPLE_SCRIPT_TEXT,
  type SampleOptions,
  type SampleResult,
  writeSampleBundle,
} from './sample.js';
export { checkManifestSignature, MANIFEST_JWS_TYP, signManifest } from './signature.js';
export { type ByteSink, type ByteSource, collectBytes, fromReadableStream, MemorySink } from './streams.js';
export {
  checkTicketSignature,
  type IssueTicketOptions,
  issueTicket,
  readTicketUnverified,
  TICKET_TYP,
  type TicketClaims,
  verifyTicket,
} from './ticket.js';
export { checkTimestampToken, type TimestampCheck, type TimestampCheckOptions } from './timestamp.js';
export {
  type BundleLimits,
  DEFAULT_BUNDLE_LIMITS,
  type Verdict,
  type VerifiedTimestamp,
  type VerifyOptions,
  verify,
} from './verify.js';
export {
  type BlobLike,
  blobSource,
  bytesSource,
  DEFAULT_ZIP_LIMITS,
  type RandomAccessSource,
  ZipArchive,
  type ZipEntry,
  type ZipLimits,
} from './zip-reader.js';
export { type WrittenEntry, ZipWriter } from './zip-writer.js';
