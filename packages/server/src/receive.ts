/**
 * What happens when an upload completes: verify the bundle without decrypting it (the server
 * holds the ticket key, and needs no plaintext), check the ticket's nonce was issued here, that
 * the ticket was valid by this server's clock, and that the nonce is used once — by a bundle that
 * verified, never by one that failed — time-stamp the manifest signature, and file the bundle as
 * received or in quarantine with the reasons. Nothing is ever deleted here: an invalid bundle is
 * evidence of something too.
 *
 * Crash safety: receiving is idempotent and recoverable. The upload is marked finished in the
 * index (write-ahead) before any filing step; every step after it can run again for the same
 * upload (the nonce claim accepts the upload that already holds it, filing a link or copy that
 * exists is a no-op, reasons and tokens are rewritten) and the bundle record is one conditional
 * INSERT, so the first receipt written is the one that stays. A server killed anywhere in
 * between receives the upload again at start-up (server.ts, `recoverUploads`) or when the
 * device asks for its receipt.
 */
import { readFile } from 'node:fs/promises';
import {
  checkTimestampToken,
  type PublicJwk,
  readTicketUnverified,
  SIGNATURE_FILE,
  verify,
  ZipArchive,
} from '@dualrec/evidence';
import type { Receipt } from '@dualrec/upload';
import type { BundleIndex, BundleRecord, TicketRecord } from './bundle-index.js';
import type { BundleStorage } from './bundle-storage.js';
import { DEFAULT_CLOCK_SKEW_SECONDS, ticketWindowProblem } from './tickets.js';
import type { Timestamper } from './timestamp.js';

export { openFileSource } from './bundle-storage.js';

export interface ReceiveContext {
  /** Where the finished upload is and where the bundle is filed (disk or S3). */
  storage: BundleStorage;
  index: BundleIndex;
  ticketKeys: readonly PublicJwk[];
  timestamper: Timestamper | null;
  /** Clock seam for tests. */
  now?: () => Date;
  /** Tolerance for the ticket's validity window against this server's clock (default 60 s). */
  clockSkewSeconds?: number;
  /**
   * File bundles whose manifest says `synthetic: true` (made by `dualrec sample`) as valid.
   * Default false: they are quarantined with `SYNTHETIC_REFUSED`, and do not use the nonce up.
   */
  acceptSynthetic?: boolean;
}

export interface ReceiveInput {
  uploadId: string;
  /** Session id the client declared in the upload metadata. */
  declaredSessionId: string | null;
}

