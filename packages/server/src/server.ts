/**
 * The lender's receiving server (`dualrec serve`):
 *
 *   POST /v1/tickets                 { jkt, scriptId } → 201 ticket grant, for whom the lender's
 *                                    `authorizeTicket` hook says (or anyone, insecureOpenTickets)
 *   /v1/uploads/…                    tus 1.0 (creation, creation-defer-length, termination)
 *   GET  /v1/uploads/<id>/receipt    the receipt, once the upload finished (also sent as the
 *                                    `Dualrec-Receipt` header of the final PATCH)
 *   GET  /health                     the process is up
 *   GET  /ready                      the index and the storage (data folder or bucket) can be used
 *   GET  /… (static mounts)          the lender's H5 page and /dualrec-assets
 *
 * Uploads are refused unless they carry a ticket this server issued and whose nonce is unused,
 * so nobody can fill the disk with arbitrary files. CORS is allowed for the configured H5
 * origins only (none by default: same origin).
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  checkTicketSignature,
  DualrecError,
  isDualrecError,
  type PrivateJwk,
  type PublicJwk,
  toBase64Url,
} from '@dualrec/evidence';
import { RECEIPT_HEADER, type Receipt, UPLOAD_SECRET_HEADER, UPLOAD_SECRET_METADATA } from '@dualrec/upload';
import { type Locker, Server as TusServer } from '@tus/server';
import pino, { type Logger } from 'pino';
import { type BundleIndex, openIndex, type UploadRecord } from './bundle-index.js';
import { type BundleStorage, diskStorage, type S3StorageOptions, s3Storage } from './bundle-storage.js';
import { KEY_FILES, keysInsideData, loadLenderKeys, requireKey } from './keys.js';
import { PgLocker } from './pg-locker.js';
import { receiptOf, receiveBundle } from './receive.js';
import { type StaticMount, serveStatic } from './static-files.js';
import {
  DEFAULT_CLOCK_SKEW_SECONDS,
  isApplicationRef,
  mintTicket,
  parseTicketRequest,
  ticketWindowProblem,
} from './tickets.js';
import { httpTsa, LocalTsa, type Timestamper } from './timestamp.js';

export const UPLOAD_PATH = '/v1/uploads';
export const TICKET_PATH = '/v1/tickets';
/** Unfinished uploads are deleted after this by default (see `uploadTtlMs`). */
export const DEFAULT_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

/** What `authorizeTicket` is shown of a ticket request (the body is checked before it is called). */
export interface TicketAuthorizationRequest {
  /** The HTTP request: read your session cookie or `authorization` header from it. */
  request: IncomingMessage;
  /** The request's headers (lower-case names), as `request.headers`. */
  headers: IncomingMessage['headers'];
  /** The `Origin` header, already checked to be this server's or one of `allowedOrigins`; null when absent. */
  origin: string | null;
  /** RFC 7638 thumbprint of the device key the ticket will be bound to. */
  jkt: string;
  scriptId: string;
  /** The application reference the page asked for (the caller's word: check it, or ignore it). */
  requestedApplicationRef: string | null;
}

/** A yes from `authorizeTicket`: the ticket is for this application, issued to this subject. */
export interface TicketAuthorization {
  /** The lender's loan application reference, as the lender's own session knows it. */
  applicationRef: string;
  /** Who the ticket is issued to (a user or session id of the lender's): kept in the index, logged. */
  subject: string;
}

/** A no from `authorizeTicket`: the reason goes back to the caller, with 401 (default) or 403. */
export interface TicketRefusal {
  refuse: string;
  status?: 401 | 403;
}

