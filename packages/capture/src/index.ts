/**
 * @dualrec/capture — camera and microphone, encrypted crash-safe recording, recovery.
 * The support check is its own small entry: `@dualrec/capture/support`.
 */
export { generateDeviceKey } from '@dualrec/evidence/keys';
export {
  Camera,
  type CameraInfo,
  type CameraOptions,
  cameraConstraints,
  type EventSink,
  type Facing,
  listCameras,
  mapMediaError,
  openCamera,
  trackFacts,
} from './camera.js';
export { BundlePrefix } from './live-prefix.js';
export {
  pickMimeType,
  Recording,
  type RecordingOptions,
  type RecordingSummary,
  type StorageEstimator,
} from './recorder.js';
export {
  RecoverableSession,
  type RecoveredPart,
  type RecoverOptions,
  recoverSessions,
} from './recovery.js';
export {
  CaptureSession,
  type CreateSessionOptions,
  RECORDING_RECORD_SIZE,
  type SessionEnvironment,
} from './session.js';
export {
  type BundleMeta,
  CaptureStore,
  DEFAULT_DB_NAME,
  type PartStatus,
  type StoredPart,
  type StoredSession,
  type StoreOptions,
} from './store.js';
export {
  checkSupport,
  RECORDING_MIME_TYPES,
  type SupportMode,
  type SupportOptions,
  type SupportReason,
  type SupportReasonCode,
  type SupportReport,
  type SupportSeverity,
} from './support.js';
