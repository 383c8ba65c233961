/**
 * The recorder: RecordRTC with a MIME fallback chain, `timeSlice` chunks (~1 s), each chunk sealed
 * at once (RFC 8188 records with the bundle's content key, the partial record padded) and stored in
 * IndexedDB in the same transaction as the part's record count. Plaintext exists only in memory,
 * one chunk at a time, and is zeroed after sealing.
 *
 * Storage exhaustion is detected before it bites: the quota is checked before the recording starts
 * and before each chunk is stored; when less than `reserveBytes` would remain, recording stops with
 * STORAGE_QUOTA_EXCEEDED and the part is finished cleanly (nothing recorded so far is lost, and no
 * chunk is silently dropped).
 */
import type { EvidenceEvent, JsonValue } from '@dualrec/evidence';
import { crc32 } from '@dualrec/evidence/crc32';
import { DualrecError } from '@dualrec/evidence/errors';
import type { EventClock } from '@dualrec/evidence/event-log';
import { RecordSealer } from '@dualrec/evidence/records';
import RecordRTC from 'recordrtc';
import type { Camera } from './camera.js';
import { type CaptureStore, type StoredPart, type StoredSession, storageError } from './store.js';
import { RECORDING_MIME_TYPES } from './support.js';

export interface StorageEstimator {
  estimate(): Promise<{ quota?: number; usage?: number }>;
}

export interface RecordingOptions {
  /** Chunk length in ms (default 1000). */
  timeSliceMs?: number;
  /** Preferred MIME types, first supported wins (default RECORDING_MIME_TYPES). */
  mimeTypes?: readonly string[];
  /** Target bitrates; browsers treat them as hints. Default 600 kbit/s video, 64 kbit/s audio. */
  videoBitsPerSecond?: number;
  audioBitsPerSecond?: number;
  /** Refuse to start with less free storage than this (default 30 MB). */
  minFreeBytes?: number;
  /** Stop when a chunk would leave less than this free (default 5 MB). */
  reserveBytes?: number;
  /** Called once when the recording fails (camera ended, storage full, recorder error). */
  onError?: (error: DualrecError) => void;
  /**
   * While the page is visible, no chunk for this long means the recorder died silently (seen on
   * some WebViews after an audio route change): stop with RECORDER_FAILED so the flow can restart
   * a part instead of recording nothing. Default max(8000, 8 × timeSlice). In the background a
   * stall is normal and is only logged as a gap.
   */
  stallMs?: number;
}

export interface RecordingSummary {
  part: number;
  name: string;
  mimeType: string;
  durationMs: number;
  chunks: number;
  plainBytes: number;
  sealedBytes: number;
  /** Why it stopped: 'stopped' (stop() called), or the error code that ended it. */
  reason: 'stopped' | DualrecError['code'];
}

/** What Recording needs from its session (kept narrow so the session owns persistence). */
export interface RecordingHost {
  readonly id: string;
  readonly store: CaptureStore;
  readonly clock: EventClock;
  readonly storage: StorageEstimator | undefined;
  record(): StoredSession;
  contentKey(): Uint8Array;
  append(type: string, payload: { [key: string]: JsonValue }): Promise<EvidenceEvent>;
  recordingEnded(recording: Recording): void;
}

export function pickMimeType(candidates: readonly string[] = RECORDING_MIME_TYPES): string {
  const MR = (globalThis as { MediaRecorder?: typeof MediaRecorder }).MediaRecorder;
  if (typeof MR?.isTypeSupported !== 'function') {
    throw new DualrecError('RECORDER_UNSUPPORTED', { detail: 'MediaRecorder is not available' });
  }
  const found = candidates.find((type) => MR.isTypeSupported(type));
  if (!found) {
    throw new DualrecError('RECORDER_UNSUPPORTED', {
      detail: `none of ${candidates.join(', ')} is supported`,
    });
  }
  return found;
}

function extensionOf(mimeType: string): string {
  return mimeType.startsWith('video/mp4') ? 'mp4' : 'webm';
}

/** Loudness over the recording, sampled every 200 ms (dBFS of the RMS; peaks for clipping). */
class AudioLevels {
  private readonly context: AudioContext | null;
  private readonly analyser: AnalyserNode | null;
  private readonly source: MediaStreamAudioSourceNode | null;
  private readonly timer: ReturnType<typeof setInterval> | null;
  private readonly levels: number[] = [];
  private clipped = 0;

