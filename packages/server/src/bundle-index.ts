/**
 * The server's index: issued tickets (their single-use nonces), uploads (which ticket each was
 * created with, and when by the server's clock) and received bundles (verdict, hash, where the
 * bytes are, the receipt). SQLite (better-sqlite3) with no set-up by default;
 * PostgreSQL (pg) when several server instances share one index. Both run the same SQL; the one
 * that matters for safety is `claimNonce`, a single conditional UPDATE, so two instances racing
 * with the same replayed ticket cannot both accept it.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DualrecError } from '@dualrec/evidence';

export interface TicketRecord {
  nonce: string;
  sessionId: string;
  lenderId: string;
  scriptId: string;
  jkt: string;
  applicationRef: string;
  /** Who the lender issued it to (`authorizeTicket`'s `subject`); absent for open issuance. */
  subject?: string;
  issuedAt: string;
  expiresAt: string;
  /** The upload that used the nonce; null while unused. */
  usedBy: string | null;
}

/** One tus upload as the server accepted it: with which ticket, and when by the server's clock. */
export interface UploadRecord {
  uploadId: string;
  /** The nonce of the ticket the upload was created with. */
  nonce: string;
  /** When this server accepted the ticket and created the upload (the server's clock, ISO 8601). */
  createdAt: string;
  /**
   * Write-ahead state of filing: when the last byte arrived and receiving began (the server's
   * clock). Set before any filing step; an upload with `finishedAt` and no bundle record was
   * interrupted (a crash) and is received again by the start-up sweep.
   */
  finishedAt?: string;
  /** SHA-256 (hex) of the upload's secret (its capability, sent by the client at creation). */
  secretSha256?: string;
}

/** The one live upload a ticket is bound to (a second creation with the ticket is refused). */
export interface TicketBinding {
  nonce: string;
  uploadId: string;
  boundAt: string;
}

export type BundleStatus = 'valid' | 'quarantined';

export interface BundleRecord {
  uploadId: string;
  sessionId: string | null;
  status: BundleStatus;
  bundleSha256: string;
  /** SHA-256 of the bundle's manifest.json (its identity by content), or null when unreadable. */
  manifestSha256: string | null;
  size: number;
  receivedAt: string;
  reasons: string[];
  /** Where the bundle is, relative to the data folder (or the object key). */
  location: string;
  /** RFC 3161 time and TSA name, when the TSA answered. */
  timestamp: { genTime: string; tsa: string } | null;
}

