/**
 * Strict reader for the bundle's ZIP profile (docs/bundle-format.md §2). It reads from a random
 * access source (a file handle, a Blob, bytes), parses the central directory, and refuses anything
 * the writer would not have produced: compression, ZIP64, encryption, comments, extra fields,
 * unsafe or duplicate names, gaps or overlaps between entries, header fields that differ from the
 * profile. Entry data is streamed, never loaded whole.
 */
import { decodeUtf8Strict } from './bytes.js';
import { crc32 } from './crc32.js';
import { DualrecError } from './errors.js';
import type { ReasonCode } from './reasons.js';

export interface RandomAccessSource {
  readonly size: number;
  /** Exactly `length` bytes from `offset` (the reader never asks beyond `size`). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/** Structural type of a Blob/File, so this module needs no DOM types at runtime. */
export interface BlobLike {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

export function blobSource(blob: BlobLike): RandomAccessSource {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

export interface ZipLimits {
  maxEntries: number;
  maxNameLength: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 64, maxNameLength: 128 };

export interface ZipEntry {
  name: string;
  /** Offset of the entry's data (after its local header). */
  dataOffset: number;
  size: number;
  crc32: number;
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const DESCRIPTOR_SIG = 0x08074b50;
const EOCD_SIG = 0x06054b50;
const VERSION = 20;
const FLAGS = 0x0008;
const DOS_TIME = 0x0000;
const DOS_DATE = 0x0021;
const STREAM_CHUNK = 4 * 1024 * 1024;
/** Allowed names: the fixed files and media/NAME (lowercase ASCII, no dot segments). */
const SAFE_NAME =
  /^(?:manifest\.json|manifest\.jws|events\.jsonl|timestamp\.tsr|media\/[a-z0-9][a-z0-9._-]{0,99})$/;

export function zipError(reason: ReasonCode, detail: string, file: string | null = null): DualrecError {
  return new DualrecError('BUNDLE_MALFORMED', { detail, context: { reason, file } });
}

function nameProblem(name: string): ReasonCode | null {
  if (
    name.includes('..') ||
    name.startsWith('/') ||
    name.includes('\\') ||
    /^[A-Za-z]:/.test(name) ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
    /[\u0000-\u001f\u007f]/.test(name)
  ) {
    return 'ZIP_UNSAFE_NAME';
  }
  return SAFE_NAME.test(name) && !name.endsWith('.') ? null : 'ZIP_UNSAFE_NAME';
}

export class ZipArchive {
  private constructor(
    private readonly source: RandomAccessSource,
    readonly entries: readonly ZipEntry[],
  ) {}

  static async open(source: RandomAccessSource, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipArchive> {
    const size = source.size;
    if (size < 22) throw zipError('ZIP_MALFORMED', `${size} bytes is too small for a ZIP`);
    if (size > 0xffffffff)
      throw zipError('ZIP_UNSUPPORTED', 'larger than 4 GiB (ZIP64 is not used by bundles)');
    const eocd = view(await source.read(size - 22, 22));
    // No archive comment is allowed, so the end record sits exactly at the end: no scanning, and a
    // truncated or appended-to file fails here.
    if (eocd.getUint32(0, true) !== EOCD_SIG) {
      throw zipError(
        'ZIP_MALFORMED',
        'no end-of-central-directory record at the end (not a ZIP, truncated, or extra bytes)',
      );
    }
    const entryCount = eocd.getUint16(10, true);
    const cdSize = eocd.getUint32(12, true);
    const cdOffset = eocd.getUint32(16, true);
    if (
      eocd.getUint16(4, true) !== 0 ||
      eocd.getUint16(6, true) !== 0 ||
      eocd.getUint16(8, true) !== entryCount
    ) {
      throw zipError('ZIP_UNSUPPORTED', 'multi-disk archives are not bundles');
    }
    if (eocd.getUint16(20, true) !== 0) throw zipError('ZIP_NONCANONICAL', 'archive comment present');
    if (entryCount === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
      throw zipError('ZIP_UNSUPPORTED', 'ZIP64 markers present');
    }
    if (entryCount > limits.maxEntries) {
      throw zipError('ZIP_LIMIT_EXCEEDED', `${entryCount} entries; at most ${limits.maxEntries} allowed`);
    }
    if (cdOffset + cdSize !== size - 22) {
      throw zipError('ZIP_MALFORMED', 'central directory does not end where the end record starts');
    }
    if (cdSize > entryCount * (46 + limits.maxNameLength)) {
      throw zipError('ZIP_MALFORMED', 'central directory larger than its entries can be');
    }
    const cd = await source.read(cdOffset, cdSize);
    const cdView = view(cd);
    const entries: ZipEntry[] = [];
    const names = new Set<string>();
    let pos = 0;
    let expectedOffset = 0;
    for (let index = 0; index < entryCount; index++) {
      if (pos + 46 > cd.length) throw zipError('ZIP_MALFORMED', 'central directory is cut short');
      if (cdView.getUint32(pos, true) !== CENTRAL_SIG)
        throw zipError('ZIP_MALFORMED', `central entry ${index} has no signature`);
      const flags = cdView.getUint16(pos + 8, true);
      const method = cdView.getUint16(pos + 10, true);
      const crc = cdView.getUint32(pos + 16, true);
      const compressedSize = cdView.getUint32(pos + 20, true);
      const uncompressedSize = cdView.getUint32(pos + 24, true);
      const nameLength = cdView.getUint16(pos + 28, true);
      const extraLength = cdView.getUint16(pos + 30, true);
      const commentLength = cdView.getUint16(pos + 32, true);
      const localOffset = cdView.getUint32(pos + 42, true);
      if (nameLength === 0 || nameLength > limits.maxNameLength) {
        throw zipError('ZIP_LIMIT_EXCEEDED', `entry ${index}: name length ${nameLength}`);
      }
      if (pos + 46 + nameLength + extraLength + commentLength > cd.length) {
        throw zipError('ZIP_MALFORMED', 'central directory is cut short');
      }
      const nameBytes = cd.subarray(pos + 46, pos + 46 + nameLength);
      const decoded = decodeUtf8Strict(nameBytes);
      const name = decoded ?? `<invalid UTF-8 name #${index}>`;
      if (decoded === null) throw zipError('ZIP_UNSAFE_NAME', `entry ${index}: name is not valid UTF-8`);
      const unsafe = nameProblem(name);
      if (unsafe)
        throw zipError(unsafe, `entry name ${JSON.stringify(name)} is not allowed in a bundle`, name);
      if (names.has(name)) throw zipError('ZIP_DUPLICATE_NAME', `entry ${name} appears twice`, name);
      names.add(name);
      if (flags & 0x0001) throw zipError('ZIP_UNSUPPORTED', 'ZIP encryption is not used by bundles', name);
      if (method !== 0) {
        throw zipError(
          'ZIP_UNSUPPORTED',
          `compression method ${method}; bundles store every entry uncompressed`,
          name,
        );
      }
      if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) {
        throw zipError('ZIP_UNSUPPORTED', 'ZIP64 sizes', name);
      }
      if (compressedSize !== uncompressedSize) {
        throw zipError(
          'ZIP_MALFORMED',
          'stored entry with different compressed and uncompressed sizes',
          name,
        );
      }
      const fixed: [string, number, number][] = [
        ['version made by', cdView.getUint16(pos + 4, true), VERSION],
        ['version needed', cdView.getUint16(pos + 6, true), VERSION],
        ['flags', flags, FLAGS],
        ['time', cdView.getUint16(pos + 12, true), DOS_TIME],
        ['date', cdView.getUint16(pos + 14, true), DOS_DATE],
        ['extra field length', extraLength, 0],
        ['comment length', commentLength, 0],
        ['disk number', cdView.getUint16(pos + 34, true), 0],
        ['internal attributes', cdView.getUint16(pos + 36, true), 0],
        ['external attributes', cdView.getUint32(pos + 38, true), 0],
      ];
      for (const [field, actual, expected] of fixed) {
        if (actual !== expected) {
          throw zipError(
            'ZIP_NONCANONICAL',
            `central header ${field} is ${actual}, the profile requires ${expected}`,
            name,
          );
        }
      }
      // Entries must tile the file from offset 0 with no gaps or overlaps: overlapping entries are
      // how "better zip bombs" multiply their size, and gaps could hide unsigned bytes.
      if (localOffset !== expectedOffset) {
        throw zipError(
          'ZIP_MALFORMED',
          `entry starts at ${localOffset}, expected ${expectedOffset} (gap or overlap)`,
          name,
        );
      }
      const dataOffset = localOffset + 30 + nameLength;
      const end = dataOffset + compressedSize + 16;
      if (end > cdOffset) throw zipError('ZIP_MALFORMED', 'entry runs into the central directory', name);
      entries.push({ name, dataOffset, size: compressedSize, crc32: crc });
      expectedOffset = end;
      pos += 46 + nameLength;
    }
    if (pos !== cd.length) throw zipError('ZIP_MALFORMED', 'bytes left over in the central directory');
    if (expectedOffset !== cdOffset)
      throw zipError('ZIP_MALFORMED', 'bytes between the last entry and the central directory');
    for (const entry of entries) await checkLocalHeader(source, entry);
    return new ZipArchive(source, entries);
  }

  get(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /** Reads a whole entry, refusing entries larger than `maxBytes` (for small JSON files). */
  async read(entry: ZipEntry, maxBytes: number): Promise<Uint8Array> {
    if (entry.size > maxBytes) {
      throw zipError(
        'ZIP_LIMIT_EXCEEDED',
        `${entry.name} is ${entry.size} bytes; at most ${maxBytes} allowed`,
        entry.name,
      );
    }
    return this.source.read(entry.dataOffset, entry.size);
  }

  /** Reads a whole entry and checks its CRC-32 against the headers. */
  async readChecked(entry: ZipEntry, maxBytes: number): Promise<Uint8Array> {
    const bytes = await this.read(entry, maxBytes);
    if (crc32(bytes) !== entry.crc32)
      throw zipError('ZIP_CRC_MISMATCH', 'CRC-32 does not match the headers', entry.name);
    return bytes;
  }

  /** Streams an entry in 4 MiB pieces (aligned with the content hash blocks, so no copying). */
  async *stream(entry: ZipEntry, chunkSize = STREAM_CHUNK): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < entry.size; offset += chunkSize) {
      yield await this.source.read(entry.dataOffset + offset, Math.min(chunkSize, entry.size - offset));
    }
  }
}

async function checkLocalHeader(source: RandomAccessSource, entry: ZipEntry): Promise<void> {
  const nameBytes = new TextEncoder().encode(entry.name);
  const headerOffset = entry.dataOffset - 30 - nameBytes.length;
  const header = await source.read(headerOffset, 30 + nameBytes.length);
  const h = view(header);
  if (h.getUint32(0, true) !== LOCAL_SIG)
    throw zipError('ZIP_MALFORMED', 'local header signature missing', entry.name);
  const fixed: [string, number, number][] = [
    ['version needed', h.getUint16(4, true), VERSION],
    ['flags', h.getUint16(6, true), FLAGS],
    ['method', h.getUint16(8, true), 0],
    ['time', h.getUint16(10, true), DOS_TIME],
    ['date', h.getUint16(12, true), DOS_DATE],
    // With a data descriptor (flag bit 3) the local CRC and sizes are zero.
    ['crc-32', h.getUint32(14, true), 0],
    ['compressed size', h.getUint32(18, true), 0],
    ['size', h.getUint32(22, true), 0],
    ['name length', h.getUint16(26, true), nameBytes.length],
    ['extra field length', h.getUint16(28, true), 0],
  ];
  for (const [field, actual, expected] of fixed) {
    if (actual !== expected) {
      throw zipError(
        'ZIP_NONCANONICAL',
        `local header ${field} is ${actual}, the profile requires ${expected}`,
        entry.name,
      );
    }
  }
  for (let i = 0; i < nameBytes.length; i++) {
    if (header[30 + i] !== nameBytes[i]) {
      throw zipError('ZIP_NONCANONICAL', 'local header name differs from the central directory', entry.name);
    }
  }
  const descriptor = view(await source.read(entry.dataOffset + entry.size, 16));
  const described: [string, number, number][] = [
    ['signature', descriptor.getUint32(0, true), DESCRIPTOR_SIG],
    ['crc-32', descriptor.getUint32(4, true), entry.crc32],
    ['compressed size', descriptor.getUint32(8, true), entry.size],
    ['size', descriptor.getUint32(12, true), entry.size],
  ];
  for (const [field, actual, expected] of described) {
    if (actual !== expected) {
      throw zipError(
        'ZIP_NONCANONICAL',
        `data descriptor ${field} is ${actual}, expected ${expected}`,
        entry.name,
      );
    }
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