  constructor(stream: MediaStream) {
    const AC = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!AC) {
      this.context = this.analyser = this.source = this.timer = null;
      return;
    }
    this.context = new AC();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 2048;
    this.source = this.context.createMediaStreamSource(new MediaStream(stream.getAudioTracks()));
    this.source.connect(this.analyser);
    const samples = new Float32Array(this.analyser.fftSize);
    this.timer = setInterval(() => {
      this.analyser?.getFloatTimeDomainData(samples);
      let sum = 0;
      let peak = 0;
      for (const s of samples) {
        sum += s * s;
        peak = Math.max(peak, Math.abs(s));
      }
      this.levels.push(20 * Math.log10(Math.sqrt(sum / samples.length) + 1e-9));
      if (peak >= 0.99) this.clipped++;
    }, 200);
  }

  async close(): Promise<{ [key: string]: JsonValue }> {
    if (this.timer) clearInterval(this.timer);
    this.source?.disconnect();
    if (this.context && this.context.state !== 'closed') await this.context.close().catch(() => undefined);
    const n = this.levels.length;
    if (n === 0) return { samples: 0 };
    const sorted = [...this.levels].sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      samples: n,
      meanDbfs: round(this.levels.reduce((a, b) => a + b, 0) / n),
      p10Dbfs: round(sorted[Math.floor(n * 0.1)] as number),
      p90Dbfs: round(sorted[Math.floor(n * 0.9)] as number),
      maxDbfs: round(sorted[n - 1] as number),
      silentFraction: round((this.levels.filter((l) => l < -50).length / n) * 100) / 100,
      clippedFraction: round((this.clipped / n) * 100) / 100,
    };
  }

  get isClosed(): boolean {
    return this.context === null || this.context.state === 'closed';
  }
}

/**
 * One recording part (media/recording-N.ext). Created by CaptureSession.startRecording(); stop()
 * finishes the part (final RFC 8188 record stored) and logs its quality facts.
 */
export class Recording {
  readonly part: number;
  readonly name: string;
  /** The recorder's real output type: the chosen candidate until the first chunk says otherwise. */
  mimeType: string;
  readonly timeSliceMs: number;
  /** Set when the recording failed on its own. */
  error: DualrecError | null = null;
  private readonly recorder: RecordRTC;
  private readonly levels: AudioLevels;
  private readonly startMonotonic: number;
  private queue: Promise<void> = Promise.resolve();
  private lastChunkAt: number;
  private gaps = 0;
  private stopping: Promise<RecordingSummary> | null = null;
  private destroyed = false;
  private readonly unsubscribeCamera: () => void;
  private readonly watchdog: ReturnType<typeof setInterval>;

  private constructor(
    private readonly host: RecordingHost,
    private readonly camera: Camera,
    private readonly sealer: RecordSealer,
    private readonly stored: StoredPart,
    private readonly options: RecordingOptions,
    mimeType: string,
  ) {
    this.part = stored.index;
    this.name = stored.name;
    this.mimeType = mimeType;
    this.timeSliceMs = options.timeSliceMs ?? 1000;
    this.recorder = new RecordRTC(camera.stream, {
      type: 'video',
      mimeType: mimeType as 'video/webm',
      timeSlice: this.timeSliceMs,
      videoBitsPerSecond: options.videoBitsPerSecond ?? 600_000,
      audioBitsPerSecond: options.audioBitsPerSecond ?? 64_000,
      disableLogs: true,
      ondataavailable: (blob: Blob) => this.enqueue(blob),
    } as RecordRTC.Options);
    this.levels = new AudioLevels(camera.stream);
    this.startMonotonic = host.clock.monotonic();
    this.lastChunkAt = this.startMonotonic;
    this.unsubscribeCamera = camera.onEnded((error) => this.fail(error));
    const stallMs = options.stallMs ?? Math.max(8000, this.timeSliceMs * 8);
    this.watchdog = setInterval(
      () => {
        const silentFor = this.host.clock.monotonic() - this.lastChunkAt;
        if (silentFor > stallMs && globalThis.document?.visibilityState !== 'hidden') {
          this.fail(
            new DualrecError('RECORDER_FAILED', {
              detail: `no recorder data for ${Math.round(silentFor)} ms`,
              context: { silentForMs: Math.round(silentFor) },
            }),
          );
        }
      },
      Math.min(1000, stallMs / 2),
    );
  }

