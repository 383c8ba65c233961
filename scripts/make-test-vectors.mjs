#!/usr/bin/env node
/**
 * Writes docs/test-vectors/: small dualrec bundles (one valid, one per failure class), the lender
 * keys to check them with, and expected.json with each one's verdict (docs/bundle-format.md §13).
 *
 *   pnpm build && node scripts/make-test-vectors.mjs && pnpm format
 *
 * Every bundle is made by @dualrec/evidence and changed here by code (never by hand), as an
 * attacker with a ZIP tool — and, where said, with the device key — would change it. The keys in
 * keys/ are reused when present so that re-running changes only what must change: ECDSA signatures,
 * the content key and the ticket nonce are random, so the bundle bytes differ from run to run,
 * while the verdicts do not. Each expected verdict is written from the list below (what the spec
 * says), and this script refuses to write a vector whose verdict from verify() differs.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bytesSource,
  canonicalBytes,
  contentHash,
  crc32,
  fromBase64UrlStrict,
  generateDeviceKey,
  generateKeyPairJwk,
  MemorySink,
  P256_ORDER,
  signManifest,
  toBase64Url,
  verify,
  writeSampleBundle,
  ZipArchive,
  ZipWriter,
} from '../packages/evidence/dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'test-vectors');
const keysDir = join(out, 'keys');
const utf8 = (text) => new TextEncoder().encode(text);
const START = Date.UTC(2026, 0, 2, 3, 4, 5);
const MEDIA = Uint8Array.from({ length: 250 }, (_, i) => (i * 7 + 3) % 256);
const MEDIA_NAME = 'media/recording.webm.enc';

function loadOrCreate(name, purpose) {
  const file = join(keysDir, `${name}.private.jwk`);
  if (existsSync(file)) {
    const privateJwk = JSON.parse(readFileSync(file, 'utf8'));
    const { d: _d, ...publicJwk } = privateJwk;
    return Promise.resolve({ privateJwk, publicJwk });
  }
  return generateKeyPairJwk(purpose);
}

mkdirSync(keysDir, { recursive: true });
const ticketSigning = await loadOrCreate('ticket-signing', 'ticket-signing');
const encryption = await loadOrCreate('encryption', 'encryption');
const impostor = await loadOrCreate('impostor-ticket-signing', 'ticket-signing');
for (const [name, pair] of [
  ['ticket-signing', ticketSigning],
  ['encryption', encryption],
  ['impostor-ticket-signing', impostor],
]) {
  writeFileSync(join(keysDir, `${name}.private.jwk`), `${JSON.stringify(pair.privateJwk, null, 2)}\n`);
  writeFileSync(join(keysDir, `${name}.public.jwk`), `${JSON.stringify(pair.publicJwk, null, 2)}\n`);
}

async function sample(overrides = {}) {
  const sink = new MemorySink();
  const deviceKey = await generateDeviceKey();
  await writeSampleBundle({
    sink,
    ticketSigningKey: ticketSigning.privateJwk,
    recipients: [encryption.publicJwk],
    recording: [MEDIA],
    recordingType: 'video/webm',
    recordSize: 100,
    startedAt: START,
    seconds: 2,
    sessionId: 'vector-session-1',
    deviceKey,
    ...overrides,
  });
  return { bytes: await sink.bytes(), deviceKey };
}

async function entriesOf(bytes) {
  const archive = await ZipArchive.open(bytesSource(bytes));
  const entries = [];
  for (const e of archive.entries) entries.push([e.name, await archive.read(e, Number.MAX_SAFE_INTEGER)]);
  return entries;
}

async function repack(entries) {
  const sink = new MemorySink();
  const writer = new ZipWriter(sink);
  for (const [name, data] of entries) await writer.addEntry(name, [data]);
  await writer.finish();
  return sink.bytes();
}

const get = (entries, name) => entries.find(([n]) => n === name)[1];
const put = (entries, name, data) => entries.map(([n, d]) => [n, n === name ? data : d]);

/** The device key holder re-signs after changing files (sizes, CRCs, hashes updated first). */
async function resign(entries, deviceKey, mutate = () => {}) {
  const manifest = JSON.parse(new TextDecoder().decode(get(entries, 'manifest.json')));
  for (const file of manifest.files) {
    const data = get(entries, file.name);
    file.size = data.length;
    file.crc32 = crc32(data);
    file.contentHash = await contentHash(data);
  }
  mutate(manifest);
  const bytes = canonicalBytes(manifest);
  const jws = await signManifest(bytes, deviceKey.privateKey, deviceKey.publicJwk);
  return put(put(entries, 'manifest.json', bytes), 'manifest.jws', utf8(jws));
}

