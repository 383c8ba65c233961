/**
 * verify(): the algorithm of docs/bundle-format.md §8. Never throws for anything inside the bundle:
 * every problem becomes a reason in the verdict (a bundle that is not even a ZIP is simply invalid).
 * It throws only for bad arguments (no lender ticket key) and for I/O errors of the source.
 */
import type { GeneralJWE } from 'jose';
import { parseCanonical } from './canonical-json.js';
import { crc32 } from './crc32.js';
import { ContentHasher, sha256Hex } from './digest.js';
import { DualrecError, isDualrecError } from './errors.js';
import { checkEventLog, openSealedFields } from './event-log.js';
import { jwkThumbprint, type PrivateJwk, type PublicJwk } from './keys.js';
import { recipientKeyIds, unwrapContentKey } from './keywrap.js';
import {
  checkManifestShape,
  EVENTS_FILE,
  MANIFEST_FILE,
  type Manifest,
  type ManifestFile,
  SIGNATURE_FILE,
  TIMESTAMP_FILE,
} from './manifest.js';
import type { ReasonCode, ReasonDetailCode, VerifyNotice, VerifyReason } from './reasons.js';
import { openRecords, parseRecordHeader, type RecordFailure, recordCountForSize } from './records.js';
import { checkManifestSignature } from './signature.js';
import { checkTicketSignature } from './ticket.js';
import { checkTimestampToken } from './timestamp.js';
import { DEFAULT_ZIP_LIMITS, type RandomAccessSource, ZipArchive, type ZipEntry } from './zip-reader.js';

export interface BundleLimits {
  maxEntries: number;
  maxManifestBytes: number;
  maxSignatureBytes: number;
  maxEventsBytes: number;
  /** A `timestamp.tsr` entry or a token given in `options.timestamp`. */
  maxTimestampBytes: number;
  /**
   * Reasons listed in a verdict; after them one `REASONS_TRUNCATED` reason counts the rest
   * ("and 399,998 more"). The event log stops being checked once it alone has produced this many:
   * a hostile bundle cannot make verification cost one reason (and one hash) per line.
   */
  maxReasons: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxEntries: DEFAULT_ZIP_LIMITS.maxEntries,
  maxManifestBytes: 1024 * 1024,
  maxSignatureBytes: 16 * 1024,
  maxEventsBytes: 32 * 1024 * 1024,
  maxTimestampBytes: 64 * 1024,
  maxReasons: 100,
};

export interface VerifyOptions {
  /** The lender's ticket-signing public keys; the ticket must verify with one of them. */
  ticketKeys: readonly PublicJwk[];
  /**
   * Lender encryption private keys. With one that is a recipient, the content key is unwrapped and
   * every record of every media file and every sealed event field is decrypted and authenticated.
   */
  decryptionKeys?: readonly PrivateJwk[];
  /** The nonce the lender issued for this session (server on receipt); checked when given. */
  expectedNonce?: string;
  /** Tolerated clock difference between the lender and the device, seconds (default 300). */
  clockSkewSeconds?: number;
  /**
   * The bundle's RFC 3161 time-stamp as the lender server stores it: `token` is the DER
   * TimeStampToken from `<id>.tsr` beside the bundle (docs/bundle-format.md §1), or null when the
   * caller looked for one and found none (`TIMESTAMP_MISSING`). `trust` is the PEM of the TSA's
   * certificate or CA: the token must chain to it (`TIMESTAMP_UNTRUSTED`); without it a sound
   * token only gives the notice `TIMESTAMP_NOT_TRUSTED`. `trust` also applies to a
   * `timestamp.tsr` entry inside the ZIP, which is always checked.
   */
  timestamp?: { token: Uint8Array | null; trust?: string };
  limits?: Partial<BundleLimits>;
}

/** A time-stamp token verify() checked, and what it says. */
export interface VerifiedTimestamp {
  /** `beside`: the token given in `options.timestamp`; `entry`: the ZIP's `timestamp.tsr`. */
  source: 'beside' | 'entry';
  /** Sound, over this bundle's `manifest.jws` and (with `trust`) from a trusted TSA. */
  valid: boolean;
  /** Checked against `options.timestamp.trust`. */
  trusted: boolean;
  /** TSTInfo genTime (ISO 8601) and the TSA's name, when the token could be read. */
  genTime: string | null;
  tsa: string | null;
  /** Why it is not valid (English). */
  detail?: string;
}