export interface ServerOptions {
  /** Folder for uploads, bundles, quarantine, the SQLite index and the local TSA. */
  dataDir: string;
  /**
   * Lender key folder (`dualrec keygen`): ticket-signing private key and encryption public key.
   * Must not be `dataDir` or inside it (refused with BAD_USAGE). The encryption private key is
   * never read by the server: a warning is logged when the folder holds it.
   */
  keysDir: string;
  /** 0 = any free port (default 8787). */
  port?: number;
  /** Default 127.0.0.1; use 0.0.0.0 to serve the LAN (with TLS in front). */
  host?: string;
  /**
   * Where uploads and filed bundles go: local disk under `dataDir` (default) or S3-compatible
   * object storage shared by several instances (see docs/server.md, "Storage and scale").
   */
  storage?: { kind: 'disk' } | S3StorageOptions;
  /**
   * The tus locker. Default: across instances through PostgreSQL advisory locks when `db` is
   * PostgreSQL, otherwise within this process (@tus/server's MemoryLocker).
   */
  locker?: Locker;
  /** `sqlite:PATH` (default `sqlite:<dataDir>/index.sqlite`) or `postgres://…`. */
  db?: string;
  /**
   * Who may get a session ticket, and for which loan application: the lender wires this to its
   * own login or session. Called for every `POST /v1/tickets` whose body, content type and
   * `Origin` passed the checks; it returns `{ applicationRef, subject }` to issue the ticket, or
   * `{ refuse }` (401 by default, or 403). Without it (and without `insecureOpenTickets`)
   * the endpoint refuses every request with 403: a ticket lets its holder file evidence for an
   * application, so issuing them is the lender's decision. The `applicationRef` in the body is
   * only the page's request; the hook's answer is what the index records.
   *
   * @example
   * ```ts
   * await createServer({
   *   dataDir, keysDir,
   *   async authorizeTicket({ headers }) {
   *     const session = await mySessions.fromCookie(headers.cookie); // your own login
   *     if (!session) return { refuse: 'not signed in' };
   *     return { applicationRef: session.loanApplicationId, subject: session.userId };
   *   },
   * });
   * ```
   */
  authorizeTicket?: (
    request: TicketAuthorizationRequest,
  ) => TicketAuthorization | TicketRefusal | Promise<TicketAuthorization | TicketRefusal>;
  /**
   * INSECURE, demos and tests only: issue a ticket to anyone who asks, for the `applicationRef`
   * in the body (`dualrec serve --insecure-open-tickets`). Anyone who can reach the server can
   * then start sessions for any application. Logged as a warning at start-up.
   */
  insecureOpenTickets?: boolean;
  /**
   * File synthetic sample bundles (`dualrec sample`, `manifest.synthetic: true`) as valid
   * (default false: quarantined with SYNTHETIC_REFUSED). Trials only (`--accept-synthetic`).
   */
  acceptSynthetic?: boolean;
  /**
   * A lender credential for `GET /v1/uploads/<id>/receipt` (back office, support tools): return
   * true to let this request read any receipt without the upload's secret. Default: none; the
   * index (`dualrec bundles`) is the lender's own way in.
   */
  authorizeReceipt?: (request: IncomingMessage) => boolean | Promise<boolean>;
  /** Lender id written into tickets (default "dualrec-demo-lender"). */
  lenderId?: string;
  /** H5 origins allowed to call the API from another origin (default none: same origin only). */
  allowedOrigins?: string[];
  /** 'local' (default: a local TSA in <dataDir>/tsa), an RFC 3161 URL, or 'none'. */
  tsa?: 'local' | 'none' | string;
  /** Folders to serve (the H5 page, the assets). */
  static?: StaticMount[];
  /** Extra headers on static responses (e.g. a CSP). */
  staticHeaders?: Record<string, string>;
  /** Largest bundle accepted (default 512 MiB). */
  maxBundleBytes?: number;
  /** Ticket lifetime (default 30 minutes). */
  ticketTtlSeconds?: number;
  /**
   * Tolerated difference between this server's clock and the clock that issued a ticket, seconds
   * (default 60). A ticket is accepted for a new upload, and a bundle filed as valid, only when the
   * upload was created between the ticket's `iat`/`nbf` − skew and `exp` + skew by THIS server's
   * clock; the device's own `manifest.startedAt` is never the only judge.
   */
  clockSkewSeconds?: number;
  /** Clock seam for tests (default the system clock). */
  now?: () => Date;
  /**
   * Unfinished uploads created longer ago than this are deleted (with their bytes), so abandoned
   * or hostile half-uploads do not fill the disk and a ticket held by one is free again; ms,
   * default 24 h, 0 = never. Checked every `min(ttl, 10 min)` and by `expireUploads()`. Finished
   * uploads are never expired. Disk storage only: for S3 use a lifecycle rule on `PREFIX/uploads/`.
   */
  uploadTtlMs?: number;
  /**
   * Longest a whole request may take, ms (default 120 000; Node's own is 300 000). A PATCH cut
   * short keeps the bytes that arrived and the client resumes from there (tus HEAD).
   */
  requestTimeoutMs?: number;
  /** Longest the request headers may take, ms (default 20 000; Node's own is 60 000). */
  headersTimeoutMs?: number;
  /** A pino logger of your own; otherwise JSON lines to stdout at `logLevel` (default info). */
  logger?: Logger;
  logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** Serve HTTPS with this key and certificate (PEM); phones only allow the camera on HTTPS. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface DualrecServer {
  /** http://host:port (after listen). */
  readonly url: string;
  readonly index: BundleIndex;
  readonly dataDir: string;
  readonly storage: BundleStorage;
  /** The local TSA's certificate (PEM), to verify time-stamps with; null for an external TSA. */
  readonly tsaCertificate: string | null;
  /**
   * Receives every upload whose bytes are complete but that has no bundle record (the server
   * stopped between the last byte and the receipt). `listen()` runs it once in the background;
   * it is safe to run at any time, on any instance (receiving is idempotent).
   */
  recoverUploads(): Promise<{ received: number }>;
  /**
   * Deletes unfinished uploads older than `uploadTtlMs` now (the server also does it
   * periodically); returns how many. 0 with S3 storage or a TTL of 0.
   */
  expireUploads(): Promise<{ deleted: number }>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

const MAX_JSON_BYTES = 4096;

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Why `presented` is not the secret whose SHA-256 is `expected`, or null when it is. */
function capabilityProblem(
  expected: string | undefined,
  presented: string | null | undefined,
): string | null {
  if (!expected) return 'this upload was created without an upload secret and cannot be used';
  if (!presented) return `the ${UPLOAD_SECRET_HEADER} header is required for this upload`;
  const a = Buffer.from(sha256Hex(presented), 'hex');
  const b = Buffer.from(expected, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return `wrong ${UPLOAD_SECRET_HEADER} for this upload`;
  return null;
}

/** Whether `origin` (the Origin header) names the host the request was sent to. */
function sameOrigin(origin: string, req: IncomingMessage): boolean {
  try {
    return new URL(origin).host === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES)
      throw new DualrecError('BAD_USAGE', { detail: `the body is larger than ${MAX_JSON_BYTES} bytes` });
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (cause) {
    throw new DualrecError('BAD_USAGE', { detail: 'the body is not JSON', cause });
  }
}

export async function createServer(options: ServerOptions): Promise<DualrecServer> {
  for (const [name, value, min] of [
    ['clockSkewSeconds', options.clockSkewSeconds, 0],
    ['requestTimeoutMs', options.requestTimeoutMs, 1],
    ['headersTimeoutMs', options.headersTimeoutMs, 1],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= min))
      throw new DualrecError('BAD_USAGE', { detail: `${name} must be a number ≥ ${min}` });
  }
  if (options.authorizeTicket && options.insecureOpenTickets)
    throw new DualrecError('BAD_USAGE', {
      detail: 'authorizeTicket and insecureOpenTickets exclude each other',
    });
  const log = options.logger ?? pino({ name: 'dualrec-server', level: options.logLevel ?? 'info' });
  if (options.insecureOpenTickets)
    log.warn(
      'INSECURE: open ticket issuance (insecureOpenTickets): anyone who reaches this server can get a ticket for any application. Demos and tests only.',
    );
  const dataDir = resolve(options.dataDir);
  const uploadTtlMs = options.uploadTtlMs ?? DEFAULT_UPLOAD_TTL_MS;
  if (!(Number.isFinite(uploadTtlMs) && uploadTtlMs >= 0))
    throw new DualrecError('BAD_USAGE', { detail: `uploadTtlMs must be ≥ 0 ms, not ${uploadTtlMs}` });
  if (keysInsideData(options.keysDir, dataDir))
    throw new DualrecError('BAD_USAGE', {
      detail: `the key folder ${resolve(options.keysDir)} is inside the data folder ${dataDir}: keep the lender's keys in a folder of their own, outside DATA (the data folder is backed up, shared and copied; the keys must not travel with it)`,
    });
  const storage =
    options.storage?.kind === 's3'
      ? await s3Storage(options.storage)
      : await diskStorage(dataDir, { uploadTtlMs });
  const keys = await loadLenderKeys(resolve(options.keysDir));
  if (keys.encryptionPrivate)
    log.warn(
      { keysDir: resolve(options.keysDir), file: KEY_FILES.encryptionPrivate },
      'the key folder holds the encryption PRIVATE key, which the server never needs: move it to the people who decrypt',
    );
  const signingKey: PrivateJwk = requireKey(
    keys.ticketSigningPrivate,
    options.keysDir,
    KEY_FILES.ticketSigningPrivate,
  );
  const ticketPublic: PublicJwk = requireKey(
    keys.ticketSigningPublic,
    options.keysDir,
    KEY_FILES.ticketSigningPublic,
  );
  const recipient: PublicJwk = requireKey(keys.encryptionPublic, options.keysDir, KEY_FILES.encryptionPublic);
  const index = await openIndex(options.db ?? `sqlite:${join(dataDir, 'index.sqlite')}`);
  const ownLocker =
    !options.locker && index.kind === 'postgres' && options.db ? await PgLocker.open(options.db) : null;
  const tsaOption = options.tsa ?? 'local';
  const timestamper: Timestamper | null =
    tsaOption === 'none'
      ? null
      : tsaOption === 'local'
        ? await LocalTsa.open(join(dataDir, 'tsa'))
        : httpTsa(tsaOption);
  const lenderId = options.lenderId ?? 'dualrec-demo-lender';
  const allowedOrigins = options.allowedOrigins ?? [];
  const maxBundleBytes = options.maxBundleBytes ?? 512 * 1024 * 1024;
  const now = options.now ?? (() => new Date());
  const clockSkewSeconds = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;

  const tus = new TusServer({
    path: UPLOAD_PATH,
    datastore: storage.datastore,
    ...((options.locker ?? ownLocker) ? { locker: (options.locker ?? ownLocker) as Locker } : {}),
    relativeLocation: true,
    maxSize: maxBundleBytes,
    allowedOrigins,
    allowedHeaders: [UPLOAD_SECRET_HEADER],
    exposedHeaders: [RECEIPT_HEADER],
    disableTerminationForFinishedUploads: true,
    async onUploadCreate(_req, upload) {
      const ticket = upload.metadata?.ticket;
      const sessionId = upload.metadata?.sessionId;
      const secret = upload.metadata?.[UPLOAD_SECRET_METADATA];
      if (!ticket || !sessionId)
        throw { status_code: 400, body: 'Upload-Metadata must carry "ticket" and "sessionId"\n' };
      if (!secret || !/^[A-Za-z0-9_-]{43,128}$/.test(secret))
        throw {
          status_code: 400,
          body: `Upload-Metadata must carry "${UPLOAD_SECRET_METADATA}" (43-128 base64url characters): the upload's capability\n`,
        };
      const check = await checkTicketSignature(ticket, [ticketPublic]);
      if (!check.ok) throw { status_code: 403, body: `the ticket is not valid: ${check.detail}\n` };
      const { claims } = check;
      if (claims.sid !== sessionId) throw { status_code: 403, body: 'the ticket is for another session\n' };
      const at = now().getTime();
      const nbf = (claims as { nbf?: unknown }).nbf;
      const late = ticketWindowProblem(
        {
          issuedAt: claims.iat * 1000,
          expiresAt: claims.exp * 1000,
          ...(typeof nbf === 'number' ? { notBefore: nbf * 1000 } : {}),
        },
        at,
        clockSkewSeconds,
      );
      if (late) throw { status_code: 403, body: `the ticket cannot be used now: ${late}\n` };
      const issued = await index.getTicket(claims.nonce);
      if (!issued) throw { status_code: 403, body: 'the ticket was not issued by this server\n' };
      if (issued.usedBy) throw { status_code: 403, body: 'this ticket has already been used for a bundle\n' };
      await bindTicket(issued.nonce, upload.id, at);
      await index.addUpload({
        uploadId: upload.id,
        nonce: issued.nonce,
        createdAt: new Date(at).toISOString(),
        // Only its hash is kept; the metadata returned below drops the ticket and the secret.
        secretSha256: sha256Hex(secret),
      });
      log.info({ uploadId: upload.id, sessionId, size: upload.size ?? null }, 'upload created');
      return { metadata: { sessionId } };
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST') return;
      // The upload capability: HEAD, PATCH and DELETE need the secret sent at creation.
      const record = await index.getUpload(uploadId);
      if (!record) throw { status_code: 404, body: 'no such upload\n' };
      const problem = capabilityProblem(record.secretSha256, req.headers.get(UPLOAD_SECRET_HEADER));
      if (problem) throw { status_code: 403, body: `${problem}\n` };
      // An upload whose ticket has since been used by, or bound to, another upload takes no more
      // bytes: one ticket, one bundle.
      if (req.method !== 'PATCH') return;
      const ticket = await index.getTicket(record.nonce);
      if (ticket?.usedBy && ticket.usedBy !== uploadId)
        throw { status_code: 403, body: `the ticket of this upload was used by upload ${ticket.usedBy}\n` };
      const binding = await index.getBinding(record.nonce);
      if (binding && binding.uploadId !== uploadId)
        throw {
          status_code: 403,
          body: `the ticket of this upload is bound to upload ${binding.uploadId}\n`,
        };
    },
    async onUploadFinish(_req, upload) {
      const receipt = await receiveOnce(upload.id, upload.metadata?.sessionId ?? null);
      return {
        headers: { [RECEIPT_HEADER]: toBase64Url(new TextEncoder().encode(JSON.stringify(receipt))) },
      };
    },
  });

  /** One receive at a time per upload in this process (the final PATCH, the sweep, a receipt GET). */
  const receiving = new Map<string, Promise<Receipt>>();
  const receiveOnce = (uploadId: string, declaredSessionId: string | null): Promise<Receipt> => {
    let job = receiving.get(uploadId);
    if (!job) {
      job = receiveBundle(
        {
          storage,
          index,
          ticketKeys: [ticketPublic],
          timestamper,
          now,
          clockSkewSeconds,
          acceptSynthetic: options.acceptSynthetic === true,
        },
        { uploadId, declaredSessionId },
      )
        .then((receipt) => {
          log.info(
            {
              uploadId,
              sessionId: receipt.sessionId,
              verdict: receipt.verdict,
              reasons: receipt.reasons,
              sha256: receipt.bundleSha256,
            },
            receipt.verdict === 'valid' ? 'bundle received' : 'bundle quarantined',
          );
          return receipt;
        })
        .finally(() => receiving.delete(uploadId));
      receiving.set(uploadId, job);
    }
    return job;
  };

  /**
   * Receives an upload the index knows whose bytes are all stored but which has no bundle record
   * (a crash after the last byte); null when it is not complete (or gone).
   */
  const recoverUpload = async (record: UploadRecord): Promise<Receipt | null> => {
    let stored: Awaited<ReturnType<typeof storage.datastore.getUpload>>;
    try {
      stored = await storage.datastore.getUpload(record.uploadId);
    } catch (error) {
      const status = (error as { status_code?: number }).status_code;
      if (status === 404 || status === 410) return null;
      throw error;
    }
    if (stored.size === undefined || stored.offset !== stored.size) return null;
    return receiveOnce(record.uploadId, stored.metadata?.sessionId ?? null);
  };

  let recovery: Promise<{ received: number }> | null = null;
  const expireUploads = async (): Promise<{ deleted: number }> => {
    if (storage.kind !== 'disk' || uploadTtlMs === 0) return { deleted: 0 };
    const deleted = await tus.cleanUpExpiredUploads();
    if (deleted > 0) log.info({ deleted, uploadTtlMs }, 'unfinished uploads expired');
    return { deleted };
  };
  let expiryTimer: ReturnType<typeof setInterval> | undefined;

  const recoverUploads = (): Promise<{ received: number }> => {
    recovery ??= (async () => {
      let received = 0;
      for (const record of await index.listUnfiled()) {
        try {
          const receipt = await recoverUpload(record);
          if (receipt) {
            received++;
            log.warn(
              {
                uploadId: record.uploadId,
                verdict: receipt.verdict,
                interruptedAt: record.finishedAt ?? null,
              },
              'finished upload received after a restart',
            );
          }
        } catch (error) {
          log.error({ err: error, uploadId: record.uploadId }, 'recovering an upload failed');
        }
      }
      return { received };
    })().finally(() => {
      recovery = null;
    });
    return recovery;
  };

  /**
   * One ticket, one live upload: binds the ticket to `uploadId`, or refuses (403) while the upload
   * it is bound to is in progress. A binding is given up when that upload is gone (terminated by
   * the client, or never stored), when it has received no byte at all (a creation retried because
   * its response was lost), or when its bundle failed verification (receive.ts).
   */
  const bindTicket = async (nonce: string, uploadId: string, at: number): Promise<void> => {
    const refuse = (detail: string) => ({ status_code: 403, body: `${detail}\n` });
    const bound = await index.getBinding(nonce);
    if (bound && bound.uploadId !== uploadId) {
      let offset: number | null = null;
      try {
        offset = (await storage.datastore.getUpload(bound.uploadId)).offset;
      } catch (error) {
        const status = (error as { status_code?: number }).status_code;
        if (status !== 404 && status !== 410) throw error;
      }
      if (offset !== null && offset > 0)
        throw refuse(`this ticket is bound to upload ${bound.uploadId}, which is still in progress`);
      await index.releaseBinding(nonce, bound.uploadId);
      log.info({ nonce, from: bound.uploadId, to: uploadId, offset }, 'ticket binding moved');
    }
    if (!(await index.bindTicket({ nonce, uploadId, boundAt: new Date(at).toISOString() })))
      throw refuse('this ticket was just bound to another upload');
  };

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (!origin || !allowedOrigins.includes(origin)) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': `content-type, ${UPLOAD_SECRET_HEADER.toLowerCase()}`,
      vary: 'Origin',
    };
  };
  const staticHeaders = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'permissions-policy': 'camera=(self), microphone=(self)',
    ...options.staticHeaders,
  };

  /**
   * POST /v1/tickets. CSRF: only `application/json` bodies (a cross-site page cannot send one
   * without a CORS preflight, which only `allowedOrigins` pass), and an `Origin`, when the
   * browser sends one, must be this server's own or an allowed one. Then the lender's
   * `authorizeTicket` decides (or, for demos, `insecureOpenTickets`).
   */
  const issueTicket = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const cors = corsHeaders(req);
    const refuse = (status: number, error: string) => {
      log.warn({ status, origin: req.headers.origin ?? null, error }, 'ticket refused');
      return sendJson(res, status, { error }, cors);
    };
    const origin = req.headers.origin ?? null;
    if (origin !== null && !sameOrigin(origin, req) && !allowedOrigins.includes(origin))
      return refuse(403, `requests from ${origin} are not allowed (allowedOrigins, --origin)`);
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json')
      return refuse(415, 'the body must be sent as content-type: application/json');
    if (!options.authorizeTicket && !options.insecureOpenTickets)
      return refuse(
        403,
        'ticket issuance is not enabled on this server (authorizeTicket; --insecure-open-tickets for demos)',
      );
    let request: ReturnType<typeof parseTicketRequest>;
    try {
      request = parseTicketRequest(await readJson(req));
    } catch (error) {
      if (isDualrecError(error) && error.code === 'BAD_USAGE')
        return refuse(400, error.detail ?? error.message);
      throw error;
    }
    let decision: TicketAuthorization;
    if (options.authorizeTicket) {
      const answer = await options.authorizeTicket({
        request: req,
        headers: req.headers,
        origin,
        jkt: request.jkt,
        scriptId: request.scriptId,
        requestedApplicationRef: request.applicationRef,
      });
      if (!answer || typeof answer !== 'object' || 'refuse' in answer) {
        const refusal = (answer as TicketRefusal | null) ?? { refuse: 'refused' };
        return refuse(refusal.status === 403 ? 403 : 401, String(refusal.refuse || 'refused'));
      }
      if (!isApplicationRef(answer.applicationRef) || typeof answer.subject !== 'string' || !answer.subject)
        throw new DualrecError('BAD_USAGE', {
          detail: 'authorizeTicket must return { applicationRef (1-128 letters, digits, ._:/-), subject }',
        });
      decision = { applicationRef: answer.applicationRef, subject: answer.subject.slice(0, 256) };
    } else {
      if (!request.applicationRef) return refuse(400, '"applicationRef" is required');
      decision = { applicationRef: request.applicationRef, subject: '' };
    }
    const grant = await mintTicket({
      index,
      lenderId,
      signingKey,
      recipients: [recipient],
      jkt: request.jkt,
      scriptId: request.scriptId,
      applicationRef: decision.applicationRef,
      ...(decision.subject ? { subject: decision.subject } : {}),
      ...(options.ticketTtlSeconds ? { ttlSeconds: options.ticketTtlSeconds } : {}),
      now: now().getTime(),
    });
    log.info(
      {
        sessionId: grant.sessionId,
        scriptId: request.scriptId,
        subject: decision.subject || null,
        open: !options.authorizeTicket,
      },
      'ticket issued',
    );
    return sendJson(res, 201, grant, cors);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === UPLOAD_PATH || path.startsWith(`${UPLOAD_PATH}/`)) {
      const receiptMatch = /^\/v1\/uploads\/([A-Za-z0-9_-]+)\/receipt$/.exec(path);
      if (receiptMatch && req.method === 'GET') {
        const uploadId = receiptMatch[1] as string;
        const upload = await index.getUpload(uploadId);
        const secret = req.headers[UPLOAD_SECRET_HEADER.toLowerCase()];
        const lender = options.authorizeReceipt ? await options.authorizeReceipt(req) : false;
        if (!lender) {
          if (!upload) return sendJson(res, 404, { error: 'no such upload' }, corsHeaders(req));
          const problem = capabilityProblem(upload.secretSha256, typeof secret === 'string' ? secret : null);
          if (problem) return sendJson(res, 403, { error: problem }, corsHeaders(req));
        }
        const record = await index.getBundle(uploadId);
        if (record) return sendJson(res, 200, receiptOf(record), corsHeaders(req));
        // Complete but never filed (the server stopped after the last byte): receive it now.
        const recovered = upload ? await recoverUpload(upload) : null;
        if (recovered) return sendJson(res, 200, recovered, corsHeaders(req));
        return sendJson(res, 404, { error: 'no receipt (yet) for this upload' }, corsHeaders(req));
      }
      // No downloads: a finished bundle is read from the lender's storage, never over this API.
      if (req.method === 'GET')
        return sendJson(
          res,
          405,
          { error: 'uploads cannot be downloaded' },
          { ...corsHeaders(req), allow: 'HEAD, PATCH, DELETE' },
        );
      await tus.handle(req, res);
      return;
    }
    if (path === '/health') return sendJson(res, 200, { status: 'ok' });
    if (path === '/ready') {
      try {
        await index.ping();
        await storage.ping();
        return sendJson(res, 200, { status: 'ready', index: index.kind, storage: storage.kind });
      } catch (error) {
        return sendJson(res, 503, { status: 'not-ready', detail: (error as Error).message });
      }
    }
    if (path === TICKET_PATH) {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, corsHeaders(req));
        return void res.end();
      }
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' }, { allow: 'POST' });
      return issueTicket(req, res);
    }
    if (options.static && (await serveStatic(options.static, req, res, path, staticHeaders))) return;
    sendJson(res, 404, { error: 'not found' });
  };

  let http: Server | null = null;
  let url = '';
  return {
    get url() {
      return url;
    },
    index,
    dataDir,
    storage,
    tsaCertificate: timestamper?.certificatePath ?? null,
    recoverUploads,
    expireUploads,
    listen() {
      const listener = (req: IncomingMessage, res: ServerResponse) => {
        handle(req, res).catch((error: unknown) => {
          log.error({ err: error, url: req.url, method: req.method }, 'request failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
          else res.destroy();
        });
      };
      // Slow or never-finished requests must not hold sockets for Node's 5 minutes; the timeouts
      // are enforced on each check of the connections, so check often enough for them to matter.
      const requestTimeout = options.requestTimeoutMs ?? 120_000;
      const headersTimeout = Math.min(options.headersTimeoutMs ?? 20_000, requestTimeout);
      const timeouts = {
        requestTimeout,
        headersTimeout,
        connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(headersTimeout / 4))),
      };
      const server: Server = options.tls
        ? createHttpsServer({ ...options.tls, ...timeouts }, listener)
        : createHttpServer(timeouts, listener);
      http = server;
      return new Promise((resolvePromise, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => {
          const address = server.address() as AddressInfo;
          url = `${options.tls ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
          log.info(
            { url, dataDir, index: index.kind, storage: storage.kind, tsa: tsaOption },
            'dualrec server listening',
          );
          // Start-up sweep: uploads finished before a crash but never filed.
          recoverUploads().catch((error: unknown) => log.error({ err: error }, 'start-up sweep failed'));
          if (storage.kind === 'disk' && uploadTtlMs > 0) {
            expiryTimer = setInterval(
              () =>
                void expireUploads().catch((error: unknown) =>
                  log.error({ err: error }, 'upload expiry failed'),
                ),
              Math.min(uploadTtlMs, 10 * 60_000),
            );
            // Never what keeps the process alive.
            expiryTimer.unref();
          }
          resolvePromise();
        });
      });
    },
    async close() {
      clearInterval(expiryTimer);
      const server = http;
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
      await recovery?.catch(() => undefined);
      await Promise.allSettled([...receiving.values()]);
      await ownLocker?.close();
      await index.close();
    },
  };
}

export { RECEIPT_HEADER, type Receipt };