function flipS(compact) {
  const dot = compact.lastIndexOf('.');
  const signature = fromBase64UrlStrict(compact.slice(dot + 1));
  let s = 0n;
  for (const byte of signature.subarray(32)) s = (s << 8n) | BigInt(byte);
  let flipped = P256_ORDER - s;
  const outSig = signature.slice();
  for (let i = 63; i >= 32; i--) {
    outSig[i] = Number(flipped & 0xffn);
    flipped >>= 8n;
  }
  return `${compact.slice(0, dot + 1)}${toBase64Url(outSig)}`;
}

/** Writes `crc` into one entry's data descriptor and central header. */
async function patchCrc(bytes, name, crc) {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  const entry = (await ZipArchive.open(bytesSource(bytes))).get(name);
  view.setUint32(entry.dataOffset + entry.size + 4, crc, true);
  let pos = view.getUint32(copy.length - 22 + 16, true);
  while (view.getUint32(pos, true) === 0x02014b50) {
    const length = view.getUint16(pos + 28, true);
    if (new TextDecoder().decode(copy.subarray(pos + 46, pos + 46 + length)) === name)
      view.setUint32(pos + 16, crc, true);
    pos += 46 + length;
  }
  return copy;
}

const base = await sample();
const baseEntries = await entriesOf(base.bytes);

/** [file, what was done, expected reason codes (in order), the bytes]. */
const vectors = [];
const add = (file, description, reasons, bytes) => vectors.push({ file, description, reasons, bytes });