export interface Verdict {
  valid: boolean;
  reasons: VerifyReason[];
  notices: VerifyNotice[];
  /** The parsed manifest when it could be read (present even for invalid bundles, for reports). */
  manifest: Manifest | null;
  /**
   * Hex SHA-256 of the exact bytes of `manifest.json`, when the entry could be read: the bundle's
   * identity independent of how the archive around it is spelled (§3). The SHA-256 of the whole
   * file identifies these exact bytes; this one identifies the signed evidence.
   */
  manifestSha256: string | null;
  /** Every time-stamp token checked (the one beside the bundle first, then a `timestamp.tsr` entry). */
  timestamps: VerifiedTimestamp[];
}

/** Keeps the first `max` reasons and counts the others (so a verdict's size is bounded). */
class Collector {
  readonly reasons: VerifyReason[] = [];
  readonly notices: VerifyNotice[] = [];
  omitted = 0;
  constructor(private readonly max: number) {}
  add(
    code: ReasonCode,
    file: string | null,
    why: ReasonDetailCode,
    detail: string,
    values?: Record<string, string | number>,
  ): void {
    if (this.reasons.length < this.max)
      this.reasons.push({ code, file, detail, why, ...(values ? { values } : {}) });
    else this.omitted++;
  }
  addAll(reasons: Iterable<VerifyReason>): void {
    // A loop, not push(...reasons): spreading a huge array overflows the call stack.
    for (const r of reasons) {
      if (this.reasons.length < this.max) this.reasons.push(r);
      else this.omitted++;
    }
  }
  finish(): VerifyReason[] {
    if (this.omitted === 0) return this.reasons;
    return [
      ...this.reasons,
      {
        code: 'REASONS_TRUNCATED',
        file: null,
        detail: `and ${this.omitted.toLocaleString('en-US')} more (at most ${this.max} reasons are listed)`,
        why: 'reasons.truncated',
        values: { omitted: this.omitted, max: this.max },
      },
    ];
  }
}

/** A failure that stops verification (nothing after it could be trusted or even read). */
class Stop extends Error {}

export async function verify(source: RandomAccessSource, options: VerifyOptions): Promise<Verdict> {
  if (!options?.ticketKeys?.length) {
    throw new DualrecError('BAD_USAGE', {
      detail: 'verify needs at least one lender ticket-signing public key',
    });
  }
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...options.limits };
  if (!(Number.isInteger(limits.maxReasons) && limits.maxReasons >= 1))
    throw new DualrecError('BAD_USAGE', { detail: 'limits.maxReasons must be an integer ≥ 1' });
  const out = new Collector(limits.maxReasons);
  const read: ReadState = { manifest: null, manifestSha256: null, timestamps: [] };
  try {
    await verifyInto(source, options, limits, out, read);
  } catch (error) {
    if (error instanceof Stop) {
      // already recorded
    } else if (isDualrecError(error, 'BUNDLE_MALFORMED')) {
      const context = error.context as { reason?: ReasonCode; file?: string | null };
      out.add(
        context.reason ?? 'ZIP_MALFORMED',
        context.file ?? null,
        'zip.read',
        error.detail ?? error.message,
      );
    } else {
      throw error;
    }
  }
  const reasons = out.finish();
  return {
    valid: reasons.length === 0,
    reasons,
    notices: out.notices,
    manifest: read.manifest,
    manifestSha256: read.manifestSha256,
    timestamps: read.timestamps,
  };
}

/** What verifyInto could read, kept even when it stops. */
interface ReadState {
  manifest: Manifest | null;
  manifestSha256: string | null;
  timestamps: VerifiedTimestamp[];
}

