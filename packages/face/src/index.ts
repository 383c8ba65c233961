export { type FaceAssetUrls, faceAssetUrls } from './assets.js';
export { type LoadFaceLandmarkerOptions, type LoadProgress, loadFaceLandmarker } from './landmarker.js';
export { silenceMediaPipeTelemetry } from './telemetry.js';
