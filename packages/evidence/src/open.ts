/**
 * open(): verify a bundle, then decrypt it with a recipient's private key. Refuses bundles that fail
 * verification (BUNDLE_INVALID, with the reasons in `context.reasons`), so nobody reads a recording
 * whose integrity was never established.
 */
import type { JsonValue } from './canonical-json.js';
import { DualrecError } from './errors.js';
import { checkEventLog, type EvidenceEvent, openSealedFields } from './event-log.js';
import type { PrivateJwk, PublicJwk } from './keys.js';
import { jwkThumbprint } from './keys.js';
import { recipientKeyIds, unwrapContentKey } from './keywrap.js';
import { EVENTS_FILE, type Manifest, type ManifestFile } from './manifest.js';
import { openRecords } from './records.js';
import { type BundleLimits, type Verdict, verify } from './verify.js';
import { type RandomAccessSource, ZipArchive } from './zip-reader.js';

export interface OpenOptions {
  /** A recipient's encryption private key. */
  decryptionKey: PrivateJwk;
  /** The lender's ticket-signing public keys (verification comes first). */
  ticketKeys: readonly PublicJwk[];
  expectedNonce?: string;
  limits?: Partial<BundleLimits>;
}

export interface OpenedEvent extends EvidenceEvent {
  /** The decrypted personal fields (empty when the event has none). */
  sealedFields: { [key: string]: JsonValue };
}

export interface OpenedBundle {
  manifest: Manifest;
  verdict: Verdict;
  events: OpenedEvent[];
  /** Streams a media file's plaintext, authenticating record by record. */
  decryptFile(name: string): AsyncGenerator<Uint8Array>;
}

export async function openBundle(source: RandomAccessSource, options: OpenOptions): Promise<OpenedBundle> {
  const verdict = await verify(source, {
    ticketKeys: options.ticketKeys,
    decryptionKeys: [options.decryptionKey],
    ...(options.expectedNonce === undefined ? {} : { expectedNonce: options.expectedNonce }),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  if (!verdict.valid || !verdict.manifest) {
    const onlyKey = verdict.reasons.every((r) => r.code === 'KEY_UNWRAP_FAILED');
    if (verdict.manifest && onlyKey) {
      const kid = await jwkThumbprint(options.decryptionKey);
      throw new DualrecError('KEY_NOT_RECIPIENT', {
        detail: `key ${kid} is not a recipient (recipients: ${recipientKeyIds(verdict.manifest.encryption.contentKey).join(', ')})`,
        context: { kid },
      });
    }
    throw new DualrecError('BUNDLE_INVALID', {
      detail: verdict.reasons.map((r) => `${r.code}${r.file ? ` (${r.file})` : ''}: ${r.detail}`).join('; '),
      context: { reasons: verdict.reasons },
    });
  }
  const manifest = verdict.manifest;
  const contentKey = await unwrapContentKey(manifest.encryption.contentKey, options.decryptionKey);
  const archive = await ZipArchive.open(source);
  const eventsEntry = archive.get(EVENTS_FILE);
  if (!eventsEntry)
    throw new DualrecError('BUNDLE_MALFORMED', { detail: 'events.jsonl vanished after verification' });
  const { events } = await checkEventLog(
    await archive.read(eventsEntry, Number.MAX_SAFE_INTEGER),
    manifest.sessionId,
  );
  const opened: OpenedEvent[] = [];
  for (const event of events)
    opened.push({ ...event, sealedFields: await openSealedFields(event, contentKey) });
  return {
    manifest,
    verdict,
    events: opened,
    decryptFile(name: string) {
      const file = manifest.files.find((f: ManifestFile) => f.name === name);
      const entry = archive.get(name);
      if (!file?.encryption || !entry) {
        throw new DualrecError('BAD_USAGE', { detail: `${name} is not an encrypted file of this bundle` });
      }
      return openRecords(contentKey, archive.stream(entry, 1024 * 1024), {
        expectedRecordSize: file.encryption.recordSize,
      });
    },
  };
}