async function verifyInto(
  source: RandomAccessSource,
  options: VerifyOptions,
  limits: BundleLimits,
  out: Collector,
  read: ReadState,
): Promise<void> {
  const archive = await ZipArchive.open(source, { ...DEFAULT_ZIP_LIMITS, maxEntries: limits.maxEntries });
  const manifestEntry = archive.get(MANIFEST_FILE);
  const signatureEntry = archive.get(SIGNATURE_FILE);
  if (!manifestEntry || !signatureEntry) {
    for (const [name, entry] of [
      [MANIFEST_FILE, manifestEntry],
      [SIGNATURE_FILE, signatureEntry],
    ] as const) {
      if (!entry) out.add('ENTRY_MISSING', name, 'entry.required', `${name} is missing`);
    }
    throw new Stop();
  }
  const manifestBytes = await archive.readChecked(manifestEntry, limits.maxManifestBytes);
  read.manifestSha256 = await sha256Hex(manifestBytes);
  const signatureBytes = await archive.readChecked(signatureEntry, limits.maxSignatureBytes);

  // 1. manifest.json: canonical JSON of the documented shape.
  const parsed = parseCanonical(manifestBytes);
  let value: unknown;
  if (!parsed.ok) {
    if (parsed.problem !== 'not-canonical') {
      out.add('MANIFEST_INVALID_JSON', MANIFEST_FILE, 'manifest.json', parsed.detail);
      throw new Stop();
    }
    out.add('MANIFEST_NOT_CANONICAL', MANIFEST_FILE, 'manifest.canonical', parsed.detail);
    value = JSON.parse(new TextDecoder().decode(manifestBytes));
  } else {
    value = parsed.value;
  }
  const problems = checkManifestShape(value);
  if (problems.length > 0) {
    out.add('MANIFEST_SCHEMA', MANIFEST_FILE, 'manifest.schema', problems.slice(0, 10).join('; '), {
      count: problems.length,
    });
    throw new Stop();
  }
  const manifest = value as Manifest;
  read.manifest = manifest;
  if (manifest.synthetic) {
    out.notices.push({
      code: 'SYNTHETIC_BUNDLE',
      file: MANIFEST_FILE,
      detail: 'generated sample, not a real session',
      why: 'notice.synthetic',
    });
  }

  // 2. The device's signature over those exact bytes.
  const signature = await checkManifestSignature(signatureBytes, manifestBytes, manifest.deviceKey);
  if (!signature.ok) out.add(signature.reason, SIGNATURE_FILE, 'signature.check', signature.detail);

  // 3. The lender's ticket, bound to the device key and covering the session's start.
  await checkTicket(manifest, options, out);

  // 4. Entries: exactly the listed files, in manifest order, then the manifest and its signature.
  const expectedOrder = [...manifest.files.map((f) => f.name), MANIFEST_FILE, SIGNATURE_FILE];
  const actualOrder = archive.entries.map((e) => e.name);
  const listed = new Set(expectedOrder);
  for (const name of actualOrder) {
    if (name !== TIMESTAMP_FILE && !listed.has(name))
      out.add('ENTRY_UNLISTED', name, 'entry.unlisted', 'entry is not listed in the manifest');
  }
  for (const name of expectedOrder)
    if (!archive.get(name))
      out.add('ENTRY_MISSING', name, 'entry.absent', 'listed in the manifest but absent');
  const present = actualOrder.filter((n) => listed.has(n));
  const presentExpected = expectedOrder.filter((n) => archive.get(n));
  const tsrIndex = actualOrder.indexOf(TIMESTAMP_FILE);
  if (
    present.join('\n') !== presentExpected.join('\n') ||
    (tsrIndex !== -1 && tsrIndex !== actualOrder.length - 1)
  ) {
    out.add(
      'ZIP_NONCANONICAL',
      null,
      'entry.order',
      'entries are not in the order of manifest.files, then manifest.json, manifest.jws',
    );
  }

  // RFC 3161 tokens over manifest.jws: the one beside the bundle (given), and one inside the ZIP.
  if (options.timestamp) {
    const { token } = options.timestamp;
    if (token === null)
      out.add('TIMESTAMP_MISSING', null, 'timestamp.none', 'no time-stamp token beside the bundle');
    else if (token.length > limits.maxTimestampBytes)
      out.add(
        'TIMESTAMP_INVALID',
        null,
        'size.limit',
        `${token.length} bytes; at most ${limits.maxTimestampBytes}`,
        {
          size: token.length,
          max: limits.maxTimestampBytes,
        },
      );
    else read.timestamps.push(await checkTimestamp('beside', token, signatureBytes, options, out));
  }
  const tsrEntry = archive.get(TIMESTAMP_FILE);
  if (tsrEntry) {
    let token: Uint8Array | null = null;
    try {
      token = await archive.readChecked(tsrEntry, limits.maxTimestampBytes);
    } catch (error) {
      if (!isDualrecError(error, 'BUNDLE_MALFORMED')) throw error;
      const context = error.context as { reason?: ReasonCode };
      out.add(context.reason ?? 'ZIP_MALFORMED', TIMESTAMP_FILE, 'zip.read', error.detail ?? error.message);
    }
    if (token) read.timestamps.push(await checkTimestamp('entry', token, signatureBytes, options, out));
  }

  // 5. The content key, when a recipient's private key is at hand.
  let contentKey: Uint8Array | null = null;
  if (options.decryptionKeys?.length) {
    contentKey = await unwrapWithAny(manifest.encryption.contentKey, options.decryptionKeys, out);
  } else {
    out.notices.push({
      code: 'RECORDS_NOT_CHECKED',
      file: null,
      detail: 'no private key given: hashes were checked, records and sealed fields were not decrypted',
      why: 'notice.records',
    });
  }

  // 6. Every listed file: CRC, size, content hash, record structure (and records, with the key).
  for (const file of manifest.files) {
    const entry = archive.get(file.name);
    if (!entry) continue;
    await checkFile(archive, entry, file, contentKey, out);
  }

  // 7. The event log.
  const eventsEntry = archive.get(EVENTS_FILE);
  if (eventsEntry) {
    if (eventsEntry.size > limits.maxEventsBytes) {
      out.add(
        'ZIP_LIMIT_EXCEEDED',
        EVENTS_FILE,
        'size.limit',
        `${eventsEntry.size} bytes; at most ${limits.maxEventsBytes}`,
        { size: eventsEntry.size, max: limits.maxEventsBytes },
      );
    } else {
      await checkEvents(
        await archive.read(eventsEntry, limits.maxEventsBytes),
        manifest,
        contentKey,
        out,
        limits.maxReasons,
      );
    }
  }
}

