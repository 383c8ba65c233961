/**
 * The slice of onnxruntime-web the PP-OCR engine uses, typed here so the engine's core does not
 * import onnxruntime (the runtime is loaded lazily, in a worker in the browser, and tests can hand
 * in the same module node loads).
 */
export interface OrtTensor {
  readonly data: ArrayLike<number>;
  readonly dims: readonly number[];
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtModule {
  env: {
    wasm: {
      numThreads?: number;
      proxy?: boolean;
      simd?: boolean;
      wasmBinary?: ArrayBufferLike | Uint8Array;
    };
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: {
    create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession>;
  };
}

/** One float tensor in CHW layout, batch 1. */
export interface ChwInput {
  data: Float32Array;
  /** [1, 3, height, width] */
  dims: [1, 3, number, number];
}
