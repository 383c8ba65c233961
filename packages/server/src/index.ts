export {
  type BundleIndex,
  type BundleRecord,
  type BundleStatus,
  openIndex,
  openPostgresIndex,
  openSqliteIndex,
  type TicketBinding,
  type TicketRecord,
  type UploadRecord,
} from './bundle-index.js';
export {
  type BundleStorage,
  diskStorage,
  openFileSource,
  parseS3Url,
  type S3StorageOptions,
  s3Storage,
} from './bundle-storage.js';
export {
  type CreatedKeySet,
  createKeySet,
  defaultKeysDir,
  KEY_FILES,
  keysInsideData,
  type LenderKeys,
  loadLenderKeys,
  requireKey,
} from './keys.js';
export { advisoryKey, PgLocker } from './pg-locker.js';
export { receiptOf, receiveBundle } from './receive.js';
export {
  createServer,
  DEFAULT_UPLOAD_TTL_MS,
  type DualrecServer,
  RECEIPT_HEADER,
  type Receipt,
  type ServerOptions,
  TICKET_PATH,
  type TicketAuthorization,
  type TicketAuthorizationRequest,
  type TicketRefusal,
  UPLOAD_PATH,
} from './server.js';
export { resolveStatic, type StaticMount } from './static-files.js';
export {
  DEFAULT_CLOCK_SKEW_SECONDS,
  isApplicationRef,
  type MintTicketOptions,
  mintTicket,
  parseTicketRequest,
  type TicketGrant,
  type TicketWindow,
  ticketWindowProblem,
} from './tickets.js';
export {
  describeToken,
  httpTsa,
  LocalTsa,
  type Timestamper,
  type TimestampToken,
  verifyTimestampToken,
} from './timestamp.js';