  static async start(
    host: RecordingHost,
    camera: Camera,
    options: RecordingOptions = {},
  ): Promise<Recording> {
    if (camera.isClosed || camera.ended) {
      throw camera.ended ?? new DualrecError('CAMERA_ENDED', { detail: 'the camera was closed' });
    }
    const mimeType = pickMimeType(options.mimeTypes);
    const freeBytes = await checkQuota(host.storage, options.minFreeBytes ?? 30e6, 0);
    // Whether the browser may evict the chunks under storage pressure is a fact worth logging.
    const persisted = await globalThis.navigator?.storage?.persisted?.().catch(() => false);
    const session = host.record();
    const index = session.parts.length + 1;
    const sealer = await RecordSealer.create(host.contentKey(), { recordSize: session.recordSize });
    // Take the header out now, so every later output is records only.
    const [header] = await sealer.flush();
    const part: StoredPart = {
      index,
      name: `media/recording-${index}.${extensionOf(mimeType)}`,
      mimeType,
      header: header as Uint8Array,
      recordSize: session.recordSize,
      records: 0,
      chunks: 0,
      plainBytes: 0,
      sealedBytes: 0,
      startedWall: host.clock.wall(),
      lastChunkWall: host.clock.wall(),
      recordedMs: 0,
      status: 'recording',
      crc32: crc32(header as Uint8Array),
    };
    session.parts.push(part);
    await host.store.putSession(session);
    const recording = new Recording(host, camera, sealer, part, options, mimeType);
    recording.recorder.startRecording();
    await host.append('capture.recording.started', {
      part: index,
      name: part.name,
      mimeType,
      timeSliceMs: recording.timeSliceMs,
      recordSize: part.recordSize,
      storage: { freeBytes, persisted: persisted === true },
      ...(camera.facts() as { [key: string]: JsonValue }),
    });
    return recording;
  }

  /** Milliseconds since this part started (the time base of segment markers). */
  elapsedMs(): number {
    return Math.round(this.host.clock.monotonic() - this.startMonotonic);
  }

  /** A marker event with the recording-relative time `at` (ms into this part's media file). */
  marker(type: string, payload: { [key: string]: JsonValue } = {}): Promise<EvidenceEvent> {
    return this.host.append(type, { ...payload, part: this.part, at: this.elapsedMs() });
  }

  segmentStart(segmentId: string, payload: { [key: string]: JsonValue } = {}): Promise<EvidenceEvent> {
    return this.marker('capture.segment.start', { ...payload, segmentId });
  }

  segmentEnd(segmentId: string, payload: { [key: string]: JsonValue } = {}): Promise<EvidenceEvent> {
    return this.marker('capture.segment.end', { ...payload, segmentId });
  }

  get isActive(): boolean {
    return this.stopping === null;
  }

  /** RecordRTC's state ('destroyed' after stop) — for leak checks. */
  get recorderState(): string {
    // RecordRTC's getState() throws once destroyed.
    return this.destroyed ? 'destroyed' : this.recorder.getState();
  }

  /** Same as stop(), for code that closes every async resource the same way. */
  async close(): Promise<void> {
    await this.stop().catch(() => undefined);
  }

  /** Stops recording, stores the final record, logs stop + quality facts. Idempotent. */
  stop(): Promise<RecordingSummary> {
    this.stopping ??= this.stopNow('stopped');
    return this.stopping;
  }

  private fail(error: DualrecError): void {
    if (this.error || this.stopping) return;
    this.error = error;
    this.stopping = this.stopNow(error.code);
    this.options.onError?.(error);
  }

  private enqueue(blob: Blob): void {
    const arrivedAt = this.host.clock.monotonic();
    const interval = arrivedAt - this.lastChunkAt;
    this.lastChunkAt = arrivedAt;
    this.queue = this.queue.then(async () => {
      if (this.error && this.error.code !== 'CAMERA_ENDED') return;
      try {
        if (interval > this.timeSliceMs * 2.5) {
          this.gaps++;
          await this.host.append('capture.recording.gap', {
            part: this.part,
            at: Math.round(arrivedAt - this.startMonotonic - interval),
            ms: Math.round(interval),
          });
        }
        await this.storeChunk(blob, Math.round(arrivedAt - this.startMonotonic));
      } catch (error) {
        const failure =
          error instanceof DualrecError ? error : storageError(error, 'sealing or storing a chunk');
        this.fail(failure);
      }
    });
  }

  private async storeChunk(blob: Blob, recordedMs: number): Promise<void> {
    if (blob.size === 0) return;
    await checkQuota(this.host.storage, this.options.reserveBytes ?? 5e6, blob.size * 2);
    // Label with what the recorder really produced (Safari may add codecs to a plain video/mp4).
    if (this.stored.chunks === 0 && blob.type && blob.type !== this.mimeType) {
      this.mimeType = blob.type;
      await this.host.append('capture.recording.format', { part: this.part, mimeType: blob.type });
    }
    const plain = new Uint8Array(await blob.arrayBuffer());
    const before = this.sealer.recordCount;
    const sealed = concat([...(await this.sealer.push(plain)), ...(await this.sealer.flush())]);
    plain.fill(0);
    await this.persist(sealed, this.sealer.recordCount - before, plain.length, recordedMs);
  }