/** One token over manifest.jws (§1, §10 step 6): a reason when it fails, a notice when not trusted. */
async function checkTimestamp(
  source: VerifiedTimestamp['source'],
  token: Uint8Array,
  signatureBytes: Uint8Array,
  options: VerifyOptions,
  out: Collector,
): Promise<VerifiedTimestamp> {
  const trust = options.timestamp?.trust;
  const file = source === 'entry' ? TIMESTAMP_FILE : null;
  const where = source === 'entry' ? 'timestamp.tsr' : 'the token beside the bundle';
  const checked = await checkTimestampToken(token, signatureBytes, {
    tokenOnly: true,
    ...(trust !== undefined ? { trustedCertPem: trust } : {}),
  });
  const result: VerifiedTimestamp = {
    source,
    valid: checked.valid,
    trusted: checked.trusted,
    genTime: checked.genTime,
    tsa: checked.tsaName,
    ...(checked.reason ? { detail: checked.reason } : {}),
  };
  if (!checked.valid) {
    out.add(
      checked.failure === 'untrusted' ? 'TIMESTAMP_UNTRUSTED' : 'TIMESTAMP_INVALID',
      file,
      'timestamp.check',
      `${where}: ${checked.reason ?? 'does not verify'}`,
      { where: source },
    );
  } else if (!checked.trusted) {
    out.notices.push({
      code: 'TIMESTAMP_NOT_TRUSTED',
      file,
      detail: `${where} is sound and covers manifest.jws (${checked.genTime}), but no TSA certificate was given to trust it`,
      why: 'notice.timestamp',
      values: { where: source, time: checked.genTime ?? '?' },
    });
  }
  return result;
}

