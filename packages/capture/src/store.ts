/**
 * The IndexedDB store behind crash recovery. Three object stores:
 *
 * - `sessions`: one record per session — ids, ticket, recipients, the device key pair (its private
 *   half a non-extractable CryptoKey, stored as itself), the content key wrapped (AES-KW) by a
 *   non-extractable key-encryption key also stored as a CryptoKey, and the recording parts.
 * - `events`: the event log's canonical lines, keyed [sessionId, seq].
 * - `chunks`: sealed RFC 8188 records of each part, keyed [sessionId, part, index]; the part's
 *   header sits in the session record. Never plaintext.
 *
 * A chunk and its part's updated record count are written in one transaction, so after a crash
 * the count always matches the stored records (which RecordSealer.resume relies on).
 *
 * Why a wrapped content key: a non-extractable CryptoKey cannot be read by script, even by script
 * that reads IndexedDB; the wrapped bytes are useless without it. (A device can still use the key
 * while the page runs — that is the threat model's limit, see docs/security-model.md.)
 */
import type { DeviceKey, PublicJwk } from '@dualrec/evidence';
import { DualrecError } from '@dualrec/evidence/errors';
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

export const DEFAULT_DB_NAME = 'dualrec-capture';
const DB_VERSION = 1;

export type PartStatus = 'recording' | 'finished' | 'interrupted';

export interface StoredPart {
  /** 1-based. */
  index: number;
  /** Bundle entry name, e.g. media/recording-1.webm. */
  name: string;
  mimeType: string;
  /** RFC 8188 header (salt, rs) of this part's sealed stream. */
  header: Uint8Array;
  recordSize: number;
  /** Records stored so far (the next record's sequence number). */
  records: number;
  chunks: number;
  plainBytes: number;
  sealedBytes: number;
  /** Wall-clock ms of the part's start and of its last stored chunk. */
  startedWall: number;
  lastChunkWall: number;
  /** Recording-relative ms of the last stored chunk's end (sum of timeslices seen). */
  recordedMs: number;
  status: PartStatus;
  /**
   * CRC-32 (ZIP) of the part's entry data so far: its header and every stored record. Kept with
   * each chunk so the live upload can send the entry's data descriptor as soon as the part is
   * finished. Absent in parts stored before it existed.
   */
  crc32?: number;
}

export interface BundleMeta {
  sdk: { name: string; version: string };
  device: { [key: string]: string | number | boolean };
  script: { id: string; sha256: string; segments: string[] };
  synthetic?: boolean;
}

export interface StoredSession {
  id: string;
  status: 'open' | 'ended';
  createdWall: number;
  updatedWall: number;
  ticket: string;
  lenderId: string;
  recipients: PublicJwk[];
  deviceKey: DeviceKey;
  /** Non-extractable AES-KW key-encryption key. */
  kek: CryptoKey;
  wrappedContentKey: Uint8Array;
  meta: BundleMeta;
  recordSize: number;
  parts: StoredPart[];
  /**
   * Stills (ID card photos, the best frame) sealed when they were taken: a whole RFC 8188 body
   * each, written into the bundle after the recording parts. Absent in sessions stored before
   * stills existed.
   */
  stills?: StoredStill[];
}

export interface StoredStill {
  name: string;
  role: string;
  mediaType: string;
  /** Header + records, exactly the bytes of the bundle entry. */
  sealed: Uint8Array;
  recordSize: number;
  records: number;
}

export interface StoredChunk {
  sessionId: string;
  part: number;
  index: number;
  /** Sealed RFC 8188 records (no header). */
  sealed: Uint8Array;
  records: number;
}

interface CaptureDb extends DBSchema {
  sessions: { key: string; value: StoredSession };
  events: { key: [string, number]; value: { sessionId: string; seq: number; line: string } };
  chunks: { key: [string, number, number]; value: StoredChunk };
}

export interface StoreOptions {
  /** Database name (default "dualrec-capture"); one per lender app if several share an origin. */
  dbName?: string;
  /** Injectable IDBFactory (tests, or a WebView polyfill). Default globalThis.indexedDB. */
  indexedDB?: IDBFactory;
}

function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** Maps storage failures to STORAGE_QUOTA_EXCEEDED / STORAGE_UNAVAILABLE. */
export function storageError(error: unknown, what: string): DualrecError {
  if (error instanceof DualrecError) return error;
  return new DualrecError(isQuotaError(error) ? 'STORAGE_QUOTA_EXCEEDED' : 'STORAGE_UNAVAILABLE', {
    detail: `${what}: ${(error as Error)?.message ?? String(error)}`,
    cause: error,
  });
}

export class CaptureStore {
  private constructor(private readonly db: IDBPDatabase<CaptureDb>) {}

