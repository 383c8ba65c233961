/**
 * Evidence left behind by an earlier visit on this device: a session interrupted by a reload, a
 * crash or a closed app (sealed now as interrupted, with the gap recorded), or a sealed bundle
 * whose upload did not finish. Each is queued and sent in the background while the new session
 * starts; nothing is deleted before the lender's receipt.
 */
import type { UploadQueue } from '@dualrec/upload';
import type { SessionRuntime } from '../step.js';

export interface RecoveredSession {
  sessionId: string;
  /** 'sent': the lender's receipt arrived; 'failed': it stays queued for the next visit. */
  status: 'sent' | 'failed';
  verdict?: 'valid' | 'quarantined';
  code?: string;
}

const IDLE_BEFORE_RECOVERY_MS = 2 * 60_000;

async function queueInterrupted(
  queue: UploadQueue,
  endpoint: string,
  currentId: string | null,
): Promise<void> {
  const [{ recoverSessions }, { sha256Hex }] = await Promise.all([
    import('@dualrec/capture'),
    import('@dualrec/evidence'),
  ]);
  for (const found of await recoverSessions({ includeEnded: true })) {
    if (found.id === currentId || (await queue.get(found.id))) continue;
    if (found.status === 'open') {
      // Another tab has it open (it holds the session's Web Lock): leave it alone. Without Web
      // Locks, a session written to in the last two minutes may be live in another tab.
      const inUse = await found.inUse();
      if (inUse === true) continue;
      if (inUse === null && Date.now() - found.lastActivityWall < IDLE_BEFORE_RECOVERY_MS) continue;
    }
    const session = await found.sealAsInterrupted();
    try {
      const { blob } = await session.bundleBlob({ steps: [] });
      const sha256 = await sha256Hex(new Uint8Array(await blob.arrayBuffer()));
      // A live upload of this session holds the bundle's start on the server: queue.send resumes
      // it from the server's offset. Only if the sealed bundle did not start with those bytes
      // (never expected) is it dropped, and the whole bundle sent as a new upload.
      const upload = await import('@dualrec/upload');
      if (await upload.findLiveUpload(session.id)) {
        const { prefixMatches } = await import('./live-upload.js');
        if (!(await prefixMatches(session.bundlePrefix(), blob))) await upload.forgetLiveUpload(session.id);
      }
      await queue.add({ sessionId: session.id, ticket: session.ticket, endpoint, sha256, bundle: blob });
    } finally {
      session.close();
    }
  }
}

/** Seals and sends what earlier visits left; resolves with what happened to each. */
export async function sendLeftovers(
  runtime: SessionRuntime,
  signal: AbortSignal,
): Promise<RecoveredSession[]> {
  const endpoint = runtime.options.uploadUrl;
  if (!endpoint) return [];
  const { UploadQueue } = await import('@dualrec/upload');
  const queue = await UploadQueue.open();
  try {
    await queueInterrupted(queue, endpoint, runtime.grant?.sessionId ?? null);
    const current = runtime.grant?.sessionId;
    const results: RecoveredSession[] = [];
    for (const job of await queue.list()) {
      if (job.sessionId === current) continue;
      signal.throwIfAborted();
      try {
        const receipt = await queue.send(job.sessionId, { signal });
        results.push({ sessionId: job.sessionId, status: 'sent', verdict: receipt.verdict });
        // The capture copy goes once the lender has the bundle.
        const { recoverSessions } = await import('@dualrec/capture');
        for (const left of await recoverSessions({ includeEnded: true }))
          if (left.id === job.sessionId) await left.discard();
      } catch (error) {
        if (signal.aborted) throw error;
        results.push({
          sessionId: job.sessionId,
          status: 'failed',
          code: (error as { code?: string }).code ?? 'UPLOAD_FAILED',
        });
      }
    }
    return results;
  } finally {
    queue.close();
  }
}