async function checkTicket(manifest: Manifest, options: VerifyOptions, out: Collector): Promise<void> {
  const file = MANIFEST_FILE;
  const result = await checkTicketSignature(manifest.ticket, options.ticketKeys);
  if (!result.ok) {
    out.add(result.reason, file, 'ticket.check', `ticket: ${result.detail}`);
    return;
  }
  const { claims } = result;
  const deviceThumbprint = await jwkThumbprint(manifest.deviceKey);
  if (claims.cnf.jkt !== deviceThumbprint) {
    out.add(
      'TICKET_KEY_MISMATCH',
      file,
      'ticket.key',
      `ticket cnf.jkt ${claims.cnf.jkt} is not the device key ${deviceThumbprint}`,
    );
  }
  const mismatches: string[] = [];
  const claimNames: string[] = [];
  if (claims.sid !== manifest.sessionId) {
    mismatches.push(`sid ${claims.sid} ≠ sessionId ${manifest.sessionId}`);
    claimNames.push('sid');
  }
  if (claims.iss !== manifest.lenderId) {
    mismatches.push(`iss ${claims.iss} ≠ lenderId ${manifest.lenderId}`);
    claimNames.push('iss');
  }
  if (claims.script !== manifest.script.id) {
    mismatches.push(`script ${claims.script} ≠ script.id ${manifest.script.id}`);
    claimNames.push('script');
  }
  if (mismatches.length)
    out.add('TICKET_CLAIM_MISMATCH', file, 'ticket.claims', mismatches.join('; '), {
      claims: claimNames.join(', '),
    });
  if (options.expectedNonce !== undefined && claims.nonce !== options.expectedNonce) {
    out.add(
      'TICKET_NONCE_MISMATCH',
      file,
      'ticket.nonce',
      'ticket nonce is not the one issued for this session',
    );
  }
  const started = Math.floor(Date.parse(manifest.startedAt) / 1000);
  const skew = options.clockSkewSeconds ?? 300;
  if (started > claims.exp + skew) {
    out.add(
      'TICKET_EXPIRED',
      file,
      'ticket.expired',
      `session started ${manifest.startedAt}, ticket expired ${new Date(claims.exp * 1000).toISOString()}`,
      { started: manifest.startedAt, expired: new Date(claims.exp * 1000).toISOString() },
    );
  }
  if (started < claims.iat - skew) {
    out.add(
      'TICKET_NOT_YET_VALID',
      file,
      'ticket.early',
      `session started ${manifest.startedAt}, before the ticket was issued`,
      { started: manifest.startedAt, issued: new Date(claims.iat * 1000).toISOString() },
    );
  }
}

async function unwrapWithAny(
  jwe: GeneralJWE,
  keys: readonly PrivateJwk[],
  out: Collector,
): Promise<Uint8Array | null> {
  const listed = new Set(recipientKeyIds(jwe));
  let lastDetail = `none of the ${keys.length} private key(s) is a recipient (recipients: ${[...listed].join(', ')})`;
  for (const key of keys) {
    if (!listed.has(await jwkThumbprint(key))) continue;
    try {
      return await unwrapContentKey(jwe, key);
    } catch (error) {
      if (!isDualrecError(error)) throw error;
      lastDetail = error.detail ?? error.message;
    }
  }
  out.add('KEY_UNWRAP_FAILED', MANIFEST_FILE, 'key.unwrap', lastDetail);
  return null;
}

async function checkFile(
  archive: ZipArchive,
  entry: ZipEntry,
  file: ManifestFile,
  contentKey: Uint8Array | null,
  out: Collector,
): Promise<void> {
  if (entry.crc32 !== file.crc32)
    out.add('ZIP_CRC_MISMATCH', file.name, 'crc.header', 'ZIP header CRC-32 differs from the manifest');
  if (entry.size !== file.size)
    out.add('FILE_SIZE_MISMATCH', file.name, 'file.size', `${entry.size} bytes, manifest says ${file.size}`, {
      size: entry.size,
      expected: file.size,
    });
  const enc = file.encryption;
  if (enc) {
    const head = await archive.read({ ...entry, size: Math.min(entry.size, 21 + 255) }, 276);
    let header: ReturnType<typeof parseRecordHeader> = null;
    try {
      header = parseRecordHeader(head);
    } catch {
      header = null;
    }
    const count = header ? recordCountForSize(entry.size, header.length, header.recordSize) : null;
    if (!header || header.recordSize !== enc.recordSize || count !== enc.records) {
      out.add(
        'RECORD_HEADER_INVALID',
        file.name,
        header ? 'record.header.size' : 'record.header.format',
        header
          ? `rs ${header.recordSize} and ${count ?? 'no whole number of'} records; manifest says rs ${enc.recordSize}, ${enc.records} records`
          : 'not an RFC 8188 aes128gcm header',
        header
          ? { rs: header.recordSize, expectedRs: enc.recordSize, expectedRecords: enc.records }
          : undefined,
      );
    }
  }
  const hasher = new ContentHasher();
  // The CRC too, over the same pieces: a verifier must not call valid an archive whose headers and
  // manifest agree on a CRC the bytes do not have (`unzip -t` fails it), §2.
  let crc = 0;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of archive.stream(entry)) {
      crc = crc32(chunk, crc);
      await hasher.update(chunk);
      yield chunk;
    }
  }
  const tapped = hashed();
  if (enc && contentKey) {
    try {
      for await (const _plaintext of openRecords(contentKey, tapped, {
        expectedRecordSize: enc.recordSize,
      })) {
        // Authenticating is the point; the plaintext is not kept.
      }
    } catch (error) {
      if (!isDualrecError(error, 'RECORD_DECRYPT_FAILED')) throw error;
      const reason = (error.context.reason as RecordFailure | undefined) ?? 'RECORD_AUTH_FAILED';
      out.add(reason, file.name, 'record.check', error.detail ?? error.message);
    }
  }
  // Hash whatever the record check did not consume.
  for await (const _chunk of tapped) {
    // draining
  }
  if (crc !== entry.crc32) {
    out.add(
      'ZIP_CRC_MISMATCH',
      file.name,
      'crc.data',
      `CRC-32 of the stored bytes is ${hex8(crc)}, the ZIP headers say ${hex8(entry.crc32)}`,
      { crc: hex8(crc), expected: hex8(entry.crc32) },
    );
  }
  if ((await hasher.digest()) !== file.contentHash) {
    out.add('FILE_HASH_MISMATCH', file.name, 'file.hash', 'content hash differs from the manifest');
  }
}

