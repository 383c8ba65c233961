/**
 * Sends one sealed bundle to the lender with tus 1.0 (tus-js-client), resumably:
 *
 * - The fingerprint is the session id + the bundle's SHA-256, not a file name and mtime, so after
 *   a reload (browser: the upload URL is kept in localStorage by tus-js-client) or a restart of
 *   the CLI (a state file) the same bytes resume where the server stopped: a HEAD asks for the
 *   offset and only the rest is sent.
 * - Network errors are retried with back-off (`retryDelays`); a server restart looks like one.
 * - The server's receipt is checked against the hash computed here: the lender holds exactly
 *   what the device sealed, or the upload fails with UPLOAD_RECEIPT_MISMATCH.
 * - The upload URL is forgotten only once a receipt arrived. When the server stopped between the
 *   last byte and the receipt, the wait goes on (`receiptTimeoutMs`) while it restarts and files
 *   the upload (its start-up sweep); if the wait runs out, running the upload again finds the
 *   complete upload (HEAD) and asks for its receipt instead of starting over.
 */
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import * as tus from 'tus-js-client';
import {
  newUploadSecret,
  storedUploadSecret,
  UPLOAD_SECRET_HEADER,
  UPLOAD_SECRET_METADATA,
} from './capability.js';
import { liveFingerprint } from './live.js';
import { parseReceipt, parseReceiptHeader, RECEIPT_HEADER, type Receipt } from './receipt.js';
import { DEFAULT_RETRY_DELAYS } from './retry.js';

export interface UploadBundleOptions {
  /** The tus endpoint, e.g. `https://lender.example/v1/uploads/`. */
  endpoint: string;
  /** The bundle: a Blob (browser) or bytes (node and browser). */
  source: Blob | Uint8Array;
  /** The session id and ticket from the ticket grant (the server checks both before accepting bytes). */
  sessionId: string;
  ticket: string;
  /** SHA-256 (hex) of the bundle when the caller has it; computed otherwise. */
  sha256?: string;
  signal?: AbortSignal;
  /** Bytes the server has acknowledged so far, and the total. */
  onProgress?: (sent: number, total: number) => void;
  /**
   * Called with the server's offset when an upload already on the server is resumed (HEAD): the
   * bytes it already held, sent earlier — by a live upload during the recording, or before a
   * reload — and not sent again.
   */
  onResume?: (offset: number) => void;
  /** Called before each retry with the attempt number and the error. */
  onRetry?: (attempt: number, error: Error) => void;
  /**
   * Delays between retries, ms (default: 0, 1, 3, 5, 10, then every 20 s for ~10 minutes). After
   * the last one the upload fails with UPLOAD_FAILED; the bundle stays wherever the caller keeps
   * it (the SDK's queue in IndexedDB) for a later attempt.
   */
  retryDelays?: number[];
  /** PATCH size; default: the whole rest in one request (the server keeps what arrived if it breaks). */
  chunkSize?: number;
  /** Where upload URLs are remembered for resuming (default: tus-js-client's — localStorage in browsers). */
  urlStorage?: tus.UrlStorage;
  /** tus-js-client HTTP stack seam (tests: fault injection). */
  httpStack?: tus.HttpStack;
  /** Used for GET <upload>/receipt when the completing response was lost. */
  fetch?: typeof fetch;
  /**
   * How long to keep asking for the receipt when the completing response was lost, ms (default
   * 120 000). The server writes the receipt only after verifying and time-stamping the bundle,
   * which under load (a queue of arrivals at the TSA) takes tens of seconds.
   */
  receiptTimeoutMs?: number;
}

const DEFAULT_RECEIPT_TIMEOUT_MS = 120_000;

/** The fingerprint under which the upload URL is remembered. */
export function uploadFingerprint(sessionId: string, sha256: string): string {
  return `dualrec-bundle:${sessionId}:${sha256}`;
}

/** A Node Buffer, described structurally so the browser build needs no node types. */
interface NodeBufferLike {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array;
}

