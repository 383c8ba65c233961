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
  /** Who the lender let have the ticket (its user or session id, from `authorizeTicket`); index only. */
  subject?: string;
  ttlSeconds?: number;
  now?: number;
}

const JKT = /^[A-Za-z0-9_-]{43}$/;
const REF = /^[\p{L}\p{N}._:/-]{1,128}$/u;

/** Default tolerance between the server's clock and the clock that issued a ticket, seconds. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

/** A ticket's validity window, ms since the epoch. */
export interface TicketWindow {
  issuedAt: number;
  expiresAt: number;
  /** `nbf`, when the ticket has one (tickets minted here do not: `iat` is their not-before). */
  notBefore?: number;
}

/**
 * Why a ticket cannot be used at `at` (ms, the server's clock), or null when it can: expired more
 * than `skewSeconds` ago (`TICKET_EXPIRED`), or issued / not valid before more than `skewSeconds`
 * ahead (`TICKET_NOT_YET_VALID`). The result starts with the reason code, as receipts do.
 *
 * @example
 * ```ts
 * const problem = ticketWindowProblem({ issuedAt, expiresAt }, Date.now(), 60);
 * if (problem) refuse(problem); // "TICKET_EXPIRED: …"
 * ```
 */
export function ticketWindowProblem(
  window: TicketWindow,
  at: number,
  skewSeconds: number,
  /** What `at` is, for the message. */
  what = "by the server's clock it is",
): string | null {
  const skew = skewSeconds * 1000;
  const iso = (ms: number) => new Date(ms).toISOString();
  if (!(at <= window.expiresAt + skew))
    return `TICKET_EXPIRED: ${what} ${iso(at)}, the ticket expired at ${iso(window.expiresAt)} (tolerance ${skewSeconds} s)`;
  const notBefore = Math.max(window.issuedAt, window.notBefore ?? Number.NEGATIVE_INFINITY);
  if (!(at >= notBefore - skew))
    return `TICKET_NOT_YET_VALID: ${what} ${iso(at)}, the ticket is valid from ${iso(notBefore)} (tolerance ${skewSeconds} s)`;
  return null;
}

/**
 * Checks a ticket request body; throws BAD_USAGE naming the bad field. `applicationRef` is
 * optional in the body (with `authorizeTicket` the lender's own session decides it) but checked
 * when present.
 */
export function parseTicketRequest(body: unknown): {
  jkt: string;
  scriptId: string;
  applicationRef: string | null;
} {
  const bad = (detail: string) => new DualrecError('BAD_USAGE', { detail });
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('the body must be a JSON object');
  const { jkt, scriptId, applicationRef } = body as Record<string, unknown>;
  if (typeof jkt !== 'string' || !JKT.test(jkt))
    throw bad('"jkt" must be an RFC 7638 SHA-256 thumbprint (43 base64url characters)');
  if (typeof scriptId !== 'string' || !REF.test(scriptId))
    throw bad('"scriptId" must be 1-128 letters, digits or ._:/-');
  if (applicationRef !== undefined && (typeof applicationRef !== 'string' || !REF.test(applicationRef)))
    throw bad('"applicationRef" must be 1-128 letters, digits or ._:/-');
  return { jkt, scriptId, applicationRef: applicationRef ?? null };
}

/** True when `value` is an application reference the index accepts (1-128 letters, digits, ._:/-). */
export function isApplicationRef(value: unknown): value is string {
  return typeof value === 'string' && REF.test(value);
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
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    issuedAt: new Date(now).toISOString(),
    expiresAt,
    usedBy: null,
  });
  return { ticket, sessionId, lenderId: options.lenderId, recipients: options.recipients, expiresAt };
}
