/**
 * Record encryption: the `aes128gcm` content coding of RFC 8188, unchanged, so any RFC 8188
 * implementation decrypts our media given the key.
 *
 *   header  = salt (16) || rs (uint32, big-endian) || idlen (1) || keyid (idlen)
 *   CEK     = HKDF-SHA-256(salt, IKM, "Content-Encoding: aes128gcm\0", 16)
 *   NONCE   = HKDF-SHA-256(salt, IKM, "Content-Encoding: nonce\0", 12)
 *   record i = AES-128-GCM(CEK, NONCE XOR i, data || delimiter || zero padding)
 *
 * `rs` is the size of every encrypted record but the last; the delimiter is 0x01 in every record but
 * the last, which carries 0x02. The per-record nonce makes dropped, repeated or reordered records
 * fail authentication; the delimiter makes truncation at a record boundary detectable.
 *
 * Sealing and opening are streaming with a bounded number of records in flight (WebCrypto calls are
 * asynchronous and, in node, run on the thread pool, so a few in parallel keep up with one big call).
 */
import { asBufferSource, bytesEqual, concatBytes, randomBytes, utf8 } from './bytes.js';
import { DualrecError } from './errors.js';

export const DEFAULT_RECORD_SIZE = 65536;
export const MIN_RECORD_SIZE = 18;
/** Readers refuse larger records so a hostile header cannot make them allocate without bound. */
export const MAX_RECORD_SIZE = 16 * 1024 * 1024;
export const SALT_LENGTH = 16;
const TAG_LENGTH = 16;
const IN_FLIGHT = 8;
/** How far from its expected position a misplaced record is looked for when diagnosing a failure. */
const DIAGNOSE_WINDOW = 8;
const DIAGNOSE_MAX_RECORDS = 4096;

/** Why a record stream failed to open; also the verifier's reason codes for these failures. */
export type RecordFailure =
  | 'RECORD_HEADER_INVALID'
  | 'RECORD_AUTH_FAILED'
  | 'RECORD_MISSING'
  | 'RECORD_DUPLICATED'
  | 'RECORD_REORDERED'
  | 'RECORD_TRUNCATED'
  | 'RECORD_AFTER_FINAL'
  | 'RECORD_PADDING_INVALID';

export interface RecordHeader {
  salt: Uint8Array;
  recordSize: number;
  keyId: Uint8Array;
  /** Bytes the header occupies (21 + keyid length). */
  length: number;
}

export interface SealOptions {
  /** Encrypted record size `rs` (default 65536). */
  recordSize?: number;
  /** Only for test vectors: a fixed salt. Leave unset so every file gets a fresh random salt. */
  salt?: Uint8Array;
  keyId?: Uint8Array;
}

function fail(reason: RecordFailure, detail: string, record?: number): DualrecError {
  return new DualrecError('RECORD_DECRYPT_FAILED', {
    detail,
    context: { reason, ...(record === undefined ? {} : { record }) },
  });
}

export function encodeRecordHeader(header: Omit<RecordHeader, 'length'>): Uint8Array {
  if (header.salt.length !== SALT_LENGTH)
    throw new DualrecError('BAD_USAGE', { detail: 'salt must be 16 bytes' });
  if (header.keyId.length > 255)
    throw new DualrecError('BAD_USAGE', { detail: 'keyid longer than 255 bytes' });
  checkRecordSize(header.recordSize);
  const out = new Uint8Array(21 + header.keyId.length);
  out.set(header.salt, 0);
  new DataView(out.buffer).setUint32(16, header.recordSize);
  out[20] = header.keyId.length;
  out.set(header.keyId, 21);
  return out;
}

function checkRecordSize(recordSize: number): void {
  if (!Number.isInteger(recordSize) || recordSize < MIN_RECORD_SIZE || recordSize > MAX_RECORD_SIZE) {
    throw new DualrecError('BAD_USAGE', {
      detail: `record size must be an integer from ${MIN_RECORD_SIZE} to ${MAX_RECORD_SIZE}`,
    });
  }
}

