export {
  newUploadSecret,
  storedUploadSecret,
  UPLOAD_SECRET_HEADER,
  UPLOAD_SECRET_METADATA,
} from './capability.js';
export {
  findLiveUpload,
  forgetLiveUpload,
  type GrowingSource,
  LiveUpload,
  type LiveUploadOptions,
  liveFingerprint,
} from './live.js';
export { DEFAULT_QUEUE_DB, type DrainResult, type QueuedBundle, UploadQueue } from './queue.js';
export { parseReceipt, parseReceiptHeader, RECEIPT_HEADER, type Receipt } from './receipt.js';
export { type UploadBundleOptions, uploadBundle, uploadFingerprint } from './upload.js';