function asTusInput(source: Blob | Uint8Array): Blob | Uint8Array {
  if (source instanceof Uint8Array) {
    // tus-js-client's node reader takes a Buffer; in the browser, a Blob.
    const NodeBuffer = (globalThis as { Buffer?: NodeBufferLike }).Buffer;
    if (NodeBuffer) return NodeBuffer.from(source.buffer, source.byteOffset, source.byteLength);
    return new Blob([source as BlobPart]);
  }
  return source;
}

/** Exported for its unit test; not part of the package API (index.ts does not re-export it). */
export async function fetchReceipt(
  uploadUrl: string,
  doFetch: typeof fetch,
  timeoutMs: number,
  signal?: AbortSignal,
  /** The upload's secret (the server wants it for the receipt). */
  secret?: string,
): Promise<Receipt> {
  const url = `${uploadUrl.replace(/\/$/, '')}/receipt`;
  // The receipt is written before the completing response is sent. When that response was lost
  // (a dropped connection on the last PATCH), tus learns from HEAD that every byte arrived while
  // the server may still be verifying and time-stamping: 404 then means "not yet", so ask again
  // with a capped back-off until the deadline.
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await doFetch(url, {
        ...(signal ? { signal } : {}),
        ...(secret ? { headers: { [UPLOAD_SECRET_HEADER]: secret } } : {}),
        credentials: 'same-origin',
      });
      if (response.ok) return parseReceipt(await response.json());
      lastError = new Error(`HTTP ${response.status}`);
    } catch (error) {
      if (signal?.aborted) throw error;
      lastError = error;
    }
    const wait = Math.min(250 * 2 ** attempt, 2000, deadline - Date.now());
    if (wait <= 0) break;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  throw new DualrecError('UPLOAD_FAILED', {
    detail: `no receipt at ${url} after ${Math.round(timeoutMs / 1000)} s`,
    cause: lastError,
  });
}