  static async open(options: StoreOptions = {}): Promise<CaptureStore> {
    const factory = options.indexedDB ?? globalThis.indexedDB;
    if (!factory) throw new DualrecError('STORAGE_UNAVAILABLE', { detail: 'no IndexedDB' });
    // idb's openDB uses the global indexedDB; swap in the injected factory for the open call only.
    const g = globalThis as { indexedDB?: IDBFactory };
    const previous = g.indexedDB;
    try {
      if (factory !== previous) g.indexedDB = factory;
      const db = await openDB<CaptureDb>(options.dbName ?? DEFAULT_DB_NAME, DB_VERSION, {
        upgrade(database) {
          database.createObjectStore('sessions', { keyPath: 'id' });
          database.createObjectStore('events', { keyPath: ['sessionId', 'seq'] });
          database.createObjectStore('chunks', { keyPath: ['sessionId', 'part', 'index'] });
        },
      });
      return new CaptureStore(db);
    } catch (error) {
      throw storageError(error, 'opening the capture database');
    } finally {
      if (factory !== previous) g.indexedDB = previous;
    }
  }

  close(): void {
    this.db.close();
  }

  async putSession(session: StoredSession): Promise<void> {
    try {
      await this.db.put('sessions', session);
    } catch (error) {
      throw storageError(error, 'saving the session');
    }
  }

  getSession(id: string): Promise<StoredSession | undefined> {
    return this.db.get('sessions', id);
  }

  listSessions(): Promise<StoredSession[]> {
    return this.db.getAll('sessions');
  }

  async appendEvent(sessionId: string, seq: number, line: string): Promise<void> {
    try {
      await this.db.put('events', { sessionId, seq, line });
    } catch (error) {
      throw storageError(error, 'saving an event');
    }
  }

  async eventLines(sessionId: string): Promise<string[]> {
    const range = IDBKeyRange.bound([sessionId, 0], [sessionId, Number.MAX_SAFE_INTEGER]);
    return (await this.db.getAll('events', range)).map((row) => row.line);
  }

  /** Stores one sealed chunk and the session record (with the part's new counts) atomically. */
  async putChunk(chunk: StoredChunk, session: StoredSession): Promise<void> {
    try {
      const tx = this.db.transaction(['chunks', 'sessions'], 'readwrite');
      await Promise.all([
        tx.objectStore('chunks').put(chunk),
        tx.objectStore('sessions').put(session),
        tx.done,
      ]);
    } catch (error) {
      throw storageError(error, 'saving a recording chunk');
    }
  }

  /** One stored chunk (the live upload reads the bundle's start from these while recording). */
  getChunk(sessionId: string, part: number, index: number): Promise<StoredChunk | undefined> {
    return this.db.get('chunks', [sessionId, part, index]);
  }

  /** The part's sealed bytes, header first, chunk by chunk (one chunk in memory at a time). */
  async *partBytes(sessionId: string, part: StoredPart): AsyncGenerator<Uint8Array> {
    yield part.header;
    for (let index = 0; index < part.chunks; index++) {
      const chunk = await this.db.get('chunks', [sessionId, part.index, index]);
      if (!chunk) {
        throw new DualrecError('CAPTURE_SESSION_NOT_FOUND', {
          detail: `chunk ${index} of part ${part.index} is missing`,
        });
      }
      yield chunk.sealed;
    }
  }

  /** Every stored byte of a session's chunks (tests search these for plaintext). */
  async allChunkBytes(sessionId: string): Promise<Uint8Array[]> {
    const range = IDBKeyRange.bound(
      [sessionId, 0, 0],
      [sessionId, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    );
    return (await this.db.getAll('chunks', range)).map((c) => c.sealed);
  }

  async deleteSession(sessionId: string): Promise<void> {
    const tx = this.db.transaction(['sessions', 'events', 'chunks'], 'readwrite');
    await Promise.all([
      tx.objectStore('sessions').delete(sessionId),
      tx
        .objectStore('events')
        .delete(IDBKeyRange.bound([sessionId, 0], [sessionId, Number.MAX_SAFE_INTEGER])),
      tx
        .objectStore('chunks')
        .delete(
          IDBKeyRange.bound([sessionId, 0, 0], [sessionId, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]),
        ),
      tx.done,
    ]);
  }
}

/** Wraps the content key with a fresh non-extractable AES-KW key (both stay in IndexedDB). */
export async function wrapForStorage(
  contentKey: Uint8Array,
): Promise<{ kek: CryptoKey; wrapped: Uint8Array }> {
  const subtle = globalThis.crypto.subtle;
  const kek = await subtle.generateKey({ name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey']);
  // AES-KW wraps CryptoKeys, not bytes: carry the 32 bytes as an (extractable, short-lived) HMAC key.
  const carrier = await subtle.importKey(
    'raw',
    new Uint8Array(contentKey),
    { name: 'HMAC', hash: 'SHA-256' },
    true,
    ['sign'],
  );
  const wrapped = new Uint8Array(await subtle.wrapKey('raw', carrier, kek, 'AES-KW'));
  return { kek, wrapped };
}

export async function unwrapFromStorage(kek: CryptoKey, wrapped: Uint8Array): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const carrier = await subtle.unwrapKey(
    'raw',
    new Uint8Array(wrapped),
    kek,
    'AES-KW',
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    true,
    ['sign'],
  );
  return new Uint8Array(await subtle.exportKey('raw', carrier));
}
