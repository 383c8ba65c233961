/**
 * Session tickets: a JWT (RFC 7519) the lender's backend issues before a session, signed ES256 with
 * the lender's ticket-signing key. `cnf.jkt` (RFC 7800 confirmation, `jkt` member as in RFC 9449)
 * binds it to the device key that will sign the manifest, so a ticket cannot be reused by another
 * device and a bundle cannot claim a session it was not issued.
 */
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { fromBase64UrlStrict } from './bytes.js';
import { isLowS, toLowSCompact } from './ecdsa.js';
import { DualrecError } from './errors.js';
import { importPrivateJwk, importPublicJwk, jwkThumbprint, type PrivateJwk, type PublicJwk } from './keys.js';

export const TICKET_TYP = 'dualrec-ticket+jwt';

export interface TicketClaims {
  /** Lender id (`iss`). */
  iss: string;
  /** Session id. */
  sid: string;
  /** Script id the applicant will be shown. */
  script: string;
  /** Single-use random value; the lender's server accepts one bundle per nonce. */
  nonce: string;
  /** Issued at / expiry, seconds since the epoch. */
  iat: number;
  exp: number;
  cnf: { jkt: string };
}

export interface IssueTicketOptions {
  lenderId: string;
  sessionId: string;
  scriptId: string;
  nonce: string;
  /** Thumbprint of the device public key (from the device before the session starts). */
  deviceKeyThumbprint: string;
  /** Lifetime in seconds (default 15 minutes). */
  ttlSeconds?: number;
  /** Injectable clock (ms since epoch). */
  now?: number;
}

export async function issueTicket(options: IssueTicketOptions, signingKey: PrivateJwk): Promise<string> {
  for (const [name, value] of Object.entries({
    lenderId: options.lenderId,
    sessionId: options.sessionId,
    scriptId: options.scriptId,
    nonce: options.nonce,
    deviceKeyThumbprint: options.deviceKeyThumbprint,
  })) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new DualrecError('BAD_USAGE', { detail: `${name} must be a non-empty string` });
    }
  }
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const key = await importPrivateJwk(signingKey, 'ticket-signing');
  const signed = await new SignJWT({
    sid: options.sessionId,
    script: options.scriptId,
    nonce: options.nonce,
    cnf: { jkt: options.deviceKeyThumbprint },
  })
    .setProtectedHeader({ alg: 'ES256', typ: TICKET_TYP, kid: await jwkThumbprint(signingKey) })
    .setIssuer(options.lenderId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttlSeconds ?? 15 * 60))
    .sign(key);
  // Low-S like every dualrec signature (ecdsa.ts), so a ticket has one spelling.
  return toLowSCompact(signed);
}

export type TicketFailure = 'TICKET_MALFORMED' | 'TICKET_SIGNATURE_INVALID' | 'SIGNATURE_NOT_CANONICAL';

export type TicketCheck =
  | { ok: true; claims: TicketClaims }
  | { ok: false; reason: TicketFailure; detail: string };

function claimsShape(payload: Record<string, unknown>): TicketClaims | null {
  const cnf = payload.cnf as { jkt?: unknown } | undefined;
  const strings = ['iss', 'sid', 'script', 'nonce'] as const;
  for (const name of strings) if (typeof payload[name] !== 'string' || payload[name] === '') return null;
  if (!Number.isInteger(payload.iat) || !Number.isInteger(payload.exp)) return null;
  if (typeof cnf !== 'object' || cnf === null || typeof cnf.jkt !== 'string') return null;
  return payload as unknown as TicketClaims;
}

const HEADER_MEMBERS = ['alg', 'kid', 'typ'];
const CLAIM_MEMBERS = ['cnf', 'exp', 'iat', 'iss', 'nonce', 'script', 'sid'];

function sameMembers(value: object, expected: readonly string[]): boolean {
  return JSON.stringify(Object.keys(value).sort()) === JSON.stringify(expected);
}