/** Parses a header from the start of `bytes`; null when more bytes are needed. Throws when invalid. */
export function parseRecordHeader(bytes: Uint8Array): RecordHeader | null {
  if (bytes.length < 21) return null;
  const idLength = bytes[20] as number;
  if (bytes.length < 21 + idLength) return null;
  const recordSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(16);
  if (recordSize < MIN_RECORD_SIZE || recordSize > MAX_RECORD_SIZE) {
    throw fail(
      'RECORD_HEADER_INVALID',
      `record size ${recordSize} outside ${MIN_RECORD_SIZE}..${MAX_RECORD_SIZE}`,
    );
  }
  return {
    salt: bytes.slice(0, 16),
    recordSize,
    keyId: bytes.slice(21, 21 + idLength),
    length: 21 + idLength,
  };
}

/**
 * How many records a well-formed body of `totalSize` bytes holds (every record but the last is
 * exactly `rs` bytes; the last holds at least the delimiter and tag). Null when no well-formed body
 * has that size — which a verifier can tell without the key.
 */
export function recordCountForSize(
  totalSize: number,
  headerLength: number,
  recordSize: number,
): number | null {
  const body = totalSize - headerLength;
  if (body < TAG_LENGTH + 1) return null;
  const full = Math.floor(body / recordSize);
  const rest = body % recordSize;
  if (rest === 0) return full;
  if (rest < TAG_LENGTH + 1) return null;
  return full + 1;
}

/** Plaintext bytes carried per record when the writer uses no padding (rs − 16 tag − 1 delimiter). */
export function dataPerRecord(recordSize: number): number {
  return recordSize - TAG_LENGTH - 1;
}

interface RecordKeys {
  key: CryptoKey;
  nonceBase: Uint8Array;
}

async function deriveRecordKeys(
  ikm: Uint8Array,
  salt: Uint8Array,
  usage: 'encrypt' | 'decrypt',
): Promise<RecordKeys> {
  const subtle = globalThis.crypto.subtle;
  const base = await subtle.importKey('raw', asBufferSource(ikm), 'HKDF', false, ['deriveBits']);
  const hkdf = (info: string, bits: number) =>
    subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: asBufferSource(salt), info: asBufferSource(utf8(info)) },
      base,
      bits,
    );
  const [cek, nonce] = await Promise.all([
    hkdf('Content-Encoding: aes128gcm\0', 128),
    hkdf('Content-Encoding: nonce\0', 96),
  ]);
  const key = await subtle.importKey('raw', cek, 'AES-GCM', false, [usage]);
  return { key, nonceBase: new Uint8Array(nonce) };
}

function recordNonce(base: Uint8Array, seq: number): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(base);
  // XOR the sequence number, as a 96-bit big-endian integer, into the base nonce (RFC 8188 §2.3).
  let value = seq;
  for (let i = 11; i >= 0 && value > 0; i--) {
    nonce[i] = (nonce[i] as number) ^ (value % 256);
    value = Math.floor(value / 256);
  }
  return nonce;
}

/**
 * Incremental sealer for data that arrives in pieces (a recorder's chunks). `push` returns the
 * sealed bytes that are ready; `finish` returns the rest. At most IN_FLIGHT records are buffered.
 */
export class RecordSealer {
  readonly header: Uint8Array;
  private readonly dataSize: number;
  private current: Uint8Array;
  private filled = 0;
  private readonly ready: Uint8Array[] = [];
  private seq = 0;
  private finished = false;
  private headerEmitted = false;

  private constructor(
    private readonly keys: RecordKeys,
    header: Uint8Array,
    recordSize: number,
  ) {
    this.header = header;
    this.dataSize = dataPerRecord(recordSize);
    this.current = new Uint8Array(this.dataSize);
  }

  static async create(ikm: Uint8Array, options: SealOptions = {}): Promise<RecordSealer> {
    const recordSize = options.recordSize ?? DEFAULT_RECORD_SIZE;
    checkRecordSize(recordSize);
    const salt = options.salt ?? randomBytes(SALT_LENGTH);
    const header = encodeRecordHeader({ salt, recordSize, keyId: options.keyId ?? new Uint8Array(0) });
    return new RecordSealer(await deriveRecordKeys(ikm, salt, 'encrypt'), header, recordSize);
  }