add('valid.zip', 'a valid synthetic bundle', [], base.bytes);
{
  const jws = new TextDecoder().decode(get(baseEntries, 'manifest.jws'));
  add(
    'high-s.zip',
    'manifest.jws with its ECDSA s replaced by n − s (still a valid ECDSA signature)',
    ['SIGNATURE_NOT_CANONICAL'],
    await repack(put(baseEntries, 'manifest.jws', utf8(flipS(jws)))),
  );
}
{
  const wrong = (crc32(get(baseEntries, MEDIA_NAME)) ^ 1) >>> 0;
  const resigned = await repack(
    await resign(baseEntries, base.deviceKey, (m) => {
      m.files[0].crc32 = wrong;
    }),
  );
  add(
    'bad-crc.zip',
    'the media entry: manifest and ZIP headers agree on a CRC-32 its bytes do not have (re-signed with the device key)',
    ['ZIP_CRC_MISMATCH'],
    await patchCrc(resigned, MEDIA_NAME, wrong),
  );
}
add(
  'garbage-timestamp.zip',
  'a timestamp.tsr entry (last) that is not a TimeStampToken',
  ['TIMESTAMP_INVALID'],
  await repack([...baseEntries, ['timestamp.tsr', utf8('not a time-stamp token')]]),
);
{
  const media = get(baseEntries, MEDIA_NAME).slice();
  media[40] ^= 0x01;
  add(
    'tampered-media.zip',
    'one ciphertext byte of the media flipped, the ZIP rewritten by a ZIP tool (headers consistent)',
    ['ZIP_CRC_MISMATCH', 'RECORD_AUTH_FAILED', 'FILE_HASH_MISMATCH'],
    await repack(put(baseEntries, MEDIA_NAME, media)),
  );
  add(
    'tampered-media-resigned.zip',
    'the same, with sizes/CRCs/hashes updated and re-signed by the device key: the record layer catches it',
    ['RECORD_AUTH_FAILED'],
    await repack(await resign(put(baseEntries, MEDIA_NAME, media), base.deviceKey)),
  );
}
{
  const manifest = JSON.parse(new TextDecoder().decode(get(baseEntries, 'manifest.json')));
  manifest.steps[0].status = 'failed';
  add(
    'edited-manifest.zip',
    'a manifest field changed (canonical JSON kept), not re-signed',
    ['SIGNATURE_INVALID'],
    await repack(put(baseEntries, 'manifest.json', canonicalBytes(manifest))),
  );
}
{
  const lines = new TextDecoder().decode(get(baseEntries, 'events.jsonl')).split('\n').slice(0, -1);
  const cut = `${lines.filter((_, i) => i !== 2).join('\n')}\n`;
  add(
    'events-line-deleted.zip',
    'the third event line deleted, the manifest updated and re-signed by the device key',
    ['EVENTS_CHAIN_BROKEN', 'EVENTS_SEQUENCE'],
    await repack(
      await resign(put(baseEntries, 'events.jsonl', utf8(cut)), base.deviceKey, (m) => {
        m.events.count = lines.length - 1;
      }),
    ),
  );
}
add(
  'ticket-expired.zip',
  'the session started two hours after a 15-minute ticket was issued',
  ['TICKET_EXPIRED'],
  (await sample({ ticketIssuedAt: START - 2 * 3600_000, ticketTtlSeconds: 900 })).bytes,
);
add(
  'ticket-foreign.zip',
  'the ticket is signed by a key that is not the lender’s (keys/impostor-ticket-signing)',
  ['TICKET_SIGNATURE_INVALID'],
  (await sample({ ticketSigningKey: impostor.privateJwk })).bytes,
);
add(
  'unlisted-entry.zip',
  'an extra media entry the manifest does not list',
  ['ENTRY_UNLISTED'],
  await repack([...baseEntries.slice(0, 2), ['media/extra.bin', utf8('x')], ...baseEntries.slice(2)]),
);
add(
  'truncated.zip',
  'the valid bundle cut in half',
  ['ZIP_MALFORMED'],
  base.bytes.subarray(0, base.bytes.length >> 1),
);

const options = { ticketKeys: [ticketSigning.publicJwk], decryptionKeys: [encryption.privateJwk] };
rmSync(join(out, 'bundles'), { recursive: true, force: true });
mkdirSync(join(out, 'bundles'), { recursive: true });
const expected = [];
for (const v of vectors) {
  const verdict = await verify(bytesSource(v.bytes), options);
  const codes = [...new Set(verdict.reasons.map((r) => r.code))].sort();
  if (JSON.stringify(codes) !== JSON.stringify([...v.reasons].sort()))
    throw new Error(
      `${v.file}: verify() says ${codes.join(', ') || 'valid'}, the vector expects ${v.reasons.join(', ') || 'valid'}`,
    );
  writeFileSync(join(out, 'bundles', v.file), v.bytes);
  expected.push({
    file: `bundles/${v.file}`,
    description: v.description,
    valid: v.reasons.length === 0,
    reasons: [...v.reasons].sort(),
  });
}
writeFileSync(
  join(out, 'expected.json'),
  `${JSON.stringify(
    {
      format: 'dualrec-bundle/1',
      verifiedWith: {
        ticketKeys: ['keys/ticket-signing.public.jwk'],
        decryptionKeys: ['keys/encryption.private.jwk'],
      },
      note: 'reasons: the set of distinct failure codes, sorted (docs/bundle-format.md §11); a verifier may list a code more than once and in another order',
      vectors: expected,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${vectors.length} vectors to ${out}`);
