/**
 * Streaming ZIP writer for the bundle's fixed ZIP profile (docs/bundle-format.md §2), on fflate's
 * `Zip` + `ZipPassThrough`: every entry stored (no compression: media is already compressed and
 * encrypted, and stored entries cannot be zip bombs), sizes in data descriptors so nothing is
 * buffered, and every header field fixed so that the reader can reject any byte that differs.
 */
import { Zip, ZipPassThrough } from 'fflate';
import { ContentHasher } from './digest.js';
import { DualrecError } from './errors.js';
import type { ByteSink, ByteSource } from './streams.js';

/** DOS date/time 1980-01-01 00:00:00, in local time as fflate reads it: no wall clock in the bytes. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
/** ZIP without ZIP64 cannot describe more. */
export const MAX_ZIP_SIZE = 0xffffffff;

export interface WrittenEntry {
  name: string;
  size: number;
  crc32: number;
  contentHash: string;
}

export class ZipWriter {
  private readonly zip: Zip;
  private pending: Uint8Array[] = [];
  private failure: Error | null = null;
  private offset = 0;
  private busy = false;
  private closed = false;
  private readonly names = new Set<string>();

  constructor(private readonly sink: ByteSink) {
    this.zip = new Zip((error, data) => {
      if (error) this.failure = error;
      else this.pending.push(data);
    });
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  /** Streams one entry; entries are written one after another, never interleaved. */
  async addEntry(name: string, source: ByteSource): Promise<WrittenEntry> {
    if (this.busy || this.closed) {
      throw new DualrecError('BAD_USAGE', {
        detail: 'ZipWriter: one entry at a time, and none after finish',
      });
    }
    if (this.names.has(name))
      throw new DualrecError('BAD_USAGE', { detail: `ZIP entry ${name} written twice` });
    this.names.add(name);
    this.busy = true;
    try {
      const file = new ZipPassThrough(name);
      file.mtime = FIXED_MTIME;
      this.zip.add(file);
      const hasher = new ContentHasher();
      for await (const chunk of source) {
        if (chunk.length === 0) continue;
        await hasher.update(chunk);
        file.push(chunk, false);
        await this.drain();
      }
      file.push(new Uint8Array(0), true);
      await this.drain();
      return {
        name,
        size: hasher.size,
        crc32: (file as unknown as { crc: number }).crc >>> 0,
        contentHash: await hasher.digest(),
      };
    } finally {
      this.busy = false;
    }
  }

  async finish(): Promise<{ size: number }> {
    if (this.busy || this.closed)
      throw new DualrecError('BAD_USAGE', { detail: 'ZipWriter.finish called twice or mid-entry' });
    this.closed = true;
    this.zip.end();
    await this.drain();
    return { size: this.offset };
  }

  private async drain(): Promise<void> {
    if (this.failure)
      throw new DualrecError('BAD_USAGE', { detail: this.failure.message, cause: this.failure });
    const out = this.pending;
    this.pending = [];
    for (const chunk of out) {
      this.offset += chunk.length;
      if (this.offset > MAX_ZIP_SIZE) {
        throw new DualrecError('BAD_USAGE', {
          detail: 'bundle would exceed 4 GiB, the ZIP limit without ZIP64',
        });
      }
      await this.sink.write(chunk);
    }
  }
}
