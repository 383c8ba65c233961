/**
 * Writes an evidence bundle as a stream: media entries are sealed and written as their bytes
 * arrive (memory stays at a few records plus one 4 MiB hash block, whatever the recording's size),
 * then events.jsonl, manifest.json and manifest.jws.
 */
import { canonicalBytes, type JsonValue } from './canonical-json.js';
import { DualrecError } from './errors.js';
import { type EvidenceLog, SESSION_END } from './event-log.js';
import type { DeviceKey, PublicJwk } from './keys.js';
import { toPublicJwk } from './keys.js';
import { wrapContentKey } from './keywrap.js';
import {
  BUNDLE_FORMAT,
  CONTENT_ENCODING,
  checkManifestShape,
  EVENTS_FILE,
  MANIFEST_FILE,
  type Manifest,
  type ManifestFile,
  MEDIA_NAME_PATTERN,
  ROLE_PATTERN,
  SIGNATURE_FILE,
  type StepSummary,
} from './manifest.js';
import { DEFAULT_RECORD_SIZE, parseRecordHeader, RecordSealer, recordCountForSize } from './records.js';
import { signManifest } from './signature.js';
import type { ByteSink, ByteSource } from './streams.js';
import { ZipWriter } from './zip-writer.js';

export interface BundleWriterOptions {
  sink: ByteSink;
  sessionId: string;
  lenderId: string;
  /** The lender's session ticket (JWT) whose cnf.jkt is the device key's thumbprint. */
  ticket: string;
  deviceKey: DeviceKey;
  /** The bundle content key (RFC 8188 IKM); the same one the event log seals personal fields with. */
  contentKey: Uint8Array;
  /** Lender encryption public keys the content key is wrapped to. */
  recipients: readonly PublicJwk[];
  sdk: { name: string; version: string };
  device: { [key: string]: string | number | boolean };
  script: { id: string; sha256: string; segments: string[] };
  recordSize?: number;
  /** Mark generated samples so no verifier mistakes them for a real session. */
  synthetic?: boolean;
}

export interface MediaInfo {
  /** Entry name, `media/...` (lowercase ASCII). */
  name: string;
  /** What the file is, e.g. "recording", "still". */
  role: string;
  /** MIME type of the plaintext, as the recorder reported it. */
  mediaType: string;
}

export class BundleWriter {
  private readonly zip: ZipWriter;
  private readonly files: ManifestFile[] = [];
  private finished = false;
  /** Set when a write failed part-way: the ZIP may hold a partial entry, so nothing more is written. */
  private broken: Error | null = null;

  private constructor(private readonly options: BundleWriterOptions) {
    this.zip = new ZipWriter(options.sink);
  }

  static create(options: BundleWriterOptions): BundleWriter {
    if (options.contentKey?.length !== 32)
      throw new DualrecError('BAD_USAGE', { detail: 'contentKey must be 32 bytes' });
    if (!options.recipients?.length)
      throw new DualrecError('BAD_USAGE', { detail: 'at least one recipient is required' });
    return new BundleWriter(options);
  }

  /** Seals plaintext media as it streams in and writes it as one entry. */
  addMedia(info: MediaInfo, plaintext: ByteSource): Promise<ManifestFile> {
    return this.guard(() => this.addMediaNow(info, plaintext));
  }

