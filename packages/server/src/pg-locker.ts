/**
 * A tus locker shared by every server instance that uses the same PostgreSQL index, so a PATCH
 * on instance B waits for (and asks to end) a PATCH of the same upload still running on
 * instance A, as @tus/server's MemoryLocker does within one process.
 *
 * - Exclusion: a session-level advisory lock (`pg_try_advisory_lock`) on a 64-bit key derived
 *   from the upload id, held on one dedicated connection per instance. If the instance dies, its
 *   connection closes and PostgreSQL releases its locks: no stale lock outlives a crash.
 *   Advisory locks are re-entrant within a session, so exclusion between requests of the same
 *   instance is kept in a local map first (as MemoryLocker does).
 * - Release requests (tus: a new request for an upload cancels the older one, e.g. a half-open
 *   connection after a network drop): the waiting instance sends `NOTIFY dualrec_tus_release,
 *   '<id>'`; the holder, which LISTENs, calls the holder request's `requestRelease`.
 */
import { createHash } from 'node:crypto';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type pg from 'pg';

const CHANNEL = 'dualrec_tus_release';
const RETRY_MS = 50;

interface Held {
  requestRelease: RequestRelease;
  /** True once PostgreSQL granted the advisory lock. */
  acquired: boolean;
}

/** The advisory-lock key: the first 8 bytes of SHA-256("dualrec-tus:" + id), signed. */
export function advisoryKey(id: string): string {
  return createHash('sha256').update(`dualrec-tus:${id}`).digest().readBigInt64BE(0).toString();
}

export class PgLocker implements Locker {
  readonly #client: pg.Client;
  readonly #held = new Map<string, Held>();
  readonly #timeout: number;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(client: pg.Client, timeout: number) {
    this.#client = client;
    this.#timeout = timeout;
  }

  static async open(url: string, options: { acquireLockTimeout?: number } = {}): Promise<PgLocker> {
    const { default: pgModule } = await import('pg');
    const client = new pgModule.Client({ connectionString: url, application_name: 'dualrec-tus-locker' });
    await client.connect();
    const locker = new PgLocker(client, options.acquireLockTimeout ?? 30_000);
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const held = locker.#held.get(message.payload);
      if (held?.acquired) void held.requestRelease();
    });
    client.on('error', () => {
      // The connection is gone, and with it every advisory lock: end what this instance holds
      // rather than write on without exclusion.
      for (const held of locker.#held.values()) if (held.acquired) void held.requestRelease();
    });
    await client.query(`LISTEN ${CHANNEL}`);
    return locker;
  }

  /** One query at a time on the lock connection (pg queues them anyway; this keeps order explicit). */
  query<T extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<pg.QueryResult<T>> {
    const run = this.#queue.then(() => this.#client.query<T>(sql, values));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  newLock(id: string): Lock {
    return new PgLock(id, this);
  }

  /** @internal */
  get held(): Map<string, Held> {
    return this.#held;
  }

  /** @internal */
  get timeout(): number {
    return this.#timeout;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.end();
  }
}

class PgLock implements Lock {
  constructor(
    private readonly id: string,
    private readonly locker: PgLocker,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.locker.timeout;
    const held = this.locker.held;
    let asked = false;
    let notifiedAt = 0;
    while (!signal.aborted && Date.now() < deadline) {
      const local = held.get(this.id);
      if (local) {
        // Another request of this instance holds it: ask it to finish, then try again.
        if (!asked) await local.requestRelease();
        asked = true;
      } else {
        const mine: Held = { requestRelease, acquired: false };
        held.set(this.id, mine);
        let granted = false;
        try {
          const result = await this.locker.query<{ ok: boolean }>(
            'SELECT pg_try_advisory_lock($1::bigint) AS ok',
            [advisoryKey(this.id)],
          );
          granted = result.rows[0]?.ok === true;
        } finally {
          if (!granted) held.delete(this.id);
        }
        if (granted) {
          mine.acquired = true;
          return;
        }
        // Held by another instance: ask it (through PostgreSQL) to release, about once a second.
        if (Date.now() - notifiedAt > 1000) {
          notifiedAt = Date.now();
          await this.locker.query('SELECT pg_notify($1, $2)', [CHANNEL, this.id]);
        }
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
    throw ERRORS.ERR_LOCK_TIMEOUT;
  }

  async unlock(): Promise<void> {
    const mine = this.locker.held.get(this.id);
    if (!mine?.acquired) throw new Error('Releasing an unlocked lock!');
    try {
      await this.locker.query('SELECT pg_advisory_unlock($1::bigint)', [advisoryKey(this.id)]);
    } finally {
      this.locker.held.delete(this.id);
    }
  }
}
