import { DualrecError } from '@dualrec/evidence';
import { gunzipSync, gzipSync } from 'fflate';
import type { AssetTransform } from './manifest.js';
import { filterTessdata, LSTM_ONLY_COMPONENTS } from './traineddata.js';

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gzip with fixed settings and no timestamp or file name, so the same input gives the same bytes
 * on every machine and node version (fflate is pure JS; node's zlib output varies by build).
 */
export function deterministicGzip(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes, { level: 9, mem: 8, mtime: 0 });
}

export function applyTransform(transform: AssetTransform, input: Uint8Array): Uint8Array {
  switch (transform) {
    case 'tessdata-lstm-only': {
      let raw: Uint8Array;
      try {
        raw = isGzip(input) ? gunzipSync(input) : input;
      } catch (cause) {
        throw new DualrecError('ASSET_FORMAT_INVALID', { detail: 'traineddata: corrupt gzip stream', cause });
      }
      return deterministicGzip(filterTessdata(raw, LSTM_ONLY_COMPONENTS));
    }
    case 'esm-drop-unused-blob-polyfill':
      return dropUnusedBlobPolyfill(input);
  }
}

const BLOB_POLYFILL_IMPORT = 'import { Blob } from "blob-polyfill";';

/** Removes SoundSwallower's unused `blob-polyfill` import; refuses a module that uses Blob at all. */
export function dropUnusedBlobPolyfill(input: Uint8Array): Uint8Array {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(input);
  const at = text.indexOf(BLOB_POLYFILL_IMPORT);
  const rest = at === -1 ? text : text.slice(0, at) + text.slice(at + BLOB_POLYFILL_IMPORT.length);
  if (at === -1 || /\bBlob\b/.test(rest) || /(^|[;\n])\s*import\s[^;\n]*?from\s*["'][^./]/.test(rest)) {
    throw new DualrecError('ASSET_FORMAT_INVALID', {
      detail:
        'soundswallower.web.js: expected exactly one unused blob-polyfill import and no other bare import',
    });
  }
  return new TextEncoder().encode(rest);
}
