/**
 * The start of a session's bundle, readable while the recording is still going (for the live
 * upload). The bundle's ZIP profile writes the recording parts first, each as a local header, the
 * part's RFC 8188 header and its sealed records, then a data descriptor (docs/bundle-format.md §2),
 * and the recorder only ever appends whole records to a part (a crash is finished by appending a
 * final record after the last stored one, see finishInterruptedParts). So these bytes are fixed
 * once stored, already encrypted, and exactly the first bytes `writeBundle` will produce:
 *
 *   for each part, in order:  local header · part header · stored records · [descriptor, once finished]
 *
 * The prefix stops at the end of the last part's stored records while it records (the next part,
 * or the stills, events and manifest, are only known at seal time). Only committed chunks are read
 * (memory never runs ahead of storage), so a byte handed out here is never changed later.
 */
import { zipDataDescriptor, zipLocalHeader } from '@dualrec/evidence/zip-prefix';
import type { CaptureStore, StoredPart } from './store.js';

export class BundlePrefix {
  /** Sizes of the chunks read so far, per part (chunks never change once stored). */
  private readonly sizes = new Map<number, number[]>();
  private recent: { part: number; index: number; bytes: Uint8Array } | null = null;

  constructor(
    private readonly store: CaptureStore,
    private readonly sessionId: string,
    private readonly parts: () => readonly Readonly<StoredPart>[],
  ) {}

  /** How many bytes of the bundle are fixed so far. */
  get length(): number {
    let n = 0;
    for (const part of this.parts()) {
      n += this.opening(part).length + part.sealedBytes;
      if (part.status === 'recording' || part.crc32 === undefined) return n;
      n += 16;
    }
    return n;
  }

  /** Bytes [start, end) of the bundle (end is clamped to `length`). */
  async read(start: number, end: number): Promise<Uint8Array> {
    const parts = [...this.parts()];
    const stop = Math.min(end, this.length);
    const out = new Uint8Array(Math.max(0, stop - start));
    let pos = 0;
    const copy = (bytes: Uint8Array) => {
      const from = Math.max(start, pos);
      const to = Math.min(stop, pos + bytes.length);
      if (to > from) out.set(bytes.subarray(from - pos, to - pos), from - start);
      pos += bytes.length;
    };
    for (const part of parts) {
      if (pos >= stop) break;
      copy(this.opening(part));
      const sizes = this.sizes.get(part.index) ?? [];
      this.sizes.set(part.index, sizes);
      for (let index = 0; index < part.chunks && pos < stop; index++) {
        const size = sizes[index];
        if (size !== undefined && pos + size <= start) {
          pos += size; // before the wanted range: skip without reading
          continue;
        }
        const bytes = await this.chunk(part.index, index);
        sizes[index] = bytes.length;
        copy(bytes);
      }
      if (part.status === 'recording' || part.crc32 === undefined) break;
      copy(zipDataDescriptor(part.crc32, part.header.length + part.sealedBytes));
    }
    return out;
  }

  private opening(part: Readonly<StoredPart>): Uint8Array {
    const local = zipLocalHeader(part.name);
    const out = new Uint8Array(local.length + part.header.length);
    out.set(local);
    out.set(part.header, local.length);
    return out;
  }

  private async chunk(part: number, index: number): Promise<Uint8Array> {
    const r = this.recent;
    if (r && r.part === part && r.index === index) return r.bytes;
    const stored = await this.store.getChunk(this.sessionId, part, index);
    if (!stored) throw new Error(`chunk ${index} of part ${part} is not stored`);
    this.recent = { part, index, bytes: stored.sealed };
    return stored.sealed;
  }
}