  /**
   * Continues a stream sealed earlier (e.g. before a page reload): same key and header (so the same
   * salt), next record `recordCount`. The header counts as already emitted. `recordCount` must be
   * the number of records actually kept: a record sealed but lost would otherwise have its nonce
   * used twice — harmless only because lost ciphertext was never stored or sent.
   */
  static async resume(ikm: Uint8Array, header: Uint8Array, recordCount: number): Promise<RecordSealer> {
    const parsed = parseRecordHeader(header);
    if (parsed === null || parsed.length !== header.length) {
      throw new DualrecError('BAD_USAGE', { detail: 'resume needs exactly one RFC 8188 header' });
    }
    if (!Number.isSafeInteger(recordCount) || recordCount < 0) {
      throw new DualrecError('BAD_USAGE', { detail: 'recordCount must be a non-negative integer' });
    }
    const sealer = new RecordSealer(
      await deriveRecordKeys(ikm, parsed.salt, 'encrypt'),
      header.slice(),
      parsed.recordSize,
    );
    sealer.seq = recordCount;
    sealer.headerEmitted = true;
    return sealer;
  }

  /** Records sealed so far. */
  get recordCount(): number {
    return this.seq;
  }

  /** Encrypted record size `rs` of this stream. */
  get recordSize(): number {
    return this.dataSize + TAG_LENGTH + 1;
  }

  /**
   * Seals everything pushed so far, so that no plaintext stays in memory: buffered full records as
   * they are, and a partial record padded to the full record size (delimiter 0x01 then zeros,
   * RFC 8188 §2), because every record but the last must be exactly `rs` bytes. Returns the sealed
   * bytes (the header first, if not yet emitted). The stream stays open; `finish()` afterwards adds
   * a final record, empty if nothing was pushed since. Padding costs on average half a record per
   * flush: pick a smaller `recordSize` when flushing often (e.g. 16 KiB for 1 s recorder chunks).
   */
  async flush(): Promise<Uint8Array[]> {
    if (this.finished) throw new DualrecError('BAD_USAGE', { detail: 'RecordSealer.flush after finish' });
    if (this.filled > 0) {
      this.ready.push(this.current.subarray(0, this.filled));
      this.current = new Uint8Array(this.dataSize);
      this.filled = 0;
    }
    const batch = this.ready.splice(0, this.ready.length);
    const sealed = await Promise.all(
      batch.map((data) => {
        // data || 0x01 || zeros up to rs − 16: a full-size record whatever the data length.
        const plain = new Uint8Array(this.dataSize + 1);
        plain.set(data);
        plain[data.length] = 1;
        return this.encrypt(plain, this.seq++);
      }),
    );
    return [...this.takeHeader(), ...sealed];
  }

  async push(chunk: Uint8Array): Promise<Uint8Array[]> {
    if (this.finished) throw new DualrecError('BAD_USAGE', { detail: 'RecordSealer.push after finish' });
    let offset = 0;
    while (offset < chunk.length) {
      // A full record is only sealed once more data proves it is not the last one.
      if (this.filled === this.dataSize) {
        this.ready.push(this.current);
        this.current = new Uint8Array(this.dataSize);
        this.filled = 0;
      }
      const take = Math.min(this.dataSize - this.filled, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
    }
    return this.ready.length >= IN_FLIGHT ? this.sealReady() : this.takeHeader();
  }

  async finish(): Promise<Uint8Array[]> {
    if (this.finished) throw new DualrecError('BAD_USAGE', { detail: 'RecordSealer.finish called twice' });
    this.finished = true;
    const out = await this.sealReady();
    const last = new Uint8Array(this.filled + 1);
    last.set(this.current.subarray(0, this.filled));
    last[this.filled] = 2;
    out.push(await this.encrypt(last, this.seq++));
    this.current = new Uint8Array(0);
    return out;
  }

  private takeHeader(): Uint8Array[] {
    if (this.headerEmitted) return [];
    this.headerEmitted = true;
    return [this.header];
  }

  private async sealReady(): Promise<Uint8Array[]> {
    const batch = this.ready.splice(0, this.ready.length);
    const sealed = await Promise.all(
      batch.map((data) => {
        const plain = new Uint8Array(data.length + 1);
        plain.set(data);
        plain[data.length] = 1;
        return this.encrypt(plain, this.seq++);
      }),
    );
    return [...this.takeHeader(), ...sealed];
  }

  private async encrypt(plain: Uint8Array, seq: number): Promise<Uint8Array> {
    const iv = recordNonce(this.keys.nonceBase, seq);
    return new Uint8Array(
      await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv }, this.keys.key, asBufferSource(plain)),
    );
  }
}