/** Why a verified ticket's header or claims are not exactly those of §9, or null. */
async function inexactness(header: object, payload: object, key: PublicJwk): Promise<string | null> {
  if (!sameMembers(header, HEADER_MEMBERS)) return 'the header must be exactly {alg, kid, typ}';
  if ((header as { kid?: unknown }).kid !== (await jwkThumbprint(key)))
    return 'the header kid is not the RFC 7638 thumbprint of the key that signed the ticket';
  if (!sameMembers(payload, CLAIM_MEMBERS))
    return 'the claims must be exactly {iss, sid, script, nonce, iat, exp, cnf}';
  const cnf = (payload as { cnf: object }).cnf;
  if (!sameMembers(cnf, ['jkt'])) return 'cnf must be exactly {jkt}';
  return null;
}

/**
 * Checks the ticket's signature against the lender's ticket keys and its claim types. Time is not
 * checked here: a bundle is judged against the session's own start time (see verify), since an
 * auditor verifies months after the ticket expired.
 */
export async function checkTicketSignature(
  ticket: string,
  lenderKeys: readonly PublicJwk[],
): Promise<TicketCheck> {
  if (typeof ticket !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(ticket)) {
    return { ok: false, reason: 'TICKET_MALFORMED', detail: 'not a compact JWS' };
  }
  let lastError = 'no lender ticket key given';
  for (const jwk of lenderKeys) {
    const key = await importPublicJwk(jwk, 'ticket-signing');
    try {
      const { payload } = await jwtVerify(ticket, key, {
        algorithms: ['ES256'],
        typ: TICKET_TYP,
        // Expiry is judged against the session start by the verifier, not against today.
        currentDate: new Date(0),
        clockTolerance: Number.MAX_SAFE_INTEGER,
      });
      const claims = claimsShape(payload as Record<string, unknown>);
      if (!claims)
        return { ok: false, reason: 'TICKET_MALFORMED', detail: 'claims missing or of the wrong type' };
      // Exactly the header and claims of §9: nothing a verifier could be asked to ignore.
      const inexact = await inexactness(decodeProtectedHeader(ticket), payload, jwk);
      if (inexact) return { ok: false, reason: 'TICKET_MALFORMED', detail: inexact };
      // After the signature verified: the same signature spelled (r, n − s) is refused (§9).
      const signature = fromBase64UrlStrict(ticket.slice(ticket.lastIndexOf('.') + 1));
      if (!signature || !isLowS(signature))
        return {
          ok: false,
          reason: 'SIGNATURE_NOT_CANONICAL',
          detail: 'the ticket signature verifies but its S is above n/2 (low-S is required)',
        };
      return { ok: true, claims };
    } catch (error) {
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
        lastError = 'signature does not verify with the lender ticket key';
        continue;
      }
      if (error instanceof joseErrors.JOSEError) {
        return { ok: false, reason: 'TICKET_MALFORMED', detail: error.message };
      }
      throw error;
    }
  }
  return { ok: false, reason: 'TICKET_SIGNATURE_INVALID', detail: lastError };
}

/** For the lender's own use on receipt: signature, binding to the device key, and expiry against `now`. */
export async function verifyTicket(
  ticket: string,
  lenderKeys: readonly PublicJwk[],
  expected: { deviceKeyThumbprint?: string; now?: number } = {},
): Promise<TicketClaims> {
  const result = await checkTicketSignature(ticket, lenderKeys);
  if (!result.ok)
    throw new DualrecError('TICKET_INVALID', { detail: result.detail, context: { reason: result.reason } });
  const { claims } = result;
  if (expected.deviceKeyThumbprint !== undefined && claims.cnf.jkt !== expected.deviceKeyThumbprint) {
    throw new DualrecError('TICKET_INVALID', {
      detail: 'ticket is bound to another device key',
      context: { reason: 'TICKET_KEY_MISMATCH' },
    });
  }
  const now = Math.floor((expected.now ?? Date.now()) / 1000);
  if (now > claims.exp) {
    throw new DualrecError('TICKET_INVALID', {
      detail: 'ticket has expired',
      context: { reason: 'TICKET_EXPIRED' },
    });
  }
  return claims;
}

/**
 * The ticket's header and claims WITHOUT checking the signature, for display (`dualrec inspect`).
 * Null when it is not a decodable JWT. Never base a decision on this.
 */
export function readTicketUnverified(
  ticket: string,
): { header: Record<string, unknown>; claims: Record<string, unknown> } | null {
  try {
    return {
      header: decodeProtectedHeader(ticket) as Record<string, unknown>,
      claims: decodeJwt(ticket) as Record<string, unknown>,
    };
  } catch {
    return null;
  }
}