  private async addMediaNow(info: MediaInfo, plaintext: ByteSource): Promise<ManifestFile> {
    this.checkInfo(info);
    const recordSize = this.options.recordSize ?? DEFAULT_RECORD_SIZE;
    const sealer = await RecordSealer.create(this.options.contentKey, { recordSize });
    async function* sealed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of plaintext) yield* await sealer.push(chunk);
      yield* await sealer.finish();
    }
    const written = await this.zip.addEntry(info.name, sealed());
    return this.record(info, written, {
      contentEncoding: CONTENT_ENCODING,
      recordSize,
      records: sealer.recordCount,
    });
  }

  /**
   * Writes media that was sealed earlier (chunk by chunk during recording, with this bundle's
   * content key and a RecordSealer). The record count is derived from the size.
   */
  addSealedMedia(info: MediaInfo, sealed: ByteSource): Promise<ManifestFile> {
    return this.guard(() => this.addSealedMediaNow(info, sealed));
  }

  private async addSealedMediaNow(info: MediaInfo, sealed: ByteSource): Promise<ManifestFile> {
    this.checkInfo(info);
    let headerBytes: Uint8Array | null = new Uint8Array(0);
    let header: ReturnType<typeof parseRecordHeader> = null;
    async function* watch(): AsyncGenerator<Uint8Array> {
      for await (const chunk of sealed) {
        if (headerBytes !== null) {
          const joined = new Uint8Array(headerBytes.length + chunk.length);
          joined.set(headerBytes);
          joined.set(chunk, headerBytes.length);
          header = parseRecordHeader(joined);
          headerBytes = header ? null : joined.slice(0, 300);
        }
        yield chunk;
      }
    }
    const written = await this.zip.addEntry(info.name, watch());
    const parsed = header as ReturnType<typeof parseRecordHeader>;
    const records = parsed ? recordCountForSize(written.size, parsed.length, parsed.recordSize) : null;
    if (!parsed || records === null) {
      throw new DualrecError('BAD_USAGE', { detail: `${info.name} is not an RFC 8188 aes128gcm body` });
    }
    return this.record(info, written, {
      contentEncoding: CONTENT_ENCODING,
      recordSize: parsed.recordSize,
      records,
    });
  }

  /** Writes events.jsonl and the signed manifest, then the ZIP directory. The log must be ended. */
  finish(log: EvidenceLog, steps: StepSummary[] = []): Promise<{ manifest: Manifest; size: number }> {
    return this.guard(() => this.finishNow(log, steps));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    if (this.broken) {
      throw new DualrecError('BAD_USAGE', {
        detail: 'an earlier write failed; start a new bundle',
        cause: this.broken,
      });
    }
    try {
      return await work();
    } catch (error) {
      this.broken = error as Error;
      throw error;
    }
  }

  private async finishNow(
    log: EvidenceLog,
    steps: StepSummary[],
  ): Promise<{ manifest: Manifest; size: number }> {
    if (this.finished) throw new DualrecError('BAD_USAGE', { detail: 'BundleWriter.finish called twice' });
    this.finished = true;
    const events = await log.events();
    const first = events[0];
    const last = events[events.length - 1];
    if (!first || !last || last.type !== SESSION_END) {
      throw new DualrecError('EVIDENCE_LOG_INVALID', {
        detail: `the log must end with ${SESSION_END} before sealing`,
      });
    }
    if (log.sessionId !== this.options.sessionId) {
      throw new DualrecError('BAD_USAGE', { detail: 'the log belongs to another session' });
    }
    const eventBytes = await log.toBytes();
    const eventsWritten = await this.zip.addEntry(EVENTS_FILE, [eventBytes]);
    this.files.push({
      name: EVENTS_FILE,
      role: 'events',
      mediaType: 'application/jsonl',
      size: eventsWritten.size,
      contentHash: eventsWritten.contentHash,
      crc32: eventsWritten.crc32,
      encryption: null,
    });
    const o = this.options;
    const manifest: Manifest = {
      format: BUNDLE_FORMAT,
      sessionId: o.sessionId,
      lenderId: o.lenderId,
      ticket: o.ticket,
      deviceKey: toPublicJwk(o.deviceKey.publicJwk),
      sdk: o.sdk,
      device: o.device,
      script: o.script,
      startedAt: first.wall,
      endedAt: last.wall,
      encryption: {
        contentEncoding: CONTENT_ENCODING,
        contentKey: await wrapContentKey(o.contentKey, o.recipients),
      },
      files: this.files,
      events: { count: events.length, lastHash: await log.lastHash() },
      steps,
      synthetic: o.synthetic ?? false,
    };
    const problems = checkManifestShape(JSON.parse(JSON.stringify(manifest)) as JsonValue);
    if (problems.length)
      throw new DualrecError('BAD_USAGE', { detail: `manifest would be invalid: ${problems.join('; ')}` });
    const manifestBytes = canonicalBytes(manifest);
    await this.zip.addEntry(MANIFEST_FILE, [manifestBytes]);
    const jws = await signManifest(manifestBytes, o.deviceKey.privateKey, o.deviceKey.publicJwk);
    await this.zip.addEntry(SIGNATURE_FILE, [new TextEncoder().encode(jws)]);
    const { size } = await this.zip.finish();
    return { manifest, size };
  }

  private checkInfo(info: MediaInfo): void {
    if (this.finished) throw new DualrecError('BAD_USAGE', { detail: 'bundle already finished' });
    if (!MEDIA_NAME_PATTERN.test(info.name)) {
      throw new DualrecError('BAD_USAGE', {
        detail: `media name ${info.name} must match ${MEDIA_NAME_PATTERN}`,
      });
    }
    if (!ROLE_PATTERN.test(info.role))
      throw new DualrecError('BAD_USAGE', { detail: `role ${info.role} is not allowed` });
    if (this.files.some((f) => f.name === info.name))
      throw new DualrecError('BAD_USAGE', { detail: `${info.name} added twice` });
  }

  private record(
    info: MediaInfo,
    written: { size: number; crc32: number; contentHash: string },
    encryption: ManifestFile['encryption'],
  ): ManifestFile {
    const file: ManifestFile = {
      name: info.name,
      role: info.role,
      mediaType: info.mediaType,
      size: written.size,
      contentHash: written.contentHash,
      crc32: written.crc32,
      encryption,
    };
    this.files.push(file);
    return file;
  }
}