  private async persist(
    sealed: Uint8Array,
    records: number,
    plainBytes: number,
    recordedMs: number,
  ): Promise<void> {
    const session = this.host.record();
    const part = session.parts[this.part - 1] as StoredPart;
    const next: StoredPart = {
      ...part,
      records: part.records + records,
      chunks: part.chunks + 1,
      plainBytes: part.plainBytes + plainBytes,
      sealedBytes: part.sealedBytes + sealed.length,
      mimeType: this.mimeType,
      lastChunkWall: this.host.clock.wall(),
      recordedMs: Math.max(part.recordedMs, recordedMs),
      ...(part.crc32 === undefined ? {} : { crc32: crc32(sealed, part.crc32) }),
    };
    const updated: StoredSession = {
      ...session,
      updatedWall: this.host.clock.wall(),
      parts: session.parts.map((p) => (p.index === this.part ? next : p)),
    };
    await this.host.store.putChunk(
      { sessionId: this.host.id, part: this.part, index: part.chunks, sealed, records },
      updated,
    );
    // Only after the transaction committed does memory move on (memory never ahead of storage).
    session.parts[this.part - 1] = next;
    session.updatedWall = updated.updatedWall;
    Object.assign(this.stored, next);
  }

  private async stopNow(reason: RecordingSummary['reason']): Promise<RecordingSummary> {
    this.unsubscribeCamera();
    clearInterval(this.watchdog);
    await new Promise<void>((resolve) => {
      try {
        if (this.recorder.getState() === 'recording' || this.recorder.getState() === 'paused') {
          this.recorder.stopRecording(() => resolve());
        } else resolve();
      } catch {
        resolve();
      }
    });
    // The last dataavailable can arrive just after the stop callback.
    await new Promise((r) => setTimeout(r, 50));
    await this.queue;
    this.recorder.destroy();
    this.destroyed = true;
    const audioLevel = await this.levels.close();
    const durationMs = this.elapsedMs();
    let finalError: DualrecError | null = null;
    try {
      const final = concat(await this.sealer.finish());
      await this.persist(final, 1, 0, this.stored.recordedMs);
      const session = this.host.record();
      const part = session.parts[this.part - 1] as StoredPart;
      part.status = reason === 'stopped' ? 'finished' : 'interrupted';
      await this.host.store.putSession(session);
    } catch (error) {
      finalError = storageError(error, 'finishing the recording');
    }
    const summary: RecordingSummary = {
      part: this.part,
      name: this.name,
      mimeType: this.mimeType,
      durationMs,
      chunks: this.stored.chunks,
      plainBytes: this.stored.plainBytes,
      sealedBytes: this.stored.sealedBytes,
      reason,
    };
    try {
      await this.host.append('capture.recording.stopped', { ...summary });
      await this.host.append('capture.recording.stats', {
        part: this.part,
        durationMs,
        bitrateKbps: durationMs > 0 ? Math.round((this.stored.plainBytes * 8) / durationMs) : 0,
        sealedOverhead:
          this.stored.plainBytes > 0
            ? Math.round((this.stored.sealedBytes / this.stored.plainBytes - 1) * 1000) / 1000
            : 0,
        gaps: this.gaps,
        ...(this.camera.facts() as { [key: string]: JsonValue }),
        audioLevel,
      });
    } finally {
      this.host.recordingEnded(this);
    }
    if (finalError) throw finalError;
    return summary;
  }

  /** For leak checks: recorder destroyed and audio analysis closed. */
  get released(): boolean {
    return this.destroyed && this.levels.isClosed;
  }
}

/** Throws STORAGE_QUOTA_EXCEEDED when too little would remain; returns the free bytes (null: unknown). */
async function checkQuota(
  storage: StorageEstimator | undefined,
  keepFree: number,
  needed: number,
): Promise<number | null> {
  if (!storage) return null;
  let estimate: { quota?: number; usage?: number };
  try {
    estimate = await storage.estimate();
  } catch {
    return null; // No estimate: the store's own QuotaExceededError still maps to the same code.
  }
  if (typeof estimate.quota !== 'number') return null;
  const free = estimate.quota - (estimate.usage ?? 0);
  if (free - needed < keepFree) {
    throw new DualrecError('STORAGE_QUOTA_EXCEEDED', {
      detail: `${Math.max(0, Math.round(free))} bytes free, need ${Math.round(needed + keepFree)}`,
      context: { free, needed, keepFree },
    });
  }
  return free;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
