/**
 * The lender server's receipt for a bundle: its word that it holds these exact bytes, what it
 * made of them, and when (RFC 3161). The server sends it as the `Dualrec-Receipt` header
 * (base64url JSON) of the PATCH that completes the upload and at GET <upload URL>/receipt.
 */
import { DualrecError, fromBase64UrlStrict } from '@dualrec/evidence';

export const RECEIPT_HEADER = 'Dualrec-Receipt';

export interface Receipt {
  uploadId: string;
  sessionId: string | null;
  /**
   * SHA-256 of the bundle file as stored, lowercase hex: identifies these exact bytes (what the
   * device sent; changes if anything is added to the archive).
   */
  bundleSha256: string;
  /**
   * SHA-256 of the bundle's `manifest.json`, lowercase hex: identifies the signed evidence itself
   * (docs/bundle-format.md §3), whatever file carries it. Null when the manifest could not be read
   * (and from servers older than this field).
   */
  manifestSha256: string | null;
  size: number;
  receivedAt: string;
  verdict: 'valid' | 'quarantined';
  /** Why the bundle was quarantined (or a note such as a failed time-stamp); empty when all is well. */
  reasons: string[];
  /** RFC 3161 time over the manifest signature, when the TSA answered. */
  timestamp: { genTime: string; tsa: string } | null;
}

/** Checks a receipt's shape (it comes over the network). */
export function parseReceipt(value: unknown): Receipt {
  const bad = (detail: string) => new DualrecError('UPLOAD_FAILED', { detail: `invalid receipt: ${detail}` });
  if (typeof value !== 'object' || value === null) throw bad('not an object');
  const r = value as Record<string, unknown>;
  if (typeof r.uploadId !== 'string') throw bad('uploadId');
  if (typeof r.bundleSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.bundleSha256)) throw bad('bundleSha256');
  if (
    r.manifestSha256 !== undefined &&
    r.manifestSha256 !== null &&
    (typeof r.manifestSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.manifestSha256))
  )
    throw bad('manifestSha256');
  if (typeof r.size !== 'number') throw bad('size');
  if (typeof r.receivedAt !== 'string') throw bad('receivedAt');
  if (r.verdict !== 'valid' && r.verdict !== 'quarantined') throw bad('verdict');
  if (!Array.isArray(r.reasons) || !r.reasons.every((x) => typeof x === 'string')) throw bad('reasons');
  const t = r.timestamp as Record<string, unknown> | null | undefined;
  if (t !== null && t !== undefined && (typeof t.genTime !== 'string' || typeof t.tsa !== 'string'))
    throw bad('timestamp');
  return {
    uploadId: r.uploadId,
    sessionId: typeof r.sessionId === 'string' ? r.sessionId : null,
    bundleSha256: r.bundleSha256,
    manifestSha256: typeof r.manifestSha256 === 'string' ? r.manifestSha256 : null,
    size: r.size,
    receivedAt: r.receivedAt,
    verdict: r.verdict,
    reasons: r.reasons as string[],
    timestamp: t ? { genTime: t.genTime as string, tsa: t.tsa as string } : null,
  };
}

/** Decodes the `Dualrec-Receipt` header value. */
export function parseReceiptHeader(value: string): Receipt {
  const bytes = fromBase64UrlStrict(value);
  if (!bytes) throw new DualrecError('UPLOAD_FAILED', { detail: 'invalid receipt header encoding' });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new DualrecError('UPLOAD_FAILED', { detail: 'the receipt header is not JSON', cause });
  }
  return parseReceipt(json);
}