export async function uploadBundle(options: UploadBundleOptions): Promise<Receipt> {
  const { endpoint, source, sessionId, ticket, signal } = options;
  if (!endpoint || !sessionId || !ticket)
    throw new DualrecError('BAD_USAGE', { detail: 'endpoint, sessionId and ticket are required' });
  signal?.throwIfAborted();
  const bytesForHash = source instanceof Uint8Array ? source : null;
  const sha256 =
    options.sha256 ?? (await sha256Hex(bytesForHash ?? new Uint8Array(await (source as Blob).arrayBuffer())));
  const size = source instanceof Uint8Array ? source.length : source.size;
  const storage = options.urlStorage ?? (tus.defaultOptions.urlStorage as tus.UrlStorage | undefined);
  // A live upload of this session (started while recording, deferred length) already holds the
  // bundle's first bytes: finish that one rather than starting over — unless this exact bundle has
  // its own upload already.
  let live: tus.PreviousUpload | null = null;
  if (storage) {
    const own = await storage.findUploadsByFingerprint(uploadFingerprint(sessionId, sha256)).catch(() => []);
    if (own.length === 0) {
      const found = await storage.findUploadsByFingerprint(liveFingerprint(sessionId)).catch(() => []);
      // Only one whose secret was kept: without it the server would not let it be touched.
      live = found.find((entry) => entry.uploadUrl && storedUploadSecret(entry)) ?? null;
    }
  }
  const fingerprint = live ? liveFingerprint(sessionId) : uploadFingerprint(sessionId, sha256);
  let serverHoldsMore = false;
  let uploadUrl: string | null = null;
  // The capability of a new upload; a resumed one brings its own (stored with its URL).
  const freshSecret = newUploadSecret();
  let resumed: { url: string; secret: string } | null = null;
  const secretFor = (url: string | null) => (resumed && url === resumed.url ? resumed.secret : freshSecret);
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  const receipt = await new Promise<Receipt>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, value?: Receipt) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(value as Receipt);
    };
    const upload = new tus.Upload(asTusInput(source) as Blob, {
      endpoint,
      metadata: { sessionId, ticket, filetype: 'application/zip', [UPLOAD_SECRET_METADATA]: freshSecret },
      fingerprint: async () => fingerprint,
      // The live upload was created with a deferred length: the last PATCH declares it.
      ...(live ? { uploadLengthDeferred: true } : {}),
      storeFingerprintForResuming: true,
      // Kept until the receipt arrived (below): all bytes sent is not yet filed.
      removeFingerprintOnSuccess: false,
      retryDelays: options.retryDelays ?? [...DEFAULT_RETRY_DELAYS],
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
      ...(options.urlStorage ? { urlStorage: options.urlStorage } : {}),
      ...(options.httpStack ? { httpStack: options.httpStack } : {}),
      onProgress: (sent) => options.onProgress?.(sent, size),
      onBeforeRequest: (req) => {
        if (req.getMethod() !== 'POST') req.setHeader(UPLOAD_SECRET_HEADER, secretFor(req.getURL()));
      },
      onAfterResponse: (req, res) => {
        if (req.getMethod() !== 'HEAD') return;
        const offset = Number.parseInt(res.getHeader('Upload-Offset') ?? '', 10);
        if (!Number.isFinite(offset)) return;
        if (offset > size) {
          // Not this bundle's start: never complete it (stop before any PATCH).
          serverHoldsMore = true;
          throw new Error(`the server holds ${offset} bytes, the bundle has ${size}`);
        }
        options.onResume?.(offset);
      },
      onShouldRetry: (error, attempt) => {
        if (serverHoldsMore) return false;
        const status = error.originalResponse?.getStatus() ?? 0;
        // 4xx other than conflict/locked/timeout/too-many are the server saying no: do not hammer.
        const retry = status === 0 || status >= 500 || [409, 423, 408, 429].includes(status);
        if (retry) options.onRetry?.(attempt + 1, error);
        return retry;
      },
      onSuccess: ({ lastResponse }) => {
        uploadUrl = upload.url;
        const header = lastResponse.getHeader(RECEIPT_HEADER);
        const got = header
          ? Promise.resolve().then(() => parseReceiptHeader(header))
          : fetchReceipt(
              upload.url as string,
              doFetch,
              options.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS,
              signal,
              secretFor(upload.url),
            );
        got.then(
          (r) => finish(null, r),
          (e) => finish(e),
        );
      },
      onError: (error) => {
        if (serverHoldsMore) {
          finish(
            new DualrecError('UPLOAD_RECEIPT_MISMATCH', {
              detail: `the server holds more bytes than the ${size}-byte bundle`,
              cause: error,
            }),
          );
          return;
        }
        const status = (error as tus.DetailedError).originalResponse?.getStatus?.() ?? 0;
        const body = (error as tus.DetailedError).originalResponse?.getBody?.() ?? '';
        finish(
          new DualrecError('UPLOAD_FAILED', {
            detail: status ? `HTTP ${status}: ${String(body).trim().slice(0, 200)}` : error.message,
            cause: error,
            context: { status },
          }),
        );
      },
    });
    const onAbort = () => {
      void upload.abort(false);
      finish(new DualrecError('ABORTED', { detail: 'the upload was cancelled', cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    (live ? Promise.resolve([live]) : upload.findPreviousUploads())
      .then((previous) => {
        const same = live ?? previous.find((p) => p.size === size && p.uploadUrl && storedUploadSecret(p));
        if (same?.uploadUrl) {
          resumed = { url: same.uploadUrl, secret: storedUploadSecret(same) as string };
          upload.resumeFromPreviousUpload(same);
        }
        if (!settled) upload.start();
      })
      .catch((error: unknown) => finish(error));
  });
  if (storage && uploadUrl) {
    // A receipt, good or bad, ends this upload: resuming it could not change the server's word.
    const entries = await storage.findUploadsByFingerprint(fingerprint).catch(() => []);
    for (const entry of entries)
      if (entry.uploadUrl === uploadUrl)
        await storage.removeUpload(entry.urlStorageKey).catch(() => undefined);
  }
  if (receipt.bundleSha256 !== sha256) {
    throw new DualrecError('UPLOAD_RECEIPT_MISMATCH', {
      detail: `sent ${sha256}, the server holds ${receipt.bundleSha256}`,
      context: { receipt },
    });
  }
  return receipt;
}
