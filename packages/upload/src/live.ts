/**
 * The live upload: a tus upload with deferred length (tus 1.0 creation-defer-length), created when
 * the recording starts and fed with the start of the bundle while the recording is still going —
 * the recording part's ZIP header and its sealed RFC 8188 records, which are final and encrypted
 * as soon as they are stored (see BundlePrefix in @dualrec/capture). At seal time the caller
 * stops it and `uploadBundle()` sends the rest: it finds this upload under
 * `liveFingerprint(sessionId)`, asks the server for its offset (HEAD) and sends only the bytes
 * after it, declaring the length on the last PATCH. So little is left to send when the session
 * ends, and the receipt still names the SHA-256 of the whole bundle.
 *
 * The feed is a tus-js-client `fileReader` whose slices wait for more stored bytes: tus-js-client
 * asks for `slice(offset, offset + chunkSize)` again after every retry and resume (HEAD), so any
 * offset can be served again from the store. (A ReadableStream source cannot go back to an
 * offset the server did not acknowledge, which a dropped PATCH needs.)
 */
import { DualrecError } from '@dualrec/evidence';
import * as tus from 'tus-js-client';
import {
  newUploadSecret,
  storedUploadSecret,
  UPLOAD_SECRET_HEADER,
  UPLOAD_SECRET_METADATA,
} from './capability.js';
import { DEFAULT_RETRY_DELAYS } from './retry.js';

/** The start of a bundle that grows while the recording runs; bytes once given never change. */
export interface GrowingSource {
  /** How many bytes are fixed so far. */
  readonly length: number;
  /** Bytes [start, end) (end clamped to `length`). */
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface LiveUploadOptions {
  endpoint: string;
  sessionId: string;
  ticket: string;
  source: GrowingSource;
  /** Send once at least this many new bytes are stored (default 128 KiB: a PATCH every ~2 s of video). */
  minChunkBytes?: number;
  /** At most this many bytes per PATCH (default 4 MiB). */
  maxChunkBytes?: number;
  /** How often to look for new bytes, ms (default 500). */
  pollMs?: number;
  /** Send fewer than `minChunkBytes` once nothing new arrived for this long, ms (default 2000). */
  lingerMs?: number;
  retryDelays?: number[];
  urlStorage?: tus.UrlStorage;
  httpStack?: tus.HttpStack;
  /** Bytes the server has acknowledged so far. */
  onProgress?: (acknowledged: number) => void;
  onRetry?: (attempt: number, error: Error) => void;
  /**
   * The live upload gave up (the server refused it, e.g. no deferred length, or the retries ran
   * out). Nothing is lost: the bundle is sent whole (or resumed) after the seal.
   */
  onError?: (error: DualrecError) => void;
}

/** The fingerprint under which a session's live upload URL is remembered. */
export function liveFingerprint(sessionId: string): string {
  return `dualrec-live:${sessionId}`;
}

/** Bytes carrying the `size` tus-js-client reads (its node HTTP stack sends Uint8Arrays as such). */
function sized(bytes: Uint8Array): Uint8Array & { size: number } {
  return Object.assign(bytes, { size: bytes.length });
}

/** @internal tus-js-client FileSource whose slices wait until enough bytes are stored. Exported for tests. */
export class WaitingSource {
  private closed: Error | null = null;
  private wake: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The highest offset handed to tus so far. */
  served = 0;
  readonly size = null;

  constructor(
    private readonly source: GrowingSource,
    private readonly minChunkBytes: number,
    private readonly maxChunkBytes: number,
    private readonly pollMs: number,
    private readonly lingerMs = 2000,
  ) {}

  async slice(start: number, end: number): Promise<{ value: Uint8Array & { size: number }; done: boolean }> {
    const last = Math.min(end, start + this.maxChunkBytes);
    let seen = -1;
    let since = Date.now();
    for (;;) {
      if (this.closed) throw this.closed;
      const known = this.source.length;
      if (known !== seen) {
        seen = known;
        since = Date.now();
      }
      const enough = known - start >= Math.min(this.minChunkBytes, last - start);
      // A part that stopped growing (the recording ended, the seal is running): send the rest of it.
      const quiet = known > start && Date.now() - since >= this.lingerMs;
      if (enough || quiet) {
        const value = sized(await this.source.read(start, Math.min(last, known)));
        if (this.closed) throw this.closed;
        this.served = Math.max(this.served, start + value.length);
        return { value, done: false };
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.pollMs);
      });
      this.wake = null;
    }
  }

  /** Makes a waiting slice (and every later one) fail with `error`. */
  stop(error: Error): void {
    this.closed ??= error;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  close(): void {
    this.stop(new Error('closed'));
  }
}

export class LiveUpload {
  private readonly upload: tus.Upload;
  private readonly feed: WaitingSource;
  private acked = 0;
  private failure: DualrecError | null = null;
  private inFlight: Promise<void> | null = null;
  private endInFlight: (() => void) | null = null;
  private stopped = false;
  /** This upload's capability (a resumed upload's own, once resumed). */
  private secret = newUploadSecret();

