/**
 * The browser's offline queue: a sealed bundle waits here (IndexedDB, as a Blob: already
 * encrypted, so nothing personal is stored in the clear) until the lender's receipt arrives.
 * After a network loss, a reload or an app restart, `drain()` sends what is left; tus resumes
 * each one from the server's offset, so acknowledged bytes are not sent again.
 */
import { DualrecError } from '@dualrec/evidence';
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Receipt } from './receipt.js';
import { type UploadBundleOptions, uploadBundle } from './upload.js';

export interface QueuedBundle {
  sessionId: string;
  ticket: string;
  endpoint: string;
  sha256: string;
  bundle: Blob;
  addedAt: number;
  attempts: number;
  lastError: string | null;
}

interface QueueDb extends DBSchema {
  bundles: { key: string; value: QueuedBundle };
}

export const DEFAULT_QUEUE_DB = 'dualrec-upload';

export type DrainResult = { sessionId: string } & (
  | { status: 'sent'; receipt: Receipt }
  | { status: 'failed'; error: DualrecError }
);

export class UploadQueue {
  private constructor(private readonly db: IDBPDatabase<QueueDb>) {}

  static async open(options: { name?: string; indexedDB?: IDBFactory } = {}): Promise<UploadQueue> {
    if (!(options.indexedDB ?? globalThis.indexedDB))
      throw new DualrecError('STORAGE_UNAVAILABLE', { detail: 'IndexedDB is not available' });
    const db = await openDB<QueueDb>(options.name ?? DEFAULT_QUEUE_DB, 1, {
      upgrade(database) {
        database.createObjectStore('bundles', { keyPath: 'sessionId' });
      },
    });
    return new UploadQueue(db);
  }

  /** Adds (or replaces) the bundle of a session. */
  async add(job: Omit<QueuedBundle, 'addedAt' | 'attempts' | 'lastError'>): Promise<void> {
    try {
      await this.db.put('bundles', { ...job, addedAt: Date.now(), attempts: 0, lastError: null });
    } catch (cause) {
      const quota = (cause as DOMException)?.name === 'QuotaExceededError';
      throw new DualrecError(quota ? 'STORAGE_QUOTA_EXCEEDED' : 'STORAGE_UNAVAILABLE', {
        detail: `cannot queue the bundle: ${(cause as Error).message}`,
        cause,
      });
    }
  }

  get(sessionId: string): Promise<QueuedBundle | undefined> {
    return this.db.get('bundles', sessionId);
  }

  list(): Promise<QueuedBundle[]> {
    return this.db.getAll('bundles');
  }

  remove(sessionId: string): Promise<void> {
    return this.db.delete('bundles', sessionId);
  }

  /** Sends one queued bundle; removes it once the receipt matches. */
  async send(
    sessionId: string,
    options: Omit<UploadBundleOptions, 'endpoint' | 'source' | 'sessionId' | 'ticket' | 'sha256'> = {},
  ): Promise<Receipt> {
    const job = await this.get(sessionId);
    if (!job) throw new DualrecError('BAD_USAGE', { detail: `no queued bundle for session ${sessionId}` });
    try {
      const receipt = await uploadBundle({
        ...options,
        endpoint: job.endpoint,
        source: job.bundle,
        sessionId: job.sessionId,
        ticket: job.ticket,
        sha256: job.sha256,
      });
      await this.remove(sessionId);
      return receipt;
    } catch (error) {
      await this.db.put('bundles', {
        ...job,
        attempts: job.attempts + 1,
        lastError: String((error as Error).message),
      });
      throw error;
    }
  }

  /** Sends everything queued, one at a time (a phone's uplink is the bottleneck). */
  async drain(
    options: Omit<UploadBundleOptions, 'endpoint' | 'source' | 'sessionId' | 'ticket' | 'sha256'> = {},
  ): Promise<DrainResult[]> {
    const results: DrainResult[] = [];
    for (const job of await this.list()) {
      options.signal?.throwIfAborted();
      try {
        results.push({
          sessionId: job.sessionId,
          status: 'sent',
          receipt: await this.send(job.sessionId, options),
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const failure =
          error instanceof DualrecError
            ? error
            : new DualrecError('UPLOAD_FAILED', { detail: String(error), cause: error });
        results.push({ sessionId: job.sessionId, status: 'failed', error: failure });
      }
    }
    return results;
  }

  close(): void {
    this.db.close();
  }
}
