/**
 * What happens when an upload completes: verify the bundle without decrypting it (the server
 * holds the ticket key, and needs no plaintext), check the ticket's nonce was issued here and is
 * used once, time-stamp the manifest signature, and file the bundle as received or in quarantine
 * with the reasons. Nothing is ever deleted here: an invalid bundle is evidence of something too.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  DualrecError,
  type PublicJwk,
  type RandomAccessSource,
  readTicketUnverified,
  SIGNATURE_FILE,
  verify,
  ZipArchive,
} from '@dualrec/evidence';
import type { Receipt } from '@dualrec/upload';
import type { BundleIndex, BundleRecord } from './bundle-index.js';
import type { Timestamper } from './timestamp.js';

export async function openFileSource(path: string): Promise<RandomAccessSource & { close(): Promise<void> }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new DualrecError('FILE_UNREADABLE', { detail: `${path}: ${(cause as Error).message}`, cause });
  }
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const buffer = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0)
          throw new DualrecError('FILE_UNREADABLE', { detail: `${path} shrank while being read` });
        done += bytesRead;
      }
      return buffer;
    },
    close: () => handle.close(),
  };
}

function fileSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** A hard link where possible (no second copy on disk; the tus file stays for HEAD requests). */
async function place(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    await copyFile(from, to);
  }
}

export interface ReceiveContext {
  dataDir: string;
  index: BundleIndex;
  ticketKeys: readonly PublicJwk[];
  timestamper: Timestamper | null;
  /** Clock seam for tests. */
  now?: () => Date;
}

export interface ReceiveInput {
  uploadId: string;
  /** The finished upload's file. */
  path: string;
  /** Session id the client declared in the upload metadata. */
  declaredSessionId: string | null;
}

export async function receiveBundle(context: ReceiveContext, input: ReceiveInput): Promise<Receipt> {
  const existing = await context.index.getBundle(input.uploadId);
  if (existing) return receiptOf(existing);
  const receivedAt = (context.now?.() ?? new Date()).toISOString();
  const bundleSha256 = await fileSha256(input.path);
  const source = await openFileSource(input.path);
  const reasons: string[] = [];
  let sessionId: string | null = null;
  let signature: Uint8Array | null = null;
  try {
    const verdict = await verify(source, { ticketKeys: context.ticketKeys });
    for (const r of verdict.reasons)
      reasons.push(r.file ? `${r.code} (${r.file}): ${r.detail}` : `${r.code}: ${r.detail}`);
    const manifest = verdict.manifest;
    if (manifest) {
      sessionId = manifest.sessionId;
      if (input.declaredSessionId && input.declaredSessionId !== manifest.sessionId)
        reasons.push(
          `SESSION_MISMATCH: uploaded as ${input.declaredSessionId}, the manifest says ${manifest.sessionId}`,
        );
      const nonce = readTicketUnverified(manifest.ticket)?.claims.nonce;
      const issued = typeof nonce === 'string' ? await context.index.getTicket(nonce) : null;
      if (!issued) reasons.push('TICKET_UNKNOWN: the ticket was not issued by this server');
      else if (issued.sessionId !== manifest.sessionId)
        reasons.push(`TICKET_SESSION_MISMATCH: the ticket was issued for session ${issued.sessionId}`);
      else if (!(await context.index.claimNonce(issued.nonce, input.uploadId)))
        reasons.push(`TICKET_REPLAYED: nonce already used by upload ${issued.usedBy ?? '?'}`);
      if (reasons.length === 0) {
        const archive = await ZipArchive.open(source);
        const entry = archive.get(SIGNATURE_FILE);
        if (entry) signature = await archive.read(entry, 64 * 1024);
      }
    } else if (reasons.length === 0) {
      reasons.push('MANIFEST_UNREADABLE: no manifest');
    }
  } catch (error) {
    reasons.push(`UNREADABLE: ${(error as Error).message}`);
  } finally {
    await source.close();
  }

  const valid = reasons.length === 0;
  const folder = valid ? join('bundles', receivedAt.slice(0, 7)) : 'quarantine';
  const location = join(folder, `${input.uploadId}.zip`);
  await place(input.path, join(context.dataDir, location));
  let timestamp: Receipt['timestamp'] = null;
  if (valid && signature && context.timestamper) {
    try {
      const token = await context.timestamper.stamp(signature);
      await writeFile(join(context.dataDir, folder, `${input.uploadId}.tsr`), token.token);
      timestamp = { genTime: token.genTime, tsa: token.tsa };
    } catch (error) {
      // The bundle is kept and valid; the missing time-stamp is visible in the receipt and index,
      // and `dualrec bundles` lists it for a later retry.
      reasons.push(`TIMESTAMP_FAILED: ${(error as Error).message}`);
    }
  }
  if (!valid) {
    await writeFile(
      join(context.dataDir, folder, `${input.uploadId}.reasons.json`),
      `${JSON.stringify({ uploadId: input.uploadId, receivedAt, reasons }, null, 2)}\n`,
    );
  }
  const record: BundleRecord = {
    uploadId: input.uploadId,
    sessionId,
    status: valid ? 'valid' : 'quarantined',
    bundleSha256,
    size: source.size,
    receivedAt,
    reasons,
    location,
    timestamp,
  };
  await context.index.putBundle(record);
  return receiptOf(record);
}

export function receiptOf(record: BundleRecord): Receipt {
  return {
    uploadId: record.uploadId,
    sessionId: record.sessionId,
    bundleSha256: record.bundleSha256,
    size: record.size,
    receivedAt: record.receivedAt,
    verdict: record.status,
    reasons: record.reasons,
    timestamp: record.timestamp,
  };
}
