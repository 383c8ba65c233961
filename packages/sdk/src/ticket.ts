/**
 * The lender's session ticket: fetched from the lender (`ticketUrl`) for this device key, or
 * handed in by a lender whose page already has one. The ticket binds the device key (cnf.jkt) to
 * the lender's session; the grant also says whom to encrypt the bundle to.
 */
import { DualrecError, type PublicJwk, readTicketUnverified, toPublicJwk } from '@dualrec/evidence';

export interface TicketGrant {
  ticket: string;
  sessionId: string;
  lenderId: string;
  /** The lender's encryption public keys; the bundle's content key is wrapped to each. */
  recipients: PublicJwk[];
  expiresAt?: string;
}

export interface TicketRequest {
  jkt: string;
  scriptId: string;
  applicationRef: string;
}

/** Checks a grant's shape and that its ticket names this device key and script. */
export function checkGrant(value: unknown, expected: { jkt: string; scriptId: string }): TicketGrant {
  const bad = (detail: string) => new DualrecError('SESSION_TICKET_FAILED', { detail });
  if (typeof value !== 'object' || value === null) throw bad('the ticket response is not a JSON object');
  const grant = value as Record<string, unknown>;
  if (typeof grant.ticket !== 'string') throw bad('the ticket response has no "ticket"');
  if (!Array.isArray(grant.recipients) || grant.recipients.length === 0)
    throw bad('the ticket response has no "recipients"');
  let recipients: PublicJwk[];
  try {
    recipients = grant.recipients.map((jwk) => toPublicJwk(jwk));
  } catch (cause) {
    throw new DualrecError('SESSION_TICKET_FAILED', { detail: 'a recipient key is not a public JWK', cause });
  }
  // A sanity check, not a trust decision: the lender's server verifies the signed ticket on receipt.
  const claims = readTicketUnverified(grant.ticket)?.claims as
    | { sid?: unknown; iss?: unknown; script?: unknown; cnf?: { jkt?: unknown } }
    | undefined;
  if (!claims || typeof claims.sid !== 'string' || typeof claims.iss !== 'string')
    throw bad('the ticket is not a dualrec ticket JWT');
  if (claims.cnf?.jkt !== expected.jkt) throw bad('the ticket is bound to another device key');
  if (claims.script !== expected.scriptId) throw bad(`the ticket is for script "${String(claims.script)}"`);
  return {
    ticket: grant.ticket,
    sessionId: claims.sid,
    lenderId: claims.iss,
    recipients,
    ...(typeof grant.expiresAt === 'string' ? { expiresAt: grant.expiresAt } : {}),
  };
}

export async function fetchTicket(
  url: string,
  request: TicketRequest,
  options: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<TicketGrant> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      credentials: 'same-origin',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new DualrecError('SESSION_TICKET_FAILED', { detail: `could not reach ${url}`, cause });
  }
  if (!response.ok) {
    throw new DualrecError('SESSION_TICKET_FAILED', { detail: `${url} answered HTTP ${response.status}` });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new DualrecError('SESSION_TICKET_FAILED', { detail: 'the ticket response is not JSON', cause });
  }
  return checkGrant(body, request);
}
