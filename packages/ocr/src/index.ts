export type { CaptureAssessment, CaptureFeedback, CaptureThresholds } from './capture.js';
export { assessCapture, CAPTURE_PROMPTS } from './capture.js';
export type {
  CardImageRef,
  OcrCapturedPayload,
  OcrPortraitPayload,
  OcrResultField,
  OcrResultPayload,
} from './events.js';
export {
  OCR_EVENT_CAPTURED,
  OCR_EVENT_PORTRAIT,
  OCR_EVENT_RESULT,
  OCR_EVENT_VERSION,
  resultPayload,
} from './events.js';
export {
  type CardImage,
  type RecordCardOptions,
  type RecordedCard,
  type RecordPortraitOptions,
  recordCardCapture,
  recordPortrait,
} from './evidence-record.js';
export type { CardDetection } from './image/detect.js';
export { detectCard } from './image/detect.js';
export type { CaptureQuality } from './image/quality.js';
export type { GrayImage, Point, Quad, RgbaImage } from './image/types.js';
export { DEFAULT_MAX_PIXELS, MIN_IMAGE_SIDE } from './image/types.js';
export type { FieldSpec, Model, Side } from './layout.js';
export { BACK_FIELDS, CARD_HEIGHT_PX, CARD_WIDTH_PX, FRONT_FIELDS } from './layout.js';
export type { PaddleAsset } from './paddle/assets.js';
export { PADDLE_FILES, PADDLE_MODEL_VERSION } from './paddle/assets.js';
export type {
  PaddleEngineOptions,
  PaddleLineSource,
  PaddleReadResult,
  PaddleReadTimings,
  TextLine,
} from './paddle/engine.js';
export { ORT_MODULE_FILE, ortModuleUrl, PaddleTextReader, paddleAssetUrls } from './paddle/engine.js';
export type { OrtModule } from './paddle/ort.js';
export type { CardFieldName, PhotoProblem } from './photo-problems.js';
export {
  FIELD_GLARE_MAX,
  glareOverFields,
  MIN_CARD_WIDTH_PX,
  MIN_PHOTO_SIDE_PX,
  whyNoCard,
} from './photo-problems.js';
export { cropPortrait, portraitQuadFromCorners } from './portrait.js';
export type {
  BackReadResult,
  CardReadResult,
  FrontReadResult,
  NoCardResult,
  OcrEngineInfo,
  OcrEngineName,
  OcrField,
  OcrReaderOptions,
  ReadOptions,
  ReadTimings,
} from './reader.js';
export { createOcrReader, OcrReader, PADDLE_ENGINE_INFO, TESSERACT_ENGINE_INFO } from './reader.js';
export type { Recognition, RecognizeRequest, Recognizer, TesseractRecognizerOptions } from './recognizer.js';
export { DEFAULT_CACHE_PATH, LANG_DATA_VERSION, TesseractRecognizer } from './recognizer.js';
export * from './validation/index.js';
