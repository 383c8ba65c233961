/**
 * Crash recovery. After a reload (or the app being killed) mid-session, `recoverSessions()` lists
 * the sessions that never reached session.end. Each can be:
 * - continued: open parts are finished with a final record (status "interrupted"), a
 *   `capture.interrupted` event records the gap, and the next startRecording() makes a new part;
 * - sealed as interrupted: the same, then session.end {status: "interrupted"}, ready for a bundle
 *   that verify() accepts (script segments never read are still reported by verify, by design);
 * - discarded.
 * Nothing recorded before the crash is lost: every stored chunk is whole records.
 */
import type { JsonValue } from '@dualrec/evidence';
import { DualrecError } from '@dualrec/evidence/errors';
import { systemClock } from '@dualrec/evidence/event-log';
import { CaptureSession, type SessionEnvironment, sessionLockName } from './session.js';
import { CaptureStore, type StoredSession } from './store.js';

export interface RecoverOptions extends SessionEnvironment {
  /** Also list ended sessions whose bundle was not yet discarded (e.g. upload pending). */
  includeEnded?: boolean;
}

export interface RecoveredPart {
  index: number;
  name: string;
  mimeType: string;
  status: 'recording' | 'finished' | 'interrupted';
  chunks: number;
  recordedMs: number;
}

export class RecoverableSession {
  readonly id: string;
  readonly status: 'open' | 'ended';
  readonly lenderId: string;
  readonly createdWall: number;
  /** Wall-clock ms of the last stored chunk or session update. */
  readonly lastActivityWall: number;
  readonly parts: readonly RecoveredPart[];
  private used = false;

  constructor(
    private readonly record: StoredSession,
    private readonly env: RecoverOptions,
  ) {
    this.id = record.id;
    this.status = record.status;
    this.lenderId = record.lenderId;
    this.createdWall = record.createdWall;
    this.lastActivityWall = Math.max(record.updatedWall, ...record.parts.map((p) => p.lastChunkWall));
    this.parts = record.parts.map((p) => ({
      index: p.index,
      name: p.name,
      mimeType: p.mimeType,
      status: p.status,
      chunks: p.chunks,
      recordedMs: p.recordedMs,
    }));
  }

  /**
   * Whether a page (this one or another tab) has this session open right now: it holds the
   * session's Web Lock, released when that page closes, reloads or crashes. null when the browser
   * has no Web Locks API (then only the time since the last activity can tell).
   */
  async inUse(): Promise<boolean | null> {
    const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
    if (!locks?.query) return null;
    try {
      const { held = [] } = await locks.query();
      return held.some((lock) => lock.name === sessionLockName(this.id));
    } catch {
      return null;
    }
  }

  /** Recording time kept across all parts, ms. */
  get recordedMs(): number {
    return this.parts.reduce((sum, p) => sum + p.recordedMs, 0);
  }

  /** Reopens the session to go on; logs capture.interrupted. The next recording is a new part. */
  async continue(payload: { [key: string]: JsonValue } = {}): Promise<CaptureSession> {
    const session = await this.open();
    if (session.status === 'open') await this.logInterruption(session, payload);
    return session;
  }

  /** Finishes the session as interrupted (capture.interrupted + session.end), ready for writeBundle(). */
  async sealAsInterrupted(payload: { [key: string]: JsonValue } = {}): Promise<CaptureSession> {
    const session = await this.open();
    if (session.status === 'open') {
      await this.logInterruption(session, payload);
      await session.end({ status: 'interrupted' });
    }
    return session;
  }

  /** Deletes the stored session. */
  async discard(): Promise<void> {
    this.take();
    const store = this.env.store ?? (await CaptureStore.open(this.env));
    try {
      await store.deleteSession(this.id);
    } finally {
      if (!this.env.store) store.close();
    }
  }

  private take(): void {
    if (this.used) throw new DualrecError('BAD_USAGE', { detail: 'this recovered session was already used' });
    this.used = true;
  }

  private async open(): Promise<CaptureSession> {
    this.take();
    // Each recovered session gets (and owns) its own connection unless a store was injected.
    const owns = !this.env.store;
    const store = this.env.store ?? (await CaptureStore.open(this.env));
    try {
      return await CaptureSession.restore(this.record, store, owns, this.env);
    } catch (error) {
      if (owns) store.close();
      throw error;
    }
  }

  private async logInterruption(
    session: CaptureSession,
    payload: { [key: string]: JsonValue },
  ): Promise<void> {
    const finished = await session.finishInterruptedParts();
    const clock = this.env.clock ?? systemClock;
    const events = await session.log.events();
    const lastEventWall = Date.parse(events[events.length - 1]?.wall ?? '') || this.record.createdWall;
    const since = Math.max(this.lastActivityWall, lastEventWall);
    if (events.length === 0) await session.append('session.start', { sessionId: this.id, recovered: true });
    await session.append('capture.interrupted', {
      ...payload,
      reason: typeof payload.reason === 'string' ? payload.reason : 'page-reload',
      gapMs: Math.max(0, Math.round(clock.wall() - since)),
      lastActivity: new Date(since).toISOString(),
      parts: finished.map((p) => ({
        part: p.index,
        name: p.name,
        chunks: p.chunks - 1,
        recordedMs: p.recordedMs,
      })),
    });
  }
}

/**
 * Sessions left in IndexedDB by an earlier page, oldest first. Listing opens and closes its own
 * database connection; a continued or sealed session owns a new one (closed by its close()).
 */
export async function recoverSessions(options: RecoverOptions = {}): Promise<RecoverableSession[]> {
  const store = options.store ?? (await CaptureStore.open(options));
  try {
    const list = (await store.listSessions())
      .filter((s) => options.includeEnded || s.status === 'open')
      .sort((a, b) => a.createdWall - b.createdWall);
    return list.map((record) => new RecoverableSession(record, options));
  } finally {
    if (!options.store) store.close();
  }
}
