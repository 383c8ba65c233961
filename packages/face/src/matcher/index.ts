/**
 * `@dualrec/face/matcher`: 1:1 face verification, isomorphic (no DOM), so the lender's side
 * (CLI, server) recomputes exactly what the device computed.
 */
export { ARCFACE_TEMPLATE, alignmentToSource, fivePoints, type Point, similarityTransform } from './align.js';
export {
  FACE_MATCH_FILES,
  FACE_MATCH_MODEL,
  FACE_MATCH_MODEL_DIR,
  type FaceMatchAsset,
  type FaceMatchModelName,
  TFJS_WASM_DIR,
} from './assets.js';
export { type DetectedFace, FaceDetector } from './detector.js';
export {
  type ClaimCheck,
  checkFaceMatchClaim,
  FACE_MATCH_EVENT,
  FACE_MATCH_TOLERANCE,
  type RecordFaceMatchOptions,
  recordFaceMatch,
} from './evidence.js';
export { type Affine, applyAffine, invertAffine, type RgbaImage, warpToFloatRgb } from './image.js';
export {
  type CompareOptions,
  compareEmbeddings,
  cosine,
  type EmbedOptions,
  type FaceComparison,
  type FaceEmbedding,
  FaceMatcher,
  type FaceMatcherLoadOptions,
  type FaceRole,
} from './matcher.js';
export { DEFAULT_OPERATING_POINT, OPERATING_POINTS, type OperatingPointName } from './operating-points.js';
export { degradeToIdPortrait, type IdPortraitOptions } from './portrait-style.js';
