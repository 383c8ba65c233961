/**
 * A persisted capture session: everything needed to finish a bundle survives a reload — the
 * ticket, recipients, device key (non-extractable CryptoKey), the content key (wrapped by a
 * non-extractable AES-KW key), every event line and every sealed chunk.
 *
 *   const session = await CaptureSession.create({...});          // persisted at once
 *   await session.append('session.start', {...});                 // each line persisted
 *   const camera = await openCamera({ events: session.log });
 *   const rec = await session.startRecording(camera);
 *   await rec.segmentStart('risk'); … await rec.segmentEnd('risk');
 *   await rec.stop();  camera.close();
 *   await session.end({ status: 'completed' });
 *   const { blob } = await session.bundleBlob();                   // upload, then session.discard()
 *
 * After a reload: `recoverSessions()` → `continue()` or `sealAsInterrupted()`.
 */
import type {
  ByteSink,
  ByteSource,
  DeviceKey,
  EvidenceEvent,
  JsonValue,
  Manifest,
  ManifestFile,
  PublicJwk,
  StepSummary,
} from '@dualrec/evidence';
import { BundleWriter, type MediaInfo } from '@dualrec/evidence/bundle-writer';
import { crc32 } from '@dualrec/evidence/crc32';
import { contentHash } from '@dualrec/evidence/digest';
import { DualrecError } from '@dualrec/evidence/errors';
import { type EventClock, EvidenceLog, SESSION_END, systemClock } from '@dualrec/evidence/event-log';
import { generateContentKey } from '@dualrec/evidence/keywrap';
import { RecordSealer } from '@dualrec/evidence/records';

import type { Camera } from './camera.js';
import { BundlePrefix } from './live-prefix.js';
import { Recording, type RecordingHost, type RecordingOptions, type StorageEstimator } from './recorder.js';
import {
  type BundleMeta,
  CaptureStore,
  type StoredPart,
  type StoredSession,
  type StoredStill,
  type StoreOptions,
  unwrapFromStorage,
  wrapForStorage,
} from './store.js';

/** 16 KiB records: each ~1 s chunk ends in a padded record, so smaller records waste less. */
export const RECORDING_RECORD_SIZE = 16384;
/** Stills are sealed whole, once: the default record size wastes nothing on padding. */
const STILL_RECORD_SIZE = 65536;

export interface SessionEnvironment extends StoreOptions {
  /** An open store to share (otherwise the session opens and owns one). */
  store?: CaptureStore;
  clock?: EventClock;
  /** Storage quota seam (default navigator.storage). */
  storage?: StorageEstimator | null;
}

export interface CreateSessionOptions extends SessionEnvironment {
  sessionId: string;
  /** The lender's session ticket (JWT) whose cnf.jkt is `deviceKey.thumbprint`. */
  ticket: string;
  lenderId: string;
  recipients: readonly PublicJwk[];
  /** From generateDeviceKey() (non-extractable); its thumbprint went to the lender for the ticket. */
  deviceKey: DeviceKey;
  /** What the manifest says about the SDK, device and script. */
  meta: BundleMeta;
  /** RFC 8188 record size for recordings (default RECORDING_RECORD_SIZE). */
  recordSize?: number;
  /** Ask for persistent storage (navigator.storage.persist) so chunks are not evicted. Default true. */
  persistStorage?: boolean;
}

/** Name of the Web Lock a page holds while it has a session open (recovery leaves such sessions alone). */
export function sessionLockName(sessionId: string): string {
  return `dualrec-capture:${sessionId}`;
}

/** Holds the session's Web Lock until the returned function is called (no-op without navigator.locks). */
function holdLock(sessionId: string): () => void {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks?.request) return () => undefined;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  locks.request(sessionLockName(sessionId), () => held).catch(() => undefined);
  return release;
}

function defaultStorage(): StorageEstimator | undefined {
  const s = globalThis.navigator?.storage;
  return s?.estimate ? { estimate: () => s.estimate() } : undefined;
}

export class CaptureSession {
  readonly id: string;
  readonly log: EvidenceLog;
  private readonly record: StoredSession;
  private recording: Recording | null = null;
  private closed = false;
  private readonly releaseLock: () => void;

