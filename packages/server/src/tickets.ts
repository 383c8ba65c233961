/**
 * Session tickets for a device key: the HTTP endpoint uses this, and so can a lender who mints
 * tickets in their own backend (same index, so the nonce is known when the bundle arrives).
 */
import { randomUUID } from 'node:crypto';
import { DualrecError, issueTicket, type PrivateJwk, type PublicJwk } from '@dualrec/evidence';
import type { BundleIndex } from './bundle-index.js';

export interface TicketGrant {
  ticket: string;
  sessionId: string;
  lenderId: string;
  /** Encrypt the bundle's content key to these. */
  recipients: PublicJwk[];
  expiresAt: string;
}

export interface MintTicketOptions {
  index: BundleIndex;
  lenderId: string;
  signingKey: PrivateJwk;
  recipients: PublicJwk[];
  /** RFC 7638 thumbprint of the device's public key (the device sends it). */
  jkt: string;
  scriptId: string;
  /** The lender's loan application reference (kept in the index, not in the bundle). */
  applicationRef: string;
  ttlSeconds?: number;
  now?: number;
}

const JKT = /^[A-Za-z0-9_-]{43}$/;
const REF = /^[\p{L}\p{N}._:/-]{1,128}$/u;

/** Checks a ticket request body; throws BAD_USAGE naming the bad field. */
export function parseTicketRequest(body: unknown): { jkt: string; scriptId: string; applicationRef: string } {
  const bad = (detail: string) => new DualrecError('BAD_USAGE', { detail });
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('the body must be a JSON object');
  const { jkt, scriptId, applicationRef } = body as Record<string, unknown>;
  if (typeof jkt !== 'string' || !JKT.test(jkt))
    throw bad('"jkt" must be an RFC 7638 SHA-256 thumbprint (43 base64url characters)');
  if (typeof scriptId !== 'string' || !REF.test(scriptId))
    throw bad('"scriptId" must be 1-128 letters, digits or ._:/-');
  if (typeof applicationRef !== 'string' || !REF.test(applicationRef))
    throw bad('"applicationRef" must be 1-128 letters, digits or ._:/-');
  return { jkt, scriptId, applicationRef };
}

export async function mintTicket(options: MintTicketOptions): Promise<TicketGrant> {
  const now = options.now ?? Date.now();
  const ttlSeconds = options.ttlSeconds ?? 30 * 60;
  const sessionId = randomUUID();
  const nonce = randomUUID();
  const ticket = await issueTicket(
    {
      lenderId: options.lenderId,
      sessionId,
      scriptId: options.scriptId,
      nonce,
      deviceKeyThumbprint: options.jkt,
      ttlSeconds,
      now,
    },
    options.signingKey,
  );
  const expiresAt = new Date(now + ttlSeconds * 1000).toISOString();
  await options.index.addTicket({
    nonce,
    sessionId,
    lenderId: options.lenderId,
    scriptId: options.scriptId,
    jkt: options.jkt,
    applicationRef: options.applicationRef,
    issuedAt: new Date(now).toISOString(),
    expiresAt,
    usedBy: null,
  });
  return { ticket, sessionId, lenderId: options.lenderId, recipients: options.recipients, expiresAt };
}