export async function receiveBundle(context: ReceiveContext, input: ReceiveInput): Promise<Receipt> {
  const existing = await context.index.getBundle(input.uploadId);
  if (existing) return receiptOf(existing);
  const receivedAt = (context.now?.() ?? new Date()).toISOString();
  // Write-ahead: from here on the upload is known to be complete and not yet filed.
  await context.index.markFinished(input.uploadId, receivedAt);
  const { storage } = context;
  const bundleSha256 = await storage.uploadSha256(input.uploadId);
  const source = await storage.openUpload(input.uploadId);
  const reasons: string[] = [];
  let sessionId: string | null = null;
  let manifestSha256: string | null = null;
  let signature: Uint8Array | null = null;
  const boundNonce: string | null = (await context.index.getUpload(input.uploadId))?.nonce ?? null;
  try {
    const verdict = await verify(source, { ticketKeys: context.ticketKeys });
    manifestSha256 = verdict.manifestSha256;
    for (const r of verdict.reasons)
      reasons.push(r.file ? `${r.code} (${r.file}): ${r.detail}` : `${r.code}: ${r.detail}`);
    const manifest = verdict.manifest;
    if (manifest) {
      sessionId = manifest.sessionId;
      if (input.declaredSessionId && input.declaredSessionId !== manifest.sessionId)
        reasons.push(
          `SESSION_MISMATCH: uploaded as ${input.declaredSessionId}, the manifest says ${manifest.sessionId}`,
        );
      if (manifest.synthetic && !context.acceptSynthetic)
        reasons.push(
          'SYNTHETIC_REFUSED: the manifest says this is a synthetic sample bundle; this server does not accept them (acceptSynthetic, --accept-synthetic)',
        );
      const nonce = readTicketUnverified(manifest.ticket)?.claims.nonce;
      const issued = typeof nonce === 'string' ? await context.index.getTicket(nonce) : null;
      if (!issued) reasons.push('TICKET_UNKNOWN: the ticket was not issued by this server');
      else if (issued.sessionId !== manifest.sessionId)
        reasons.push(`TICKET_SESSION_MISMATCH: the ticket was issued for session ${issued.sessionId}`);
      else {
        const late = await serverClockProblem(context, input.uploadId, issued, receivedAt);
        if (late) reasons.push(late);
        // Only a bundle that verified may use the nonce up: the ticket is readable in every
        // manifest, so a failing bundle that burnt it would lock the genuine device out.
        else if (reasons.length === 0) {
          const archive = await ZipArchive.open(source);
          const entry = archive.get(SIGNATURE_FILE);
          if (entry) signature = await archive.read(entry, 64 * 1024);
          // Last step, after everything that can fail: a claimed nonce is never given back.
          if (!(await context.index.claimNonce(issued.nonce, input.uploadId)))
            reasons.push(`TICKET_REPLAYED: nonce already used by upload ${issued.usedBy ?? '?'}`);
        }
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
  if (!valid && boundNonce !== null) {
    // A failed bundle frees its ticket for another upload (the genuine device's).
    await context.index.releaseBinding(boundNonce, input.uploadId);
  }
  const folder = valid ? `bundles/${receivedAt.slice(0, 7)}` : 'quarantine';
  const location = await storage.file(input.uploadId, `${folder}/${input.uploadId}.zip`);
  let timestamp: Receipt['timestamp'] = null;
  if (valid && signature && context.timestamper) {
    try {
      const token = await context.timestamper.stamp(signature);
      // The TSA's answer is checked like any verifier will check it (the code verify() uses), before
      // it is stored: a token over other bytes, or not from the configured TSA, is never filed.
      const trust = context.timestamper.certificatePath
        ? await readFile(context.timestamper.certificatePath, 'utf8')
        : undefined;
      const checked = await checkTimestampToken(token.token, signature, {
        tokenOnly: true,
        ...(trust !== undefined ? { trustedCertPem: trust } : {}),
      });
      if (!checked.valid) throw new Error(`the TSA's token does not verify: ${checked.reason}`);
      await storage.put(`${folder}/${input.uploadId}.tsr`, token.token);
      timestamp = { genTime: token.genTime, tsa: token.tsa };
    } catch (error) {
      // The bundle is kept and valid; the missing time-stamp is visible in the receipt and index,
      // and `dualrec bundles` lists it for a later retry.
      reasons.push(`TIMESTAMP_FAILED: ${(error as Error).message}`);
    }
  }
  if (!valid) {
    await storage.put(
      `${folder}/${input.uploadId}.reasons.json`,
      `${JSON.stringify({ uploadId: input.uploadId, receivedAt, reasons }, null, 2)}\n`,
    );
  }
  const record: BundleRecord = {
    uploadId: input.uploadId,
    sessionId,
    status: valid ? 'valid' : 'quarantined',
    bundleSha256,
    manifestSha256,
    size: source.size,
    receivedAt,
    reasons,
    location,
    timestamp,
  };
  if (!(await context.index.insertBundle(record))) {
    // Received meanwhile by another instance (or an earlier attempt): its receipt stands.
    const first = await context.index.getBundle(input.uploadId);
    if (first) return receiptOf(first);
  }
  return receiptOf(record);
}

/**
 * The ticket's validity judged by this server's clock, not the device's `startedAt`: at the time
 * the server accepted the ticket and created the upload (recorded in the index), or — for an
 * upload the index has no record of (a lender calling receiveBundle on its own uploads) — now.
 * An upload begun in time may finish after the ticket expired (a slow network resumes).
 */
async function serverClockProblem(
  context: ReceiveContext,
  uploadId: string,
  issued: TicketRecord,
  receivedAt: string,
): Promise<string | null> {
  const upload = await context.index.getUpload(uploadId);
  const at = upload?.nonce === issued.nonce ? upload.createdAt : receivedAt;
  return ticketWindowProblem(
    { issuedAt: Date.parse(issued.issuedAt), expiresAt: Date.parse(issued.expiresAt) },
    Date.parse(at),
    context.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
    upload ? "by the server's clock the upload was created at" : "by the server's clock it is",
  );
}

export function receiptOf(record: BundleRecord): Receipt {
  return {
    uploadId: record.uploadId,
    sessionId: record.sessionId,
    bundleSha256: record.bundleSha256,
    manifestSha256: record.manifestSha256,
    size: record.size,
    receivedAt: record.receivedAt,
    verdict: record.status,
    reasons: record.reasons,
    timestamp: record.timestamp,
  };
}