  private constructor(
    readonly store: CaptureStore,
    private readonly ownsStore: boolean,
    record: StoredSession,
    private readonly key: Uint8Array,
    log: EvidenceLog,
    private readonly clock: EventClock,
    private readonly storage: StorageEstimator | undefined,
  ) {
    this.id = record.id;
    this.record = record;
    this.log = log;
    this.releaseLock = holdLock(record.id);
  }

  /** Creates and persists a new session (nothing is logged yet: append session.start next). */
  static async create(options: CreateSessionOptions): Promise<CaptureSession> {
    if (!options.sessionId || !options.ticket || !options.lenderId || !options.recipients?.length) {
      throw new DualrecError('BAD_USAGE', {
        detail: 'sessionId, ticket, lenderId and recipients are required',
      });
    }
    const ownsStore = !options.store;
    const store = options.store ?? (await CaptureStore.open(options));
    try {
      if (await store.getSession(options.sessionId)) {
        throw new DualrecError('BAD_USAGE', { detail: `session ${options.sessionId} already exists` });
      }
      const clock = options.clock ?? systemClock;
      const contentKey = generateContentKey();
      const { kek, wrapped } = await wrapForStorage(contentKey);
      const record: StoredSession = {
        id: options.sessionId,
        status: 'open',
        createdWall: clock.wall(),
        updatedWall: clock.wall(),
        ticket: options.ticket,
        lenderId: options.lenderId,
        recipients: [...options.recipients],
        deviceKey: options.deviceKey,
        kek,
        wrappedContentKey: wrapped,
        meta: options.meta,
        recordSize: options.recordSize ?? RECORDING_RECORD_SIZE,
        parts: [],
      };
      await store.putSession(record);
      if (options.persistStorage !== false) {
        // Best effort (silent in Chromium, granted by engagement): otherwise the browser may
        // evict the chunks when the phone runs low on space.
        await globalThis.navigator?.storage?.persist?.().catch(() => false);
      }
      const log = new EvidenceLog({
        sessionId: record.id,
        contentKey,
        clock,
        onLine: (line, event) => store.appendEvent(record.id, event.seq, line),
      });
      const storage = options.storage === null ? undefined : (options.storage ?? defaultStorage());
      return new CaptureSession(store, ownsStore, record, contentKey, log, clock, storage);
    } catch (error) {
      if (ownsStore) store.close();
      throw error;
    }
  }

  /** @internal Rebuilds a session from storage (used by recovery). */
  static async restore(
    record: StoredSession,
    store: CaptureStore,
    ownsStore: boolean,
    env: SessionEnvironment,
  ): Promise<CaptureSession> {
    const clock = env.clock ?? systemClock;
    const contentKey = await unwrapFromStorage(record.kek, record.wrappedContentKey);
    const lines = await store.eventLines(record.id);
    const log = await EvidenceLog.restore(lines, {
      sessionId: record.id,
      contentKey,
      clock,
      onLine: (line, event) => store.appendEvent(record.id, event.seq, line),
    });
    const storage = env.storage === null ? undefined : (env.storage ?? defaultStorage());
    return new CaptureSession(store, ownsStore, record, contentKey, log, clock, storage);
  }

  /** The lender's ticket this session was started with (it is in the manifest too). */
  get ticket(): string {
    return this.record.ticket;
  }

  get status(): 'open' | 'ended' {
    return this.record.status;
  }

  /** The recording parts so far (media/recording-N.*), as stored. */
  get parts(): readonly Readonly<StoredPart>[] {
    return this.record.parts;
  }

  get activeRecording(): Recording | null {
    return this.recording;
  }

  /** Appends (and persists) an event; personal fields go in `sealed`. */
  append(
    type: string,
    payload: { [key: string]: JsonValue } = {},
    options: { sealed?: { [key: string]: JsonValue } } = {},
  ): Promise<EvidenceEvent> {
    return this.log.append(type, payload, options);
  }