export interface BundleIndex {
  readonly kind: 'sqlite' | 'postgres';
  addTicket(ticket: TicketRecord): Promise<void>;
  getTicket(nonce: string): Promise<TicketRecord | null>;
  /** Marks the nonce used by `uploadId`; false when another upload already used it (a replay). */
  claimNonce(nonce: string, uploadId: string): Promise<boolean>;
  /** Records which ticket an upload was created with, and when (see receive.ts: expiry at receipt). */
  addUpload(upload: UploadRecord): Promise<void>;
  getUpload(uploadId: string): Promise<UploadRecord | null>;
  /** Write-ahead: marks the upload's bytes complete and its filing begun (kept when already set). */
  markFinished(uploadId: string, at: string): Promise<void>;
  /**
   * Uploads with no bundle record yet (unfinished, or finished and not filed because the server
   * stopped in between), newest first (default at most 10 000).
   */
  listUnfiled(limit?: number): Promise<UploadRecord[]>;
  /**
   * Binds the ticket to `uploadId`; false when it is already bound to an upload (one conditional
   * INSERT, so two instances racing with the same ticket cannot both bind it).
   */
  bindTicket(binding: TicketBinding): Promise<boolean>;
  getBinding(nonce: string): Promise<TicketBinding | null>;
  /** Frees the ticket from `uploadId` (that upload is gone, or its bundle failed verification). */
  releaseBinding(nonce: string, uploadId: string): Promise<void>;
  putBundle(bundle: BundleRecord): Promise<void>;
  /**
   * Files the bundle record unless one exists for the upload (a conditional INSERT): true when
   * this call wrote it. Receiving twice (a sweep after a crash, two instances) keeps the first.
   */
  insertBundle(bundle: BundleRecord): Promise<boolean>;
  getBundle(uploadId: string): Promise<BundleRecord | null>;
  listBundles(options?: { status?: BundleStatus; limit?: number }): Promise<BundleRecord[]>;
  /** Throws when the index cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS tickets (
    nonce TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    lender_id TEXT NOT NULL,
    script_id TEXT NOT NULL,
    jkt TEXT NOT NULL,
    application_ref TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by TEXT
  )`,
  `CREATE TABLE IF NOT EXISTS bundles (
    upload_id TEXT PRIMARY KEY,
    session_id TEXT,
    status TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    received_at TEXT NOT NULL,
    reasons TEXT NOT NULL,
    location TEXT NOT NULL,
    timestamp_json TEXT,
    manifest_sha256 TEXT
  )`,
  'CREATE INDEX IF NOT EXISTS bundles_received ON bundles (received_at)',
  `CREATE TABLE IF NOT EXISTS ticket_bindings (
    nonce TEXT PRIMARY KEY,
    upload_id TEXT NOT NULL,
    bound_at TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    created_at TEXT NOT NULL
  )`,
];

/** Columns added after a table was first made: added to an existing index when missing. */
const ADDED_COLUMNS: readonly { table: string; column: string; type: string }[] = [
  { table: 'uploads', column: 'finished_at', type: 'TEXT' },
  { table: 'tickets', column: 'subject', type: 'TEXT' },
  { table: 'uploads', column: 'secret_sha256', type: 'TEXT' },
  // NULL for bundles filed before the manifest's own hash was recorded.
  { table: 'bundles', column: 'manifest_sha256', type: 'TEXT' },
];

type Row = Record<string, unknown>;

function ticketFrom(row: Row | undefined): TicketRecord | null {
  if (!row) return null;
  return {
    nonce: String(row.nonce),
    sessionId: String(row.session_id),
    lenderId: String(row.lender_id),
    scriptId: String(row.script_id),
    jkt: String(row.jkt),
    applicationRef: String(row.application_ref),
    issuedAt: String(row.issued_at),
    expiresAt: String(row.expires_at),
    usedBy: row.used_by === null || row.used_by === undefined ? null : String(row.used_by),
    ...(row.subject !== null && row.subject !== undefined ? { subject: String(row.subject) } : {}),
  };
}

function uploadFrom(row: Row | undefined): UploadRecord | null {
  if (!row) return null;
  return {
    uploadId: String(row.upload_id),
    nonce: String(row.nonce),
    createdAt: String(row.created_at),
    ...(row.finished_at ? { finishedAt: String(row.finished_at) } : {}),
    ...(row.secret_sha256 ? { secretSha256: String(row.secret_sha256) } : {}),
  };
}

const UPLOAD_COLUMNS = 'upload_id, nonce, created_at, finished_at, secret_sha256';

function bindingFrom(row: Row | undefined): TicketBinding | null {
  if (!row) return null;
  return { nonce: String(row.nonce), uploadId: String(row.upload_id), boundAt: String(row.bound_at) };
}

function bundleFrom(row: Row | undefined): BundleRecord | null {
  if (!row) return null;
  return {
    uploadId: String(row.upload_id),
    sessionId: row.session_id === null ? null : String(row.session_id),
    status: row.status as BundleStatus,
    bundleSha256: String(row.bundle_sha256),
    size: Number(row.size),
    receivedAt: String(row.received_at),
    reasons: JSON.parse(String(row.reasons)) as string[],
    location: String(row.location),
    timestamp: row.timestamp_json
      ? (JSON.parse(String(row.timestamp_json)) as BundleRecord['timestamp'])
      : null,
    manifestSha256:
      row.manifest_sha256 === null || row.manifest_sha256 === undefined ? null : String(row.manifest_sha256),
  };
}

const TICKET_COLUMNS =
  'nonce, session_id, lender_id, script_id, jkt, application_ref, issued_at, expires_at, used_by, subject';
const BUNDLE_COLUMNS =
  'upload_id, session_id, status, bundle_sha256, size, received_at, reasons, location, timestamp_json, manifest_sha256';

function ticketValues(t: TicketRecord): unknown[] {
  return [
    t.nonce,
    t.sessionId,
    t.lenderId,
    t.scriptId,
    t.jkt,
    t.applicationRef,
    t.issuedAt,
    t.expiresAt,
    t.usedBy,
    t.subject ?? null,
  ];
}

function bundleValues(b: BundleRecord): unknown[] {
  return [
    b.uploadId,
    b.sessionId,
    b.status,
    b.bundleSha256,
    b.size,
    b.receivedAt,
    JSON.stringify(b.reasons),
    b.location,
    b.timestamp ? JSON.stringify(b.timestamp) : null,
    b.manifestSha256,
  ];
}

/** The SQL both back-ends run; `p(n)` writes the n-th (1-based) placeholder in the dialect. */
function statements(p: (n: number) => string) {
  const list = (count: number) => Array.from({ length: count }, (_, i) => p(i + 1)).join(', ');
  return {
    addTicket: `INSERT INTO tickets (${TICKET_COLUMNS}) VALUES (${list(10)})`,
    getTicket: `SELECT ${TICKET_COLUMNS} FROM tickets WHERE nonce = ${p(1)}`,
    claimNonce: `UPDATE tickets SET used_by = ${p(1)} WHERE nonce = ${p(2)} AND (used_by IS NULL OR used_by = ${p(3)})`,
    addUpload: `INSERT INTO uploads (upload_id, nonce, created_at, secret_sha256) VALUES (${list(4)})`,
    getUpload: `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE upload_id = ${p(1)}`,
    markFinished: `UPDATE uploads SET finished_at = ${p(1)} WHERE upload_id = ${p(2)} AND finished_at IS NULL`,
    listUnfiled: `SELECT ${UPLOAD_COLUMNS.replace(/(\w+)/g, 'u.$1')} FROM uploads u
      LEFT JOIN bundles b ON b.upload_id = u.upload_id WHERE b.upload_id IS NULL
      ORDER BY u.created_at DESC LIMIT ${p(1)}`,
    bindTicket: `INSERT INTO ticket_bindings (nonce, upload_id, bound_at) VALUES (${list(3)}) ON CONFLICT (nonce) DO NOTHING`,
    getBinding: `SELECT nonce, upload_id, bound_at FROM ticket_bindings WHERE nonce = ${p(1)}`,
    releaseBinding: `DELETE FROM ticket_bindings WHERE nonce = ${p(1)} AND upload_id = ${p(2)}`,
    putBundle: `INSERT INTO bundles (${BUNDLE_COLUMNS}) VALUES (${list(10)})
      ON CONFLICT (upload_id) DO UPDATE SET session_id = excluded.session_id, status = excluded.status,
        bundle_sha256 = excluded.bundle_sha256, size = excluded.size, received_at = excluded.received_at,
        reasons = excluded.reasons, location = excluded.location, timestamp_json = excluded.timestamp_json,
        manifest_sha256 = excluded.manifest_sha256`,
    insertBundle: `INSERT INTO bundles (${BUNDLE_COLUMNS}) VALUES (${list(10)}) ON CONFLICT (upload_id) DO NOTHING`,
    getBundle: `SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE upload_id = ${p(1)}`,
    listAll: `SELECT ${BUNDLE_COLUMNS} FROM bundles ORDER BY received_at DESC LIMIT ${p(1)}`,
    listStatus: `SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE status = ${p(1)} ORDER BY received_at DESC LIMIT ${p(2)}`,
  };
}

export async function openSqliteIndex(path: string): Promise<BundleIndex> {
  // CommonJS native module, loaded only when SQLite is used (a PostgreSQL deployment needs no build).
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  // WAL: readers (admin listing) do not block the upload path; NORMAL is durable across app crashes.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  for (const sql of SCHEMA) db.exec(sql);
  for (const { table, column, type } of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
  // The index names applicants' application references: readable by the server's user only.
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
  const q = statements(() => '?');
  const prepared = {
    addTicket: db.prepare(q.addTicket),
    getTicket: db.prepare(q.getTicket),
    claimNonce: db.prepare(q.claimNonce),
    addUpload: db.prepare(q.addUpload),
    getUpload: db.prepare(q.getUpload),
    markFinished: db.prepare(q.markFinished),
    listUnfiled: db.prepare(q.listUnfiled),
    insertBundle: db.prepare(q.insertBundle),
    bindTicket: db.prepare(q.bindTicket),
    getBinding: db.prepare(q.getBinding),
    releaseBinding: db.prepare(q.releaseBinding),
    putBundle: db.prepare(q.putBundle),
    getBundle: db.prepare(q.getBundle),
    listAll: db.prepare(q.listAll),
    listStatus: db.prepare(q.listStatus),
  };
  return {
    kind: 'sqlite',
    async addTicket(t) {
      prepared.addTicket.run(...ticketValues(t));
    },
    async getTicket(nonce) {
      return ticketFrom(prepared.getTicket.get(nonce) as Row | undefined);
    },
    async claimNonce(nonce, uploadId) {
      return prepared.claimNonce.run(uploadId, nonce, uploadId).changes === 1;
    },
    async addUpload(u) {
      prepared.addUpload.run(u.uploadId, u.nonce, u.createdAt, u.secretSha256 ?? null);
    },
    async getUpload(uploadId) {
      return uploadFrom(prepared.getUpload.get(uploadId) as Row | undefined);
    },
    async markFinished(uploadId, at) {
      prepared.markFinished.run(at, uploadId);
    },
    async listUnfiled(limit = 10_000) {
      return (prepared.listUnfiled.all(limit) as Row[]).map((r) => uploadFrom(r) as UploadRecord);
    },
    async insertBundle(b) {
      return prepared.insertBundle.run(...bundleValues(b)).changes === 1;
    },
    async bindTicket(b) {
      return prepared.bindTicket.run(b.nonce, b.uploadId, b.boundAt).changes === 1;
    },
    async getBinding(nonce) {
      return bindingFrom(prepared.getBinding.get(nonce) as Row | undefined);
    },
    async releaseBinding(nonce, uploadId) {
      prepared.releaseBinding.run(nonce, uploadId);
    },
    async putBundle(b) {
      prepared.putBundle.run(...bundleValues(b));
    },
    async getBundle(uploadId) {
      return bundleFrom(prepared.getBundle.get(uploadId) as Row | undefined);
    },
    async listBundles(options = {}) {
      const limit = options.limit ?? 100;
      const rows = options.status
        ? prepared.listStatus.all(options.status, limit)
        : prepared.listAll.all(limit);
      return (rows as Row[]).map((r) => bundleFrom(r) as BundleRecord);
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      db.close();
    },
  };
}

export async function openPostgresIndex(url: string): Promise<BundleIndex> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  try {
    for (const sql of SCHEMA) await pool.query(sql);
    for (const { table, column, type } of ADDED_COLUMNS)
      await pool.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`);
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw new DualrecError('BAD_USAGE', {
      detail: `cannot open the PostgreSQL index: ${(cause as Error).message}`,
      cause,
    });
  }
  const q = statements((n) => `$${n}`);
  return {
    kind: 'postgres',
    async addTicket(t) {
      await pool.query(q.addTicket, ticketValues(t));
    },
    async getTicket(nonce) {
      return ticketFrom((await pool.query(q.getTicket, [nonce])).rows[0]);
    },
    async claimNonce(nonce, uploadId) {
      return (await pool.query(q.claimNonce, [uploadId, nonce, uploadId])).rowCount === 1;
    },
    async addUpload(u) {
      await pool.query(q.addUpload, [u.uploadId, u.nonce, u.createdAt, u.secretSha256 ?? null]);
    },
    async getUpload(uploadId) {
      return uploadFrom((await pool.query(q.getUpload, [uploadId])).rows[0]);
    },
    async markFinished(uploadId, at) {
      await pool.query(q.markFinished, [at, uploadId]);
    },
    async listUnfiled(limit = 10_000) {
      return (await pool.query(q.listUnfiled, [limit])).rows.map((r) => uploadFrom(r) as UploadRecord);
    },
    async insertBundle(b) {
      return (await pool.query(q.insertBundle, bundleValues(b))).rowCount === 1;
    },
    async bindTicket(b) {
      return (await pool.query(q.bindTicket, [b.nonce, b.uploadId, b.boundAt])).rowCount === 1;
    },
    async getBinding(nonce) {
      return bindingFrom((await pool.query(q.getBinding, [nonce])).rows[0]);
    },
    async releaseBinding(nonce, uploadId) {
      await pool.query(q.releaseBinding, [nonce, uploadId]);
    },
    async putBundle(b) {
      await pool.query(q.putBundle, bundleValues(b));
    },
    async getBundle(uploadId) {
      return bundleFrom((await pool.query(q.getBundle, [uploadId])).rows[0]);
    },
    async listBundles(options = {}) {
      const limit = options.limit ?? 100;
      const result = options.status
        ? await pool.query(q.listStatus, [options.status, limit])
        : await pool.query(q.listAll, [limit]);
      return result.rows.map((r) => bundleFrom(r) as BundleRecord);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}

/** `sqlite:PATH` (or a bare path) → SQLite; `postgres://…` / `postgresql://…` → PostgreSQL. */
export function openIndex(url: string): Promise<BundleIndex> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgresIndex(url);
  return openSqliteIndex(url.replace(/^sqlite:/, ''));
}