/** Seals a whole stream: yields the header, then the records, holding at most ~IN_FLIGHT records. */
export async function* sealRecords(
  ikm: Uint8Array,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: SealOptions = {},
): AsyncGenerator<Uint8Array> {
  const sealer = await RecordSealer.create(ikm, options);
  for await (const chunk of source) yield* await sealer.push(chunk);
  yield* await sealer.finish();
}

/** Convenience for small values (sealed event payloads): one call, one buffer. */
export async function sealBytes(
  ikm: Uint8Array,
  plaintext: Uint8Array,
  options: SealOptions = {},
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of sealRecords(ikm, [plaintext], options)) parts.push(part);
  return concatBytes(parts);
}

export interface OpenOptions {
  /** Fail unless the header's rs equals this (the manifest records it). */
  expectedRecordSize?: number;
}

type Decrypted = { ok: true; data: Uint8Array; delimiter: 1 | 2 } | { ok: false; padding: boolean };

async function decryptRecord(keys: RecordKeys, record: Uint8Array, seq: number): Promise<Decrypted> {
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: recordNonce(keys.nonceBase, seq) },
        keys.key,
        asBufferSource(record),
      ),
    );
  } catch {
    return { ok: false, padding: false };
  }
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  const delimiter = plain[end];
  if (delimiter !== 1 && delimiter !== 2) return { ok: false, padding: true };
  return { ok: true, data: plain.subarray(0, end), delimiter };
}

/**
 * Opens a sealed stream, yielding plaintext as records authenticate. On failure it throws
 * DualrecError RECORD_DECRYPT_FAILED with `context.reason` (a RecordFailure) and `context.record`;
 * data already yielded must then be discarded by the caller, as with any streaming AEAD.
 */
export async function* openRecords(
  ikm: Uint8Array,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: OpenOptions = {},
): AsyncGenerator<Uint8Array> {
  const iterator = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]
    ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
    : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  let buffered: Uint8Array = new Uint8Array(0);
  let ended = false;
  const pull = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      return false;
    }
    buffered = buffered.length === 0 ? next.value : concatBytes([buffered, next.value]);
    return true;
  };

  let header: RecordHeader | null = null;
  try {
    header = parseRecordHeader(buffered);
    while (header === null && (await pull())) header = parseRecordHeader(buffered);
  } catch (error) {
    if (error instanceof DualrecError) throw error;
    throw fail('RECORD_HEADER_INVALID', String(error));
  }
  if (header === null) throw fail('RECORD_HEADER_INVALID', 'stream ends inside the header');
  if (options.expectedRecordSize !== undefined && header.recordSize !== options.expectedRecordSize) {
    throw fail('RECORD_HEADER_INVALID', `rs is ${header.recordSize}, expected ${options.expectedRecordSize}`);
  }
  const rs = header.recordSize;
  const keys = await deriveRecordKeys(ikm, header.salt, 'decrypt');
  buffered = buffered.subarray(header.length);

  let seq = 0;
  let previous: Uint8Array | null = null;
  for (;;) {
    // Gather complete records that are known not to be the last (more bytes follow them).
    while (buffered.length <= rs * IN_FLIGHT && (await pull())) {}
    const batch: Uint8Array[] = [];
    while (buffered.length > rs && batch.length < IN_FLIGHT) {
      batch.push(buffered.subarray(0, rs));
      buffered = buffered.subarray(rs);
    }
    if (batch.length === 0) break;
    const results = await Promise.all(batch.map((record, i) => decryptRecord(keys, record, seq + i)));
    for (let i = 0; i < results.length; i++) {
      const result = results[i] as Decrypted;
      const record = batch[i] as Uint8Array;
      if (!result.ok) {
        if (result.padding) throw fail('RECORD_PADDING_INVALID', 'record has no delimiter', seq);
        const rest = [...batch.slice(i), ...splitRecords(buffered, rs)];
        throw await diagnose(keys, seq, previous, rest, iterator, rs);
      }
      if (result.delimiter === 2) throw fail('RECORD_AFTER_FINAL', 'data follows the final record', seq);
      yield result.data;
      previous = record;
      seq++;
    }
    // Keep the unconsumed tail in its own buffer so the consumed records can be collected.
    buffered = buffered.slice();
  }
  // What remains is the last record (it may be exactly rs bytes long).
  if (buffered.length === 0) throw fail('RECORD_TRUNCATED', 'no final record', seq);
  if (buffered.length < TAG_LENGTH + 1) throw fail('RECORD_TRUNCATED', 'final record is cut short', seq);
  const last = await decryptRecord(keys, buffered, seq);
  if (!last.ok) {
    if (last.padding) throw fail('RECORD_PADDING_INVALID', 'record has no delimiter', seq);
    throw await diagnose(keys, seq, previous, [buffered], iterator, rs);
  }
  if (last.delimiter !== 2) throw fail('RECORD_TRUNCATED', 'the last record is not marked final', seq);
  yield last.data;
}