  private constructor(options: LiveUploadOptions) {
    this.feed = new WaitingSource(
      options.source,
      options.minChunkBytes ?? 128 * 1024,
      options.maxChunkBytes ?? 4 * 1024 * 1024,
      options.pollMs ?? 500,
      options.lingerMs ?? 2000,
    );
    const feed = this.feed;
    this.upload = new tus.Upload(new Blob([]), {
      endpoint: options.endpoint,
      metadata: {
        sessionId: options.sessionId,
        ticket: options.ticket,
        filetype: 'application/zip',
        [UPLOAD_SECRET_METADATA]: this.secret,
      },
      uploadLengthDeferred: true,
      fingerprint: async () => liveFingerprint(options.sessionId),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      fileReader: { openFile: async () => feed as unknown as tus.FileSource },
      retryDelays: options.retryDelays ?? [...DEFAULT_RETRY_DELAYS],
      ...(options.urlStorage ? { urlStorage: options.urlStorage } : {}),
      ...(options.httpStack ? { httpStack: options.httpStack } : {}),
      onBeforeRequest: (req) => {
        if (req.getMethod() !== 'POST') req.setHeader(UPLOAD_SECRET_HEADER, this.secret);
        if (req.getMethod() !== 'PATCH') return;
        this.inFlight = new Promise<void>((resolve) => {
          this.endInFlight = resolve;
        });
      },
      onAfterResponse: (req) => {
        if (req.getMethod() === 'PATCH') this.settle();
      },
      onChunkComplete: (_size, accepted) => {
        this.acked = accepted;
        options.onProgress?.(accepted);
      },
      onShouldRetry: (error, attempt) => {
        this.settle();
        const status = error.originalResponse?.getStatus() ?? 0;
        const retry = status === 0 || status >= 500 || [409, 423, 408, 429].includes(status);
        if (retry && !this.stopped) options.onRetry?.(attempt + 1, error);
        return retry && !this.stopped;
      },
      onError: (error) => {
        this.settle();
        if (this.stopped) return;
        const status = (error as tus.DetailedError).originalResponse?.getStatus?.() ?? 0;
        const body = (error as tus.DetailedError).originalResponse?.getBody?.() ?? '';
        this.failure = new DualrecError('UPLOAD_FAILED', {
          detail: `live upload: ${status ? `HTTP ${status}: ${String(body).trim().slice(0, 200)}` : error.message}`,
          cause: error,
          context: { status },
        });
        options.onError?.(this.failure);
      },
    });
  }

  /**
   * Creates the deferred-length upload (or resumes this session's, after a reload) and starts
   * feeding it. Never throws: a refusal ends up in `failed` and `onError`.
   */
  static start(options: LiveUploadOptions): LiveUpload {
    if (!options.endpoint || !options.sessionId || !options.ticket)
      throw new DualrecError('BAD_USAGE', { detail: 'endpoint, sessionId and ticket are required' });
    const live = new LiveUpload(options);
    live.upload
      .findPreviousUploads()
      .then((previous) => {
        const last = previous.find((entry) => entry.uploadUrl && storedUploadSecret(entry));
        if (last) {
          live.secret = storedUploadSecret(last) as string;
          live.upload.resumeFromPreviousUpload(last);
        }
        if (!live.stopped) live.upload.start();
      })
      .catch(() => {
        if (!live.stopped) live.upload.start();
      });
    return live;
  }

  /** Bytes the server has acknowledged. */
  get acknowledged(): number {
    return this.acked;
  }

  /** The highest offset handed to tus (the server holds at most this much). */
  get served(): number {
    return this.feed.served;
  }

  /** The upload's URL once created. */
  get url(): string | null {
    return this.upload.url;
  }

  /** Why it gave up, or null while it runs (or ran) fine. */
  get failed(): DualrecError | null {
    return this.failure;
  }

  /**
   * Stops feeding: lets a PATCH in flight finish (up to `graceMs`), then aborts. The upload stays on
   * the server and its URL in the URL storage, for `uploadBundle()` to complete.
   */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const stopping = new DualrecError('ABORTED', { detail: 'live upload stopped' });
    if (this.inFlight) {
      await Promise.race([this.inFlight, new Promise((r) => setTimeout(r, graceMs))]);
    }
    await this.upload.abort(false);
    this.feed.stop(stopping);
  }

  /** Stops and deletes the upload from the server (tus termination) and from the URL storage. */
  async terminate(): Promise<void> {
    await this.stop(0);
    if (!this.upload.url) return;
    await this.upload.abort(true).catch(() => undefined);
  }

  private settle(): void {
    this.endInFlight?.();
    this.endInFlight = null;
    this.inFlight = null;
  }
}

/** Forgets a session's live upload (e.g. after its start turned out not to match the sealed bundle). */
export async function forgetLiveUpload(
  sessionId: string,
  options: { urlStorage?: tus.UrlStorage; httpStack?: tus.HttpStack; terminate?: boolean } = {},
): Promise<void> {
  const storage = options.urlStorage ?? (tus.defaultOptions.urlStorage as tus.UrlStorage);
  const found = await storage.findUploadsByFingerprint(liveFingerprint(sessionId));
  for (const entry of found) {
    const secret = storedUploadSecret(entry);
    if (options.terminate !== false && entry.uploadUrl && secret) {
      await tus.Upload.terminate(entry.uploadUrl, {
        headers: { [UPLOAD_SECRET_HEADER]: secret },
        ...(options.httpStack ? { httpStack: options.httpStack } : {}),
      }).catch(() => undefined);
    }
    await storage.removeUpload(entry.urlStorageKey);
  }
}

/** The URL of a session's live upload, if one was created on this device. */
export async function findLiveUpload(sessionId: string, urlStorage?: tus.UrlStorage): Promise<string | null> {
  const storage = urlStorage ?? (tus.defaultOptions.urlStorage as tus.UrlStorage);
  const found = await storage.findUploadsByFingerprint(liveFingerprint(sessionId));
  return found.find((f) => f.uploadUrl)?.uploadUrl ?? null;
}
