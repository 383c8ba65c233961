/**
 * The tamper and bad-input suite: every way of changing a valid bundle that the issue lists is
 * detected, each with its own reason code, and malformed input never crashes verify().
 */
import fc from 'fast-check';
import { GeneralEncrypt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { BundleWriter } from './bundle-writer.js';
import { concatBytes, fromBase64UrlStrict, fromHex, toBase64Url, utf8 } from './bytes.js';
import { canonicalBytes } from './canonical-json.js';
import { crc32 } from './crc32.js';
import { contentHash, sha256Hex } from './digest.js';
import { isLowS, normalizeLowS, P256_ORDER } from './ecdsa.js';
import { isDualrecError } from './errors.js';
import { EvidenceLog } from './event-log.js';
import {
  type DeviceKey,
  generateDeviceKey,
  generateKeyPairJwk,
  importPublicJwk,
  jwkThumbprint,
  type KeyPairJwk,
} from './keys.js';
import { generateContentKey, unwrapContentKey } from './keywrap.js';
import type { Manifest } from './manifest.js';
import { openBundle } from './open.js';
import { REASON_DETAIL_CODES } from './reasons.js';
import { RecordSealer, sealRecords } from './records.js';
import { type SampleOptions, writeSampleBundle } from './sample.js';
import { signManifest } from './signature.js';
import { collectBytes, MemorySink } from './streams.js';
import { issueTicket } from './ticket.js';
import { type VerifyOptions, verify } from './verify.js';
import { bytesSource, ZipArchive } from './zip-reader.js';
import { ZipWriter } from './zip-writer.js';

const RS = 100;
const MEDIA = Uint8Array.from({ length: 83 * 5 + 20 }, (_, i) => (i * 7) % 256);
const MEDIA_NAME = 'media/recording.webm.enc';
let encryption: KeyPairJwk;
let ticketSigning: KeyPairJwk;

beforeAll(async () => {
  [encryption, ticketSigning] = await Promise.all([
    generateKeyPairJwk('encryption'),
    generateKeyPairJwk('ticket-signing'),
  ]);
});

interface Sample {
  bytes: Uint8Array;
  deviceKey: DeviceKey;
  manifest: Manifest;
}

async function sample(overrides: Partial<SampleOptions> = {}, media = MEDIA): Promise<Sample> {
  const sink = new MemorySink();
  const result = await writeSampleBundle({
    sink,
    ticketSigningKey: ticketSigning.privateJwk,
    recipients: [encryption.publicJwk],
    recording: [media],
    recordingType: 'video/webm',
    recordSize: RS,
    startedAt: Date.UTC(2026, 2, 3, 4, 5, 6),
    ...overrides,
  });
  return { bytes: await sink.bytes(), deviceKey: result.deviceKey, manifest: result.manifest };
}

/** Verifies; every reason of every tamper case below also says how it failed (`why`, a listed code). */
async function check(bytes: Uint8Array, options: Partial<VerifyOptions> = {}) {
  const verdict = await verify(bytesSource(bytes), {
    ticketKeys: [ticketSigning.publicJwk],
    decryptionKeys: [encryption.privateJwk],
    ...options,
  });
  for (const reason of verdict.reasons) {
    expect(REASON_DETAIL_CODES, `${reason.code}: ${reason.detail}`).toContain(reason.why);
    for (const value of Object.values(reason.values ?? {}))
      expect(['string', 'number']).toContain(typeof value);
  }
  return verdict;
}

async function codes(bytes: Uint8Array, options: Partial<VerifyOptions> = {}): Promise<string[]> {
  const verdict = await check(bytes, options);
  expect(verdict.valid).toBe(verdict.reasons.length === 0);
  return verdict.reasons.map((r) => r.code);
}

type Entries = [string, Uint8Array][];

async function entriesOf(bytes: Uint8Array): Promise<Entries> {
  const archive = await ZipArchive.open(bytesSource(bytes));
  return Promise.all(
    archive.entries.map(
      async (e) => [e.name, await archive.read(e, Number.MAX_SAFE_INTEGER)] as [string, Uint8Array],
    ),
  );
}

/** Rewrites the archive like an attacker with a ZIP tool would: headers and CRCs all consistent. */
async function repack(entries: Entries): Promise<Uint8Array> {
  const sink = new MemorySink();
  const writer = new ZipWriter(sink);
  for (const [name, data] of entries) await writer.addEntry(name, [data]);
  await writer.finish();
  return sink.bytes();
}

function entry(entries: Entries, name: string): Uint8Array {
  const found = entries.find(([n]) => n === name);
  if (!found) throw new Error(`${name} missing`);
  return found[1];
}

function replace(entries: Entries, name: string, data: Uint8Array): Entries {
  return entries.map(([n, d]) => [n, n === name ? data : d]);
}

/**
 * The strongest attacker short of the lender's keys: holds the device key, so after changing
 * files it can update their sizes and hashes in the manifest and sign again. What remains to
 * catch it is the record layer, the event chain and the ticket.
 */
async function resign(
  entries: Entries,
  device: DeviceKey,
  mutate: (m: Manifest) => void = () => {},
): Promise<Uint8Array> {
  const manifest = JSON.parse(new TextDecoder().decode(entry(entries, 'manifest.json'))) as Manifest;
  for (const file of manifest.files) {
    const data = entry(entries, file.name);
    file.size = data.length;
    file.crc32 = crc32(data);
    file.contentHash = await contentHash(data);
    if (file.encryption) file.encryption.records = Math.ceil((data.length - 21) / file.encryption.recordSize);
  }
  mutate(manifest);
  const manifestBytes = canonicalBytes(manifest);
  const jws = await signManifest(manifestBytes, device.privateKey, device.publicJwk);
  return repack(replace(replace(entries, 'manifest.json', manifestBytes), 'manifest.jws', utf8(jws)));
}

function splitRecords(sealed: Uint8Array): { header: Uint8Array; records: Uint8Array[] } {
  const records: Uint8Array[] = [];
  for (let offset = 21; offset < sealed.length; offset += RS)
    records.push(sealed.subarray(offset, offset + RS));
  return { header: sealed.subarray(0, 21), records };
}

describe('a valid sample bundle', () => {
  it('verifies, with and without the private key, and opens', async () => {
    const { bytes, manifest } = await sample();
    const full = await check(bytes);
    expect(full.reasons).toEqual([]);
    expect(full.valid).toBe(true);
    expect(full.notices.map((n) => n.code)).toEqual(['SYNTHETIC_BUNDLE']);
    const keyless = await check(bytes, { decryptionKeys: [] });
    expect(keyless.valid).toBe(true);
    expect(keyless.notices.map((n) => n.code)).toContain('RECORDS_NOT_CHECKED');
    expect(manifest.files.map((f) => f.name)).toEqual([MEDIA_NAME, 'events.jsonl']);
    expect(manifest.files[0]?.encryption).toEqual({
      contentEncoding: 'aes128gcm',
      recordSize: RS,
      records: 6,
    });

    const opened = await openBundle(bytesSource(bytes), {
      decryptionKey: encryption.privateJwk,
      ticketKeys: [ticketSigning.publicJwk],
    });
    expect(await collectBytes(opened.decryptFile(MEDIA_NAME))).toEqual(MEDIA);
    const ocr = opened.events.find((e) => e.type === 'ocr.result');
    expect(ocr?.sealedFields).toMatchObject({ idNumber: '11010519491231002X' });
    expect(opened.events.every((e) => e.payload.synthetic === true)).toBe(true);
    // Personal fields never appear in the clear anywhere in the file.
    expect(new TextDecoder('latin1').decode(bytes)).not.toContain('11010519491231002X');
  });
});

describe('every single-byte change is detected', () => {
  let base: Sample;
  beforeAll(async () => {
    base = await sample();
  });

  async function assertDetected(index: number, xor: number): Promise<void> {
    const changed = base.bytes.slice();
    changed[index] = (changed[index] as number) ^ xor;
    const verdict = await check(changed, { decryptionKeys: [] });
    expect(verdict.valid, `byte ${index} ^ ${xor} went unnoticed`).toBe(false);
    expect(verdict.reasons.length).toBeGreaterThan(0);
  }

  it('every byte of every ZIP header, descriptor, the central directory, the EOCD and manifest.jws', async () => {
    const archive = await ZipArchive.open(bytesSource(base.bytes));
    const positions = new Set<number>();
    for (const e of archive.entries) {
      const headerStart = e.dataOffset - 30 - e.name.length;
      for (let i = headerStart; i < e.dataOffset; i++) positions.add(i);
      for (let i = e.dataOffset + e.size; i < e.dataOffset + e.size + 16; i++) positions.add(i);
    }
    const last = archive.entries.at(-1);
    if (!last) throw new Error('no entries');
    const jws = archive.get('manifest.jws');
    if (!jws) throw new Error('no signature');
    for (let i = jws.dataOffset; i < base.bytes.length; i++) positions.add(i);
    for (const position of positions) await assertDetected(position, 0x01);
    expect(positions.size).toBeGreaterThan(500);
  }, 60_000);

  it('property: any byte anywhere, any change', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(base.bytes.length - 1),
        fc.integer({ min: 1, max: 255 }),
        async (index, xor) => {
          await assertDetected(index, xor);
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000);
});

describe('tampering with records', () => {
  it('dropped / reordered / duplicated / truncated records: the hash catches them, the key names them', async () => {
    const { bytes, deviceKey } = await sample();
    const entries = await entriesOf(bytes);
    const { header, records } = splitRecords(entry(entries, MEDIA_NAME));
    const variants: [string, Uint8Array[]][] = [
      ['RECORD_MISSING', [...records.slice(0, 2), ...records.slice(3)]],
      ['RECORD_REORDERED', [records[0], records[2], records[1], ...records.slice(3)] as Uint8Array[]],
      ['RECORD_DUPLICATED', [...records.slice(0, 3), records[2], ...records.slice(3)] as Uint8Array[]],
      ['RECORD_TRUNCATED', records.slice(0, -1)],
    ];
    for (const [expected, list] of variants) {
      const tampered = replace(entries, MEDIA_NAME, concatBytes([header, ...list]));
      // Without re-signing: the manifest's hash, CRC and size no longer match.
      const plain = await codes(await repack(tampered));
      expect(plain).toContain('FILE_HASH_MISMATCH');
      expect(plain).toContain(expected);
      // Re-signed with the device key: only the record layer can tell, and it does.
      expect(await codes(await resign(tampered, deviceKey))).toEqual([expected]);
    }
  });

  it('a flipped ciphertext byte, re-signed → RECORD_AUTH_FAILED; a wrong rs in the manifest → RECORD_HEADER_INVALID', async () => {
    const { bytes, deviceKey } = await sample();
    const entries = await entriesOf(bytes);
    const media = entry(entries, MEDIA_NAME).slice();
    media[100] = (media[100] as number) ^ 0x80;
    expect(await codes(await resign(replace(entries, MEDIA_NAME, media), deviceKey))).toEqual([
      'RECORD_AUTH_FAILED',
    ]);
    const wrongRs = await resign(entries, deviceKey, (m) => {
      const enc = m.files[0]?.encryption;
      if (enc) enc.recordSize = 200;
    });
    expect(await codes(wrongRs)).toEqual(expect.arrayContaining(['RECORD_HEADER_INVALID']));
  });

  it('the media of two valid bundles swapped → FILE_HASH_MISMATCH and RECORD_AUTH_FAILED', async () => {
    const one = await sample();
    const two = await sample();
    const swapped = replace(
      await entriesOf(one.bytes),
      MEDIA_NAME,
      entry(await entriesOf(two.bytes), MEDIA_NAME),
    );
    const result = await codes(await repack(swapped));
    expect(result).toContain('FILE_HASH_MISMATCH');
    expect(result).toContain('RECORD_AUTH_FAILED');
    // Even re-signed, another bundle's media does not decrypt under this bundle's content key.
    expect(await codes(await resign(swapped, one.deviceKey))).toEqual(['RECORD_AUTH_FAILED']);
  });
});

describe('tampering with the event log', () => {
  async function tamperedLog(edit: (lines: string[]) => string[]) {
    const { bytes, deviceKey } = await sample();
    const entries = await entriesOf(bytes);
    const lines = new TextDecoder().decode(entry(entries, 'events.jsonl')).split('\n').slice(0, -1);
    const events = utf8(
      edit(lines)
        .map((l) => `${l}\n`)
        .join(''),
    );
    return { entries: replace(entries, 'events.jsonl', events), deviceKey, edited: edit(lines) };
  }

  it('a deleted line → EVENTS_CHAIN_BROKEN, even when the device re-signs the new log', async () => {
    const { entries, deviceKey, edited } = await tamperedLog((l) => [...l.slice(0, 2), ...l.slice(3)]);
    expect(await codes(await repack(entries))).toEqual(
      expect.arrayContaining(['FILE_HASH_MISMATCH', 'EVENTS_CHAIN_BROKEN']),
    );
    const resigned = await resign(entries, deviceKey, (m) => {
      m.events.count = edited.length;
    });
    expect(await codes(resigned)).toEqual(expect.arrayContaining(['EVENTS_CHAIN_BROKEN']));
    expect(await codes(resigned)).not.toContain('FILE_HASH_MISMATCH');
  });

  it('reordered lines → EVENTS_CHAIN_BROKEN', async () => {
    const { entries } = await tamperedLog((l) => [l[0], l[2], l[1], ...l.slice(3)] as string[]);
    expect(await codes(await repack(entries))).toEqual(expect.arrayContaining(['EVENTS_CHAIN_BROKEN']));
  });

  it('the tail cut off and re-signed → EVENTS_HEAD_MISMATCH and EVENTS_INCOMPLETE', async () => {
    const { entries, deviceKey } = await tamperedLog((l) => l.slice(0, -2));
    const result = await codes(await resign(entries, deviceKey));
    expect(result).toEqual(expect.arrayContaining(['EVENTS_HEAD_MISMATCH', 'EVENTS_INCOMPLETE']));
  });

  it('a sealed field replaced by garbage and re-signed → EVENT_SEALED_INVALID', async () => {
    const { bytes, deviceKey } = await sample();
    const entries = await entriesOf(bytes);
    const text = new TextDecoder().decode(entry(entries, 'events.jsonl'));
    const tampered = text.replace(/"sealed":"([A-Za-z0-9_-]{10})/, '"sealed":"AAAAAAAAAA');
    expect(tampered).not.toBe(text);
    // Re-chain so only the sealed value is wrong.
    const lines = tampered.split('\n').slice(0, -1);
    const rechained: string[] = [];
    for (const line of lines) {
      const event = JSON.parse(line);
      if (rechained.length > 0) event.prev = await sha256Hex(rechained.at(-1) as string);
      rechained.push(new TextDecoder().decode(canonicalBytes(event)));
    }
    const lastHash = await sha256Hex(rechained.at(-1) as string);
    const events = utf8(rechained.map((l) => `${l}\n`).join(''));
    const final = await resign(replace(entries, 'events.jsonl', events), deviceKey, (m) => {
      m.events.lastHash = lastHash;
    });
    expect(await codes(final)).toEqual(['EVENT_SEALED_INVALID']);
  });

  it('a script segment never read → EVENTS_INCOMPLETE', async () => {
    const device = await generateDeviceKey();
    const contentKey = generateContentKey();
    const startedAt = Date.UTC(2026, 0, 1);
    const ticket = await issueTicket(
      {
        lenderId: 'L',
        sessionId: 's',
        scriptId: 'sc',
        nonce: 'n',
        deviceKeyThumbprint: device.thumbprint,
        now: startedAt,
      },
      ticketSigning.privateJwk,
    );
    const sink = new MemorySink();
    const writer = BundleWriter.create({
      sink,
      sessionId: 's',
      lenderId: 'L',
      ticket,
      deviceKey: device,
      contentKey,
      recipients: [encryption.publicJwk],
      sdk: { name: 'test', version: '0' },
      device: {},
      script: { id: 'sc', sha256: await sha256Hex('script'), segments: ['a', 'b'] },
    });
    let t = 0;
    const log = new EvidenceLog({
      sessionId: 's',
      contentKey,
      clock: { monotonic: () => t, wall: () => startedAt + t++ },
    });
    await log.append('session.start');
    await log.append('speech.segment', { segmentId: 'a' });
    await log.append('session.end');
    await writer.addMedia({ name: 'media/r.webm.enc', role: 'recording', mediaType: 'video/webm' }, [MEDIA]);
    await writer.finish(log);
    const verdict = await check(await sink.bytes());
    expect(verdict.reasons).toEqual([
      expect.objectContaining({ code: 'EVENTS_INCOMPLETE', detail: expect.stringContaining('b') }),
    ]);
  });
});

describe('tampering with the manifest, signature and ticket', () => {
  it('an edited manifest field → SIGNATURE_INVALID', async () => {
    const { bytes } = await sample();
    const entries = await entriesOf(bytes);
    const manifest = JSON.parse(new TextDecoder().decode(entry(entries, 'manifest.json')));
    manifest.steps[0].status = 'failed';
    const edited = replace(entries, 'manifest.json', canonicalBytes(manifest));
    expect(await codes(await repack(edited))).toEqual(['SIGNATURE_INVALID']);
  });

  it('a signature by another key → SIGNATURE_INVALID; the manifest re-keyed to that key → TICKET_KEY_MISMATCH', async () => {
    const { bytes } = await sample();
    const entries = await entriesOf(bytes);
    const thief = await generateDeviceKey();
    const manifestBytes = entry(entries, 'manifest.json');
    const foreign = await signManifest(
      manifestBytes,
      thief.privateKey,
      JSON.parse(new TextDecoder().decode(manifestBytes)).deviceKey,
    );
    expect(await codes(await repack(replace(entries, 'manifest.jws', utf8(foreign))))).toEqual([
      'SIGNATURE_INVALID',
    ]);
    const rekeyed = await resign(entries, thief, (m) => {
      m.deviceKey = { kty: 'EC', crv: 'P-256', x: thief.publicJwk.x, y: thief.publicJwk.y };
    });
    expect(await codes(rekeyed)).toEqual(['TICKET_KEY_MISMATCH']);
  });

  it('a ticket issued for another device key → TICKET_KEY_MISMATCH', async () => {
    const other = await generateDeviceKey();
    const { bytes } = await sample({ ticketThumbprint: other.thumbprint });
    expect(await codes(bytes)).toEqual(['TICKET_KEY_MISMATCH']);
  });

  it('a ticket replayed after its expiry → TICKET_EXPIRED; issued after the session → TICKET_NOT_YET_VALID', async () => {
    const startedAt = Date.UTC(2026, 2, 3, 4, 5, 6);
    const late = await sample({ startedAt, ticketIssuedAt: startedAt - 2 * 3600_000, ticketTtlSeconds: 900 });
    expect(await codes(late.bytes)).toEqual(['TICKET_EXPIRED']);
    const early = await sample({ startedAt, ticketIssuedAt: startedAt + 3600_000 });
    expect(await codes(early.bytes)).toEqual(['TICKET_NOT_YET_VALID']);
  });

  it('a ticket not signed by the lender → TICKET_SIGNATURE_INVALID; another nonce → TICKET_NONCE_MISMATCH', async () => {
    const impostor = await generateKeyPairJwk('ticket-signing');
    const forged = await sample({ ticketSigningKey: impostor.privateJwk });
    expect(await codes(forged.bytes)).toEqual(['TICKET_SIGNATURE_INVALID']);
    const { bytes } = await sample();
    expect(await codes(bytes, { expectedNonce: 'another-nonce' })).toEqual(['TICKET_NONCE_MISMATCH']);
  });

  it('ticket claims that disagree with the manifest → TICKET_CLAIM_MISMATCH', async () => {
    const { bytes, deviceKey } = await sample();
    const resigned = await resign(await entriesOf(bytes), deviceKey, (m) => {
      m.lenderId = 'someone-else.example';
    });
    expect(await codes(resigned)).toEqual(['TICKET_CLAIM_MISMATCH']);
  });
});

describe('the time-stamp beside the bundle (options.timestamp)', () => {
  it('asked for and absent → TIMESTAMP_MISSING; garbage → TIMESTAMP_INVALID; not asked for → nothing', async () => {
    const { bytes } = await sample();
    const missing = await check(bytes, { timestamp: { token: null } });
    expect(missing.reasons.map((r) => [r.code, r.file])).toEqual([['TIMESTAMP_MISSING', null]]);
    const garbage = await check(bytes, { timestamp: { token: utf8('not a token') } });
    expect(garbage.reasons.map((r) => r.code)).toEqual(['TIMESTAMP_INVALID']);
    expect(garbage.timestamps).toMatchObject([{ source: 'beside', valid: false }]);
    const huge = await check(bytes, { timestamp: { token: new Uint8Array(64 * 1024 + 1) } });
    expect(huge.reasons.map((r) => r.code)).toEqual(['TIMESTAMP_INVALID']);
    const plain = await check(bytes);
    expect(plain.valid).toBe(true);
    expect(plain.timestamps).toEqual([]);
  });
});

describe('canonical (low-S) signatures', () => {
  /** The same signature spelled (r, n − s): valid ECDSA, a second file for one piece of evidence. */
  function flipS(compact: string): string {
    const dot = compact.lastIndexOf('.');
    const signature = fromBase64UrlStrict(compact.slice(dot + 1)) as Uint8Array;
    let s = 0n;
    for (const byte of signature.subarray(32)) s = (s << 8n) | BigInt(byte);
    let flipped = P256_ORDER - s;
    const out = signature.slice();
    for (let i = 63; i >= 32; i--) {
      out[i] = Number(flipped & 0xffn);
      flipped >>= 8n;
    }
    return `${compact.slice(0, dot + 1)}${toBase64Url(out)}`;
  }

  it('manifest.jws with s → n − s → SIGNATURE_NOT_CANONICAL (it still verifies as ECDSA)', async () => {
    const { bytes } = await sample();
    const entries = await entriesOf(bytes);
    const jws = new TextDecoder().decode(entry(entries, 'manifest.jws'));
    expect(isLowS(fromBase64UrlStrict(jws.split('.')[2] as string) as Uint8Array)).toBe(true);
    const highS = flipS(jws);
    expect(isLowS(fromBase64UrlStrict(highS.split('.')[2] as string) as Uint8Array)).toBe(false);
    const verdict = await check(await repack(replace(entries, 'manifest.jws', utf8(highS))));
    expect(verdict.reasons.map((r) => [r.code, r.file])).toEqual([
      ['SIGNATURE_NOT_CANONICAL', 'manifest.jws'],
    ]);
  });

  it('a ticket with s → n − s, re-signed into the manifest → SIGNATURE_NOT_CANONICAL', async () => {
    const { bytes, deviceKey } = await sample();
    const resigned = await resign(await entriesOf(bytes), deviceKey, (m) => {
      m.ticket = flipS(m.ticket);
    });
    const verdict = await check(resigned);
    expect(verdict.reasons.map((r) => [r.code, r.file])).toEqual([
      ['SIGNATURE_NOT_CANONICAL', 'manifest.json'],
    ]);
    expect(verdict.reasons[0]?.detail).toMatch(/^ticket: /);
  });

  it('signManifest and issueTicket always sign low-S (WebCrypto alone gives high S half the time)', async () => {
    const device = await generateDeviceKey();
    for (let i = 0; i < 24; i++) {
      const jws = await signManifest(utf8(`{"n":${i}}`), device.privateKey, device.publicJwk);
      expect(isLowS(fromBase64UrlStrict(jws.split('.')[2] as string) as Uint8Array), `manifest ${i}`).toBe(
        true,
      );
      const ticket = await issueTicket(
        {
          lenderId: 'lender.example',
          sessionId: `s${i}`,
          scriptId: 'script',
          nonce: `n${i}`,
          deviceKeyThumbprint: device.thumbprint,
        },
        ticketSigning.privateJwk,
      );
      expect(isLowS(fromBase64UrlStrict(ticket.split('.')[2] as string) as Uint8Array), `ticket ${i}`).toBe(
        true,
      );
    }
  });

  it('normalizeLowS leaves low S alone and maps a high S to n − s', () => {
    const low = new Uint8Array(64).fill(1);
    expect(normalizeLowS(low)).toBe(low);
    const high = new Uint8Array(64).fill(7);
    high.set(
      fromHex(P256_ORDER.toString(16)).map((b, i) => (i === 31 ? b - 1 : b)),
      32,
    ); // n − 1
    const fixed = normalizeLowS(high);
    expect(isLowS(high)).toBe(false);
    expect(isLowS(fixed)).toBe(true);
    expect(fixed.subarray(0, 32)).toEqual(high.subarray(0, 32));
    expect(fixed.subarray(32)).toEqual(fromHex(`${'00'.repeat(31)}01`)); // n − (n − 1)
    expect(() => normalizeLowS(new Uint8Array(63))).toThrow();
    expect(() => normalizeLowS(new Uint8Array(64))).toThrow(); // s = 0
  });

  it('the verdict names the bundle by the SHA-256 of manifest.json, the same whatever the archive around it', async () => {
    const { bytes } = await sample();
    const entries = await entriesOf(bytes);
    const verdict = await check(bytes);
    expect(verdict.manifestSha256).toBe(await sha256Hex(entry(entries, 'manifest.json')));
    // Another file (a trailing entry), same manifest: same manifest hash, different file hash.
    const other = await repack([...entries, ['timestamp.tsr', utf8('x')]]);
    expect(await sha256Hex(other)).not.toBe(await sha256Hex(bytes));
    expect((await check(other)).manifestSha256).toBe(verdict.manifestSha256);
    expect((await check(utf8('not a zip'))).manifestSha256).toBeNull();
  });
});

/** Writes `crc` into an entry's data descriptor and central header (what a ZIP tool would keep). */
async function patchCrc(bytes: Uint8Array, name: string, crc: number): Promise<Uint8Array> {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const found = (await ZipArchive.open(bytesSource(bytes))).get(name);
  if (!found) throw new Error(`${name} missing`);
  view.setUint32(found.dataOffset + found.size + 4, crc, true);
  let pos = view.getUint32(out.length - 22 + 16, true);
  while (view.getUint32(pos, true) === 0x02014b50) {
    const length = view.getUint16(pos + 28, true);
    if (new TextDecoder().decode(out.subarray(pos + 46, pos + 46 + length)) === name)
      view.setUint32(pos + 16, crc, true);
    pos += 46 + length;
  }
  return out;
}

describe('the CRC-32 of every entry is checked against its bytes', () => {
  it('a media entry whose manifest and ZIP headers agree on a wrong CRC → ZIP_CRC_MISMATCH', async () => {
    const { bytes, deviceKey } = await sample();
    const entries = await entriesOf(bytes);
    const wrong = (crc32(entry(entries, MEDIA_NAME)) ^ 0x1) >>> 0;
    const resigned = await resign(entries, deviceKey, (m) => {
      (m.files[0] as Manifest['files'][number]).crc32 = wrong;
    });
    const agreed = await patchCrc(resigned, MEDIA_NAME, wrong);
    for (const options of [{}, { decryptionKeys: [] }]) {
      const verdict = await check(agreed, options);
      expect(verdict.reasons.map((r) => [r.code, r.file])).toEqual([['ZIP_CRC_MISMATCH', MEDIA_NAME]]);
      expect(verdict.reasons[0]?.detail).toMatch(/stored bytes/);
    }
  });

  it('the same for events.jsonl', async () => {
    const { bytes, deviceKey } = await sample();
    const entries = await entriesOf(bytes);
    const wrong = (crc32(entry(entries, 'events.jsonl')) + 1) >>> 0;
    const resigned = await resign(entries, deviceKey, (m) => {
      (m.files[1] as Manifest['files'][number]).crc32 = wrong;
    });
    expect(await codes(await patchCrc(resigned, 'events.jsonl', wrong))).toEqual(['ZIP_CRC_MISMATCH']);
  });
});

describe('JWE header members (§7)', () => {
  it('a recipient header member beyond alg, kid, epk, re-signed → MANIFEST_SCHEMA', async () => {
    const { bytes, deviceKey } = await sample();
    const resigned = await resign(await entriesOf(bytes), deviceKey, (m) => {
      (m.encryption.contentKey.recipients?.[0]?.header as Record<string, unknown>).x5u =
        'https://evil.example/';
    });
    const verdict = await check(resigned);
    expect(verdict.reasons.map((r) => r.code)).toEqual(['MANIFEST_SCHEMA']);
    expect(verdict.reasons[0]?.detail).toMatch(/x5u is not allowed/);
  });

  it('a protected header member beyond enc, cty, epk → the content key is refused', async () => {
    const kid = await jwkThumbprint(encryption.publicJwk);
    const jwe = await new GeneralEncrypt(generateContentKey())
      .setProtectedHeader({ enc: 'A256GCM', cty: 'application/dualrec-content-key', x: 'y' })
      .addRecipient(await importPublicJwk(encryption.publicJwk, 'encryption'))
      .setUnprotectedHeader({ alg: 'ECDH-ES+A256KW', kid })
      .encrypt();
    await expect(unwrapContentKey(jwe, encryption.privateJwk)).rejects.toMatchObject({
      code: 'RECORD_DECRYPT_FAILED',
      detail: expect.stringMatching(/x not allowed/),
    });
  });
});

describe('media sealed during recording', () => {
  it('addSealedMedia takes chunks sealed earlier with the same content key; the count comes from the size', async () => {
    const device = await generateDeviceKey();
    const contentKey = generateContentKey();
    const startedAt = Date.UTC(2026, 0, 1);
    const ticket = await issueTicket(
      {
        lenderId: 'L',
        sessionId: 's',
        scriptId: 'sc',
        nonce: 'n',
        deviceKeyThumbprint: device.thumbprint,
        now: startedAt,
      },
      ticketSigning.privateJwk,
    );
    // What the capture package does: seal each recorder chunk as it arrives, keep only ciphertext.
    const sealer = await RecordSealer.create(contentKey, { recordSize: RS });
    const stored: Uint8Array[] = [];
    for (let offset = 0; offset < MEDIA.length; offset += 57)
      stored.push(...(await sealer.push(MEDIA.subarray(offset, offset + 57))));
    stored.push(...(await sealer.finish()));
    const sink = new MemorySink();
    const writer = BundleWriter.create({
      sink,
      sessionId: 's',
      lenderId: 'L',
      ticket,
      deviceKey: device,
      contentKey,
      recipients: [encryption.publicJwk],
      sdk: { name: 'test', version: '0' },
      device: {},
      script: { id: 'sc', sha256: await sha256Hex('script'), segments: [] },
    });
    const file = await writer.addSealedMedia(
      { name: 'media/r.webm.enc', role: 'recording', mediaType: 'video/webm' },
      stored,
    );
    expect(file.encryption).toEqual({
      contentEncoding: 'aes128gcm',
      recordSize: RS,
      records: sealer.recordCount,
    });
    await expect(
      writer.addSealedMedia({ name: 'media/bad.enc', role: 'recording', mediaType: 'video/webm' }, [
        utf8('not sealed'),
      ]),
    ).rejects.toMatchObject({ code: 'BAD_USAGE' });
    let t = 0;
    const log = new EvidenceLog({
      sessionId: 's',
      contentKey,
      clock: { monotonic: () => t, wall: () => startedAt + t++ },
    });
    await log.append('session.start');
    // The failed entry may be half-written, so the writer refuses to go on.
    await expect(writer.finish(log)).rejects.toMatchObject({
      code: 'BAD_USAGE',
      detail: expect.stringContaining('earlier'),
    });
  });

  it('a finished log makes a valid bundle from pre-sealed media', async () => {
    const device = await generateDeviceKey();
    const contentKey = generateContentKey();
    const startedAt = Date.UTC(2026, 0, 1);
    const ticket = await issueTicket(
      {
        lenderId: 'L',
        sessionId: 's',
        scriptId: 'sc',
        nonce: 'n',
        deviceKeyThumbprint: device.thumbprint,
        now: startedAt,
      },
      ticketSigning.privateJwk,
    );
    const sealed = await collectBytes(sealRecords(contentKey, [MEDIA], { recordSize: RS }));
    const sink = new MemorySink();
    const writer = BundleWriter.create({
      sink,
      sessionId: 's',
      lenderId: 'L',
      ticket,
      deviceKey: device,
      contentKey,
      recipients: [encryption.publicJwk],
      sdk: { name: 'test', version: '0' },
      device: {},
      script: { id: 'sc', sha256: await sha256Hex('script'), segments: [] },
    });
    await writer.addSealedMedia({ name: 'media/r.webm.enc', role: 'recording', mediaType: 'video/webm' }, [
      sealed.subarray(0, 10),
      sealed.subarray(10),
    ]);
    let t = 0;
    const log = new EvidenceLog({
      sessionId: 's',
      contentKey,
      clock: { monotonic: () => t, wall: () => startedAt + t++ },
    });
    await log.append('session.start');
    await log.append('session.end');
    await writer.finish(log);
    expect((await check(await sink.bytes())).reasons).toEqual([]);
  });
});

describe('bad input never crashes verify()', () => {
  it('a deeply nested manifest and an oversized event line are reasons, not stack overflows', async () => {
    const { bytes, deviceKey } = await sample();
    const entries = await entriesOf(bytes);
    const deep = utf8(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(await codes(await repack(replace(entries, 'manifest.json', deep)))).toEqual([
      'MANIFEST_NOT_CANONICAL',
      'MANIFEST_SCHEMA',
    ]);
    const events = new TextDecoder().decode(entry(entries, 'events.jsonl'));
    const huge = `${events}{"pad":"${'x'.repeat(300 * 1024)}"}\n`;
    const result = await codes(await resign(replace(entries, 'events.jsonl', utf8(huge)), deviceKey));
    expect(result).toContain('EVENTS_MALFORMED');
  });

  it('invalid UTF-8, invalid JSON, non-canonical JSON and wrong types in manifest.json', async () => {
    const { bytes, deviceKey } = await sample();
    const entries = await entriesOf(bytes);
    const manifestText = new TextDecoder().decode(entry(entries, 'manifest.json'));
    const invalidUtf8 = concatBytes([
      utf8(manifestText.slice(0, 20)),
      new Uint8Array([0xff, 0xfe]),
      utf8(manifestText.slice(20)),
    ]);
    expect(await codes(await repack(replace(entries, 'manifest.json', invalidUtf8)))).toEqual([
      'MANIFEST_INVALID_JSON',
    ]);
    expect(await codes(await repack(replace(entries, 'manifest.json', utf8('{"format":'))))).toEqual([
      'MANIFEST_INVALID_JSON',
    ]);
    const pretty = utf8(JSON.stringify(JSON.parse(manifestText), null, 2));
    expect(await codes(await repack(replace(entries, 'manifest.json', pretty)))).toEqual([
      'MANIFEST_NOT_CANONICAL',
      'SIGNATURE_INVALID',
    ]);
    for (const mutate of [
      (m: Manifest) => {
        (m as unknown as Record<string, unknown>).files = 'none';
      },
      (m: Manifest) => {
        (m.events as unknown as Record<string, unknown>).count = '12';
      },
      (m: Manifest) => {
        (m as unknown as Record<string, unknown>).format = 'dualrec-bundle/2';
      },
      (m: Manifest) => {
        (m as unknown as Record<string, unknown>).extra = true;
      },
    ]) {
      expect(await codes(await resign(entries, deviceKey, mutate))).toEqual(['MANIFEST_SCHEMA']);
    }
    expect(await codes(await repack(replace(entries, 'manifest.json', utf8('[]'))))).toEqual([
      'MANIFEST_SCHEMA',
    ]);
  });

  it('missing, unlisted and reordered entries', async () => {
    const { bytes } = await sample();
    const entries = await entriesOf(bytes);
    expect(await codes(await repack(entries.filter(([n]) => n !== 'events.jsonl')))).toEqual([
      'ENTRY_MISSING',
    ]);
    expect(await codes(await repack(entries.filter(([n]) => n !== 'manifest.jws')))).toEqual([
      'ENTRY_MISSING',
    ]);
    const extra: Entries = [...entries.slice(0, 2), ['media/extra.bin', utf8('x')], ...entries.slice(2)];
    expect(await codes(await repack(extra))).toEqual(expect.arrayContaining(['ENTRY_UNLISTED']));
    const reordered: Entries = [entries[1], entries[0], ...entries.slice(2)] as Entries;
    expect(await codes(await repack(reordered))).toEqual(['ZIP_NONCANONICAL']);
  });

  it('a timestamp.tsr entry is checked, never only noted: garbage → TIMESTAMP_INVALID; anywhere but last the order is wrong', async () => {
    const { bytes } = await sample();
    const entries = await entriesOf(bytes);
    const stamped = await check(await repack([...entries, ['timestamp.tsr', utf8('token')]]));
    expect(stamped.reasons.map((r) => [r.code, r.file])).toEqual([['TIMESTAMP_INVALID', 'timestamp.tsr']]);
    expect(stamped.timestamps).toMatchObject([{ source: 'entry', valid: false, genTime: null }]);
    // A DER value that is not a token, and a token-looking prefix with bytes after it.
    const der = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x00]);
    for (const token of [der, concatBytes([der, utf8('x')])]) {
      const verdict = await check(await repack([...entries, ['timestamp.tsr', token]]));
      expect(verdict.reasons.map((r) => r.code)).toEqual(['TIMESTAMP_INVALID']);
    }
    const misplaced: Entries = [
      ...entries.slice(0, 2),
      ['timestamp.tsr', utf8('token')],
      ...entries.slice(2),
    ];
    expect(await codes(await repack(misplaced))).toEqual(['ZIP_NONCANONICAL', 'TIMESTAMP_INVALID']);
  });

  it('not a zip, truncated, path traversal: invalid verdicts with ZIP_* reasons', async () => {
    const { bytes } = await sample();
    expect(await codes(utf8('hello'))).toEqual(['ZIP_MALFORMED']);
    expect(await codes(bytes.subarray(0, bytes.length / 2))).toEqual(['ZIP_MALFORMED']);
    const entries = await entriesOf(bytes);
    // ZipWriter itself does not police names (the bundle writer does), so it can forge these.
    for (const name of ['../../../etc/cron.d/x', 'media/../../x', '/abs', 'media\\x']) {
      const forged = await repack([[name, utf8('x')] as [string, Uint8Array], ...entries]);
      expect(await codes(forged), name).toEqual(['ZIP_UNSAFE_NAME']);
    }
    const duplicated = await repack([...entries.slice(0, 1), ...entries]).catch((e: unknown) => e);
    expect(isDualrecError(duplicated, 'BAD_USAGE')).toBe(true);
  });

  it('a key that is not a recipient → KEY_UNWRAP_FAILED; openBundle refuses with typed errors', async () => {
    const { bytes } = await sample();
    const stranger = await generateKeyPairJwk('encryption');
    expect(await codes(bytes, { decryptionKeys: [stranger.privateJwk] })).toEqual(['KEY_UNWRAP_FAILED']);
    await expect(
      openBundle(bytesSource(bytes), {
        decryptionKey: stranger.privateJwk,
        ticketKeys: [ticketSigning.publicJwk],
      }),
    ).rejects.toMatchObject({ code: 'KEY_NOT_RECIPIENT' });
    const broken = bytes.slice();
    broken[200] = (broken[200] as number) ^ 1;
    const error = await openBundle(bytesSource(broken), {
      decryptionKey: encryption.privateJwk,
      ticketKeys: [ticketSigning.publicJwk],
    }).catch((e: unknown) => e);
    expect(isDualrecError(error, 'BUNDLE_INVALID')).toBe(true);
    await expect(verify(bytesSource(bytes), { ticketKeys: [] })).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });
});