  /**
   * Seals a still (an ID card photo, the best frame) at once and stores only the sealed bytes, so
   * it survives a reload like the recording does and plaintext never reaches storage. The entry
   * goes into the bundle after the recording parts. Same shape as BundleWriter.addMedia, so the
   * session can be passed as the `writer` of recordCardCapture / recordBestFrame; the returned
   * entry is exactly what the manifest will list (stored ZIP entries are the sealed bytes as is).
   */
  async addMedia(info: MediaInfo, plaintext: ByteSource): Promise<ManifestFile> {
    this.checkOpen();
    const stills = this.record.stills ?? [];
    if (this.record.parts.some((p) => p.name === info.name) || stills.some((s) => s.name === info.name)) {
      throw new DualrecError('BAD_USAGE', { detail: `${info.name} is already in this session` });
    }
    if (!/^media\/[a-z0-9][a-z0-9._-]*$/.test(info.name)) {
      throw new DualrecError('BAD_USAGE', { detail: `${info.name} is not a media/... entry name` });
    }
    const sealer = await RecordSealer.create(this.key, { recordSize: STILL_RECORD_SIZE });
    const pieces: Uint8Array[] = [];
    for await (const chunk of plaintext) pieces.push(...(await sealer.push(chunk)));
    pieces.push(...(await sealer.finish()));
    const sealed = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const piece of pieces) {
      sealed.set(piece, offset);
      offset += piece.length;
    }
    const still: StoredStill = {
      name: info.name,
      role: info.role,
      mediaType: info.mediaType,
      sealed,
      recordSize: STILL_RECORD_SIZE,
      records: sealer.recordCount,
    };
    this.record.stills = [...stills, still];
    this.record.updatedWall = this.clock.wall();
    try {
      await this.store.putSession(this.record);
    } catch (error) {
      this.record.stills = stills;
      throw error;
    }
    return {
      name: info.name,
      role: info.role,
      mediaType: info.mediaType,
      size: sealed.length,
      contentHash: await contentHash(sealed),
      crc32: crc32(sealed),
      encryption: {
        contentEncoding: 'aes128gcm',
        recordSize: STILL_RECORD_SIZE,
        records: sealer.recordCount,
      },
    };
  }

  /** The stills sealed so far (names, roles and sizes; the bytes stay sealed). */
  get stills(): readonly Readonly<Omit<StoredStill, 'sealed'> & { size: number }>[] {
    return (this.record.stills ?? []).map(({ sealed, ...rest }) => ({ ...rest, size: sealed.length }));
  }

  /** Starts a new recording part from an open camera. One recording at a time. */
  async startRecording(camera: Camera, options: RecordingOptions = {}): Promise<Recording> {
    this.checkOpen();
    if (this.recording) throw new DualrecError('BAD_USAGE', { detail: 'a recording is already running' });
    if (this.log.count === 0) {
      throw new DualrecError('BAD_USAGE', { detail: 'append session.start before recording' });
    }
    const host: RecordingHost = {
      id: this.id,
      store: this.store,
      clock: this.clock,
      storage: this.storage,
      record: () => this.record,
      contentKey: () => this.key,
      append: (type, payload) => this.log.append(type, payload),
      recordingEnded: (r) => {
        if (this.recording === r) this.recording = null;
      },
    };
    this.recording = await Recording.start(host, camera, options);
    return this.recording;
  }

  /** Appends session.end (stopping a running recording first) and marks the session ended. */
  async end(payload: { [key: string]: JsonValue } = {}): Promise<EvidenceEvent> {
    this.checkOpen();
    if (this.recording) await this.recording.stop().catch(() => undefined);
    const event = await this.log.append(SESSION_END, payload);
    this.record.status = 'ended';
    this.record.updatedWall = this.clock.wall();
    await this.store.putSession(this.record);
    return event;
  }

  /**
   * Writes the evidence bundle (ZIP) to `sink`: each recording part as its own media entry (role
   * "recording"), sealed bytes streamed from IndexedDB one chunk at a time, then events.jsonl and
   * the signed manifest. The session must have ended. `extraMedia` adds other sealed media.
   */
  async writeBundle(
    sink: ByteSink,
    options: { steps?: StepSummary[]; addMedia?: (writer: BundleWriter) => Promise<void> } = {},
  ): Promise<{ manifest: Manifest; size: number }> {
    if (!this.log.isEnded) {
      throw new DualrecError('BAD_USAGE', {
        detail: 'end the session (session.end) before building the bundle',
      });
    }
    const r = this.record;
    const writer = BundleWriter.create({
      sink,
      sessionId: r.id,
      lenderId: r.lenderId,
      ticket: r.ticket,
      deviceKey: r.deviceKey,
      contentKey: this.key,
      recipients: r.recipients,
      sdk: r.meta.sdk,
      device: r.meta.device,
      script: r.meta.script,
      ...(r.meta.synthetic === undefined ? {} : { synthetic: r.meta.synthetic }),
    });
    for (const part of r.parts) {
      if (part.status === 'recording') {
        throw new DualrecError('BAD_USAGE', { detail: `part ${part.index} is still recording` });
      }
      await writer.addSealedMedia(
        { name: part.name, role: 'recording', mediaType: part.mimeType },
        this.store.partBytes(r.id, part),
      );
    }
    for (const still of r.stills ?? []) {
      await writer.addSealedMedia({ name: still.name, role: still.role, mediaType: still.mediaType }, [
        still.sealed,
      ]);
    }
    if (options.addMedia) await options.addMedia(writer);
    return writer.finish(this.log, options.steps ?? []);
  }

  /** The bundle as a Blob (for tus upload); parts stay in Blob storage, not the JS heap. */
  async bundleBlob(
    options: Parameters<CaptureSession['writeBundle']>[1] = {},
  ): Promise<{ blob: Blob; manifest: Manifest; size: number }> {
    const parts: BlobPart[] = [];
    const sink: ByteSink = {
      write: (chunk) => {
        parts.push(new Blob([new Uint8Array(chunk)]));
      },
    };
    const { manifest, size } = await this.writeBundle(sink, options);
    return { blob: new Blob(parts, { type: 'application/zip' }), manifest, size };
  }

  /**
   * The start of this session's bundle that is already fixed while the recording goes on (the
   * recording parts' headers and stored records): what a live upload can send before the seal.
   */
  bundlePrefix(): BundlePrefix {
    return new BundlePrefix(this.store, this.id, () => this.record.parts);
  }

  /** Decrypts one part in memory (tests, local preview). Never store the result. */
  async *openPart(index: number): AsyncGenerator<Uint8Array> {
    const { openRecords } = await import('@dualrec/evidence/records');
    const part = this.record.parts.find((p) => p.index === index);
    if (!part) throw new DualrecError('BAD_USAGE', { detail: `no part ${index}` });
    yield* openRecords(this.key, this.store.partBytes(this.id, part));
  }

  /** Deletes every stored byte of this session (after the server confirmed the upload). */
  async discard(): Promise<void> {
    if (this.recording) await this.recording.stop().catch(() => undefined);
    await this.store.deleteSession(this.id);
    this.close();
  }

  /** Stops a running recording (its part stays stored) and closes the store if this session owns it. */
  async closeAsync(): Promise<void> {
    if (this.recording) await this.recording.stop().catch(() => undefined);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.releaseLock();
    if (this.ownsStore) this.store.close();
  }

  /** @internal Finishes parts a crash left open: a final record after the last stored one. */
  async finishInterruptedParts(): Promise<StoredPart[]> {
    const finished: StoredPart[] = [];
    for (const part of this.record.parts) {
      if (part.status !== 'recording') continue;
      const sealer = await RecordSealer.resume(this.key, part.header, part.records);
      const final = (await sealer.finish())[0] as Uint8Array;
      const next: StoredPart = {
        ...part,
        records: part.records + 1,
        chunks: part.chunks + 1,
        sealedBytes: part.sealedBytes + final.length,
        status: 'interrupted',
        ...(part.crc32 === undefined ? {} : { crc32: crc32(final, part.crc32) }),
      };
      const updated = {
        ...this.record,
        parts: this.record.parts.map((p) => (p.index === part.index ? next : p)),
      };
      await this.store.putChunk(
        { sessionId: this.id, part: part.index, index: part.chunks, sealed: final, records: 1 },
        updated,
      );
      this.record.parts[part.index - 1] = next;
      finished.push(next);
    }
    return finished;
  }

  private checkOpen(): void {
    if (this.closed) throw new DualrecError('BAD_USAGE', { detail: 'the session is closed' });
    if (this.log.isEnded) throw new DualrecError('BAD_USAGE', { detail: 'the session has ended' });
  }
}