function splitRecords(bytes: Uint8Array, rs: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += rs) out.push(bytes.subarray(offset, offset + rs));
  return out;
}

/**
 * A record failed at position `failedSeq`. Find which sequence number each remaining record really
 * carries (trying nearby ones) and name the tampering: changed bytes, a missing, repeated or
 * reordered record. Only runs on the failure path, with bounded work.
 */
async function diagnose(
  keys: RecordKeys,
  failedSeq: number,
  previous: Uint8Array | null,
  records: Uint8Array[],
  iterator: Iterator<Uint8Array> | AsyncIterator<Uint8Array>,
  rs: number,
): Promise<DualrecError> {
  const observed: (number | null)[] = [];
  let tail = new Uint8Array(0) as Uint8Array;
  const queue = [...records];
  let examined = 0;
  for (;;) {
    while (queue.length === 0) {
      const next = await iterator.next();
      if (next.done) break;
      tail = concatBytes([tail, next.value]);
      while (tail.length >= rs) {
        queue.push(tail.slice(0, rs));
        tail = tail.subarray(rs);
      }
    }
    if (queue.length === 0) {
      if (tail.length > 0) {
        queue.push(tail);
        tail = new Uint8Array(0);
      } else break;
    }
    const record = queue.shift() as Uint8Array;
    const position = failedSeq + examined;
    examined++;
    if (examined > DIAGNOSE_MAX_RECORDS) break;
    if (examined === 1 && previous !== null && bytesEqual(record, previous)) {
      return fail('RECORD_DUPLICATED', `record ${position} repeats record ${position - 1}`, position);
    }
    observed.push(await findSequence(keys, record, position));
  }
  const first = observed[0];
  if (first === null || first === undefined) {
    return fail(
      'RECORD_AUTH_FAILED',
      `record ${failedSeq} does not authenticate (changed, or wrong key)`,
      failedSeq,
    );
  }
  const seen = new Set<number>();
  for (const s of observed) {
    if (s === null) continue;
    if (seen.has(s) || s < failedSeq) {
      return fail('RECORD_DUPLICATED', `record ${s} appears more than once`, failedSeq);
    }
    seen.add(s);
  }
  // A record from later in the stream sits at failedSeq: if the expected one shows up afterwards
  // the records were reordered, otherwise it was dropped.
  if (seen.has(failedSeq)) return fail('RECORD_REORDERED', `record ${failedSeq} is out of order`, failedSeq);
  return fail(
    'RECORD_MISSING',
    `record ${failedSeq} is missing (record ${first} follows ${failedSeq - 1})`,
    failedSeq,
  );
}

async function findSequence(keys: RecordKeys, record: Uint8Array, position: number): Promise<number | null> {
  for (let distance = 0; distance <= DIAGNOSE_WINDOW; distance++) {
    for (const candidate of distance === 0 ? [position] : [position + distance, position - distance]) {
      if (candidate < 0) continue;
      const result = await decryptRecord(keys, record, candidate);
      if (result.ok) return candidate;
    }
  }
  return null;
}