const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

async function checkEvents(
  bytes: Uint8Array,
  manifest: Manifest,
  contentKey: Uint8Array | null,
  out: Collector,
  maxReasons: number,
): Promise<void> {
  // What is left of the verdict's budget, with room for the log's own "checking stopped" reason.
  const budget = Math.max(1, maxReasons - out.reasons.length - 1);
  const check = await checkEventLog(bytes, manifest.sessionId, EVENTS_FILE, { maxReasons: budget });
  out.addAll(check.reasons);
  const { events } = check;
  if (events.length !== manifest.events.count || check.lastHash !== manifest.events.lastHash) {
    out.add(
      'EVENTS_HEAD_MISMATCH',
      EVENTS_FILE,
      'events.head',
      `log has ${events.length} events ending in ${check.lastHash.slice(0, 12)}…; manifest says ${manifest.events.count} ending in ${manifest.events.lastHash.slice(0, 12)}…`,
      {
        count: events.length,
        head: check.lastHash.slice(0, 12),
        expected: manifest.events.count,
        expectedHead: manifest.events.lastHash.slice(0, 12),
      },
    );
  }
  const first = events[0];
  const last = events[events.length - 1];
  if (first && first.wall !== manifest.startedAt) {
    out.add(
      'EVENTS_HEAD_MISMATCH',
      EVENTS_FILE,
      'events.startedAt',
      'manifest.startedAt is not the wall time of session.start',
    );
  }
  if (last && last.type === 'session.end' && last.wall !== manifest.endedAt) {
    out.add(
      'EVENTS_HEAD_MISMATCH',
      EVENTS_FILE,
      'events.endedAt',
      'manifest.endedAt is not the wall time of session.end',
    );
  }
  const read = new Set(
    events
      .filter((e) => e.type === 'speech.segment')
      .map((e) => e.payload.segmentId)
      .filter((id): id is string => typeof id === 'string'),
  );
  const missing = manifest.script.segments.filter((id) => !read.has(id));
  if (missing.length)
    out.add(
      'EVENTS_INCOMPLETE',
      EVENTS_FILE,
      'events.segments',
      `script segments without a speech.segment event: ${missing.join(', ')}`,
      { segments: missing.join(', ') },
    );
  if (contentKey) {
    for (const event of events) {
      if (event.sealed === undefined) continue;
      try {
        await openSealedFields(event, contentKey);
      } catch (error) {
        if (!isDualrecError(error)) throw error;
        out.add(
          'EVENT_SEALED_INVALID',
          EVENTS_FILE,
          'events.sealed',
          `seq ${event.seq}: ${error.detail ?? error.message}`,
          {
            seq: event.seq,
          },
        );
      }
    }
  }
}
