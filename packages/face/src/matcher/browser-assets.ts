import { DualrecError } from '@dualrec/evidence';
import { FACE_MATCH_MODEL_DIR, type FaceMatchAsset, TFJS_WASM_DIR } from './assets.js';

/** Fetches one pinned matcher file from the lender's asset folder (the hash is checked by the loader). */
export async function fetchMatchAsset(
  assetsBase: string,
  asset: FaceMatchAsset,
  doFetch: typeof globalThis.fetch = globalThis.fetch.bind(globalThis),
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const url = `${assetsBase.replace(/\/+$/, '')}/${asset.path}`;
  const response = await doFetch(url, signal ? { signal } : {});
  if (!response.ok)
    throw new DualrecError('MODEL_LOAD_FAILED', {
      detail: `${url}: HTTP ${response.status}`,
      context: { url, status: response.status },
    });
  return new Uint8Array(await response.arrayBuffer());
}

/** URL prefix of TensorFlow.js's wasm files under the asset folder. */
export function tfjsWasmBase(assetsBase: string): string {
  return `${assetsBase.replace(/\/+$/, '')}/${TFJS_WASM_DIR}/`;
}

export { FACE_MATCH_MODEL_DIR };
