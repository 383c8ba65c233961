/**
 * Sends the sealed bundle to the lender (tus, resumable) and waits for the receipt. The bundle is
 * queued in IndexedDB first (it is encrypted), so a lost network, a reload or a closed app does
 * not lose it: the next visit sends the rest (see recovery.ts). Only when the lender's receipt
 * names the same SHA-256 are the local copies deleted.
 */
import { DualrecError } from '@dualrec/evidence';
import type { UploadReceiptInfo } from '../events.js';
import type { StepContext, StepResult } from '../step.js';

export async function runUpload(context: StepContext): Promise<StepResult> {
  const { runtime, signal } = context;
  const { bundle, bundleSha256, grant, capture } = runtime;
  const endpoint = runtime.options.uploadUrl;
  if (!bundle || !bundleSha256 || !grant || !endpoint)
    throw new DualrecError('BAD_USAGE', {
      detail: 'the seal step must run first, and uploadUrl is required',
    });
  let fraction = 0;
  const show = () =>
    context.view({ step: 'upload', fraction, offline: globalThis.navigator?.onLine === false });
  show();
  context.progress('upload.working', 0);
  const onNetwork = () => show();
  globalThis.addEventListener?.('online', onNetwork);
  globalThis.addEventListener?.('offline', onNetwork);
  const started = performance.now();
  let retries = 0;
  // Bytes the server already held (sent during the recording, or before a reload): not sent again.
  let resumedAt = 0;
  // The live upload stops feeding (a PATCH in flight may finish); uploadBundle below finds it by
  // the session's live fingerprint, asks the server for its offset and sends only the rest.
  await runtime.live?.upload.stop().catch(() => undefined);
  try {
    const { UploadQueue } = await import('@dualrec/upload');
    const queue = await UploadQueue.open();
    try {
      await queue.add({
        sessionId: grant.sessionId,
        ticket: grant.ticket,
        endpoint,
        sha256: bundleSha256,
        bundle,
      });
      const receipt = await queue.send(grant.sessionId, {
        signal,
        ...(runtime.options.fetch ? { fetch: runtime.options.fetch } : {}),
        onResume: (offset) => {
          resumedAt = offset;
          fraction = bundle.size > 0 ? offset / bundle.size : 0;
          context.progress('upload.working', fraction);
          show();
        },
        onProgress: (sent, total) => {
          fraction = total > 0 ? sent / total : 0;
          context.progress('upload.working', fraction);
          show();
        },
        onRetry: () => {
          retries++;
          show();
        },
      });
      const info: UploadReceiptInfo = {
        bundleSha256: receipt.bundleSha256,
        receivedAt: receipt.receivedAt,
        verdict: receipt.verdict,
        reasons: receipt.reasons,
        timestampTime: receipt.timestamp?.genTime ?? null,
        raw: receipt,
      };
      runtime.receipt = info;
      // The lender holds the exact bytes (valid or in its quarantine, with the reasons): the
      // device's copies can go (data minimisation); sending them again could not change the verdict.
      await capture?.discard();
      runtime.capture = null;
      runtime.live = null;
      if (receipt.verdict !== 'valid') {
        throw new DualrecError('UPLOAD_REJECTED', {
          detail: receipt.reasons.join('; '),
          context: { receipt },
        });
      }
      return {
        status: 'passed',
        summary: {
          bytes: bundle.size,
          // What the lender already held when this step began vs what this step sent.
          sentDuringRecording: resumedAt,
          sentAtEnd: bundle.size - resumedAt,
          ms: Math.round(performance.now() - started),
          retries,
          verdict: receipt.verdict,
          timestamped: receipt.timestamp !== null,
        },
      };
    } finally {
      queue.close();
    }
  } finally {
    globalThis.removeEventListener?.('online', onNetwork);
    globalThis.removeEventListener?.('offline', onNetwork);
  }
}
