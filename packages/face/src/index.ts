export {
  type AnalyzerStats,
  createFaceAnalyzer,
  type ErrorListener,
  FaceAnalyzer,
  type FaceAnalyzerOptions,
  type FrameListener,
} from './analyzer.js';
export { type FaceAssetUrls, faceAssetUrls } from './assets.js';
export { BaselineCollector, type BaselineOptions, baselineOf, type NeutralBaseline } from './baseline.js';
export { type BestFrameOptions, bestFrameScore } from './best-frame.js';
export { type BestFrame, BestFrameKeeper } from './best-frame-keeper.js';
export { type Blink, BlinkDetector, type BlinkThresholds, eyesShut } from './blink.js';
export {
  CHALLENGE_KINDS,
  CHALLENGE_PROMPTS,
  type ChallengeDetector,
  type ChallengeKind,
  type ChallengeProgress,
  type ChallengeThresholds,
  createChallengeDetector,
  DEFAULT_CHALLENGE_THRESHOLDS,
  pickChallenges,
} from './challenges.js';
export { type FaceEvent, type FaceEventType, faceEvent } from './events.js';
export {
  FaceEvidenceSink,
  facePayload,
  type RecordBestFrameOptions,
  type RecordedBestFrame,
  recordBestFrame,
} from './evidence-record.js';
export {
  DEFAULT_GUIDE,
  eyeAspectRatio,
  guideFit,
  headPose,
  LANDMARK_COUNT,
  LM,
  landmarkBox,
  mouthOpenness,
  outOfFrameFraction,
} from './geometry.js';
export { laplacianVariance, meanBrightness, toLuma } from './image-stats.js';
export { type LoadFaceLandmarkerOptions, type LoadProgress, loadFaceLandmarker } from './landmarker.js';
export { AttemptLimiter, type FailureStore, type LimiterOptions, MemoryFailureStore } from './limiter.js';
export {
  FAILURE_REASONS,
  type FailureReason,
  type LivenessConfig,
  type LivenessInput,
  LivenessMachine,
  type LivenessOutcome,
  type LivenessState,
} from './machine.js';
export { FACE_MATCH_MODEL } from './matcher/assets.js';
export {
  BrowserFaceMatcher,
  type BrowserFaceMatcherOptions,
  type MatchImageSource,
  toRgba,
} from './matcher/browser.js';
export {
  type ClaimCheck,
  checkFaceMatchClaim,
  FACE_MATCH_EVENT,
  FACE_MATCH_TOLERANCE,
  type RecordFaceMatchOptions,
  recordFaceMatch,
} from './matcher/evidence.js';
export {
  type CompareOptions,
  compareEmbeddings,
  type FaceComparison,
  type FaceEmbedding,
  type FaceRole,
} from './matcher/matcher.js';
export {
  DEFAULT_OPERATING_POINT,
  OPERATING_POINTS,
  type OperatingPointName,
} from './matcher/operating-points.js';
export {
  affineResidual,
  EXPRESSIVE_BLENDSHAPES,
  MOTION_LANDMARKS,
  PassiveLivenessMonitor,
  type PassiveOptions,
  type PassiveResult,
} from './passive.js';
export { PresenceMonitor, type PresenceOptions, type SegmentPresence } from './presence.js';
export { PresenceSession, type PresenceSessionOptions } from './presence-session.js';
export { FACE_CROP_SIZE, FrameProcessor, type FrameSource } from './processor.js';
export {
  FAILURE_MESSAGES,
  type LivenessPrompt,
  livenessPrompt,
  type PromptKey,
  type PromptLanguage,
} from './prompts.js';
export {
  DEFAULT_QUALITY,
  FEEDBACK_CODES,
  FEEDBACK_MESSAGES,
  type FeedbackCode,
  faceIssues,
  QualityMonitor,
  type QualityThresholds,
} from './quality.js';
export { LivenessSession, type LivenessSessionOptions, type LivenessSessionResult } from './session.js';
export { seededRandom } from './stats.js';
export { silenceMediaPipeTelemetry } from './telemetry.js';
export type { Box, FaceMeasurement, FrameMeasurement, GuideFit, GuideOval, HeadPose } from './types.js';
