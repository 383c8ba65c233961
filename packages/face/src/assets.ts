/**
 * Where the face package finds its files under the lender's asset folder (the layout written by
 * `dualrec assets`; see docs/self-hosting-assets.md).
 */
export interface FaceAssetUrls {
  /** Folder holding MediaPipe's `vision_wasm_internal.*` and `vision_wasm_nosimd_internal.*`. */
  wasmBase: string;
  /** The Face Landmarker model bundle. */
  faceLandmarkerModel: string;
}

/** `assetsBase` is the URL of the served asset folder, absolute or relative to the page. */
export function faceAssetUrls(assetsBase: string): FaceAssetUrls {
  const base = assetsBase.replace(/\/+$/, '');
  return {
    wasmBase: `${base}/mediapipe/wasm`,
    faceLandmarkerModel: `${base}/mediapipe/face_landmarker.task`,
  };
}
