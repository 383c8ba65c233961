/**
 * Ends the evidence log and signs the manifest with the device key: from here on any change to
 * any byte of the bundle is detectable. The device cannot run the full verify() (it does not hold
 * the lender's ticket key); the lender's server does on receipt and says so in the receipt.
 *
 * The capture session stays in IndexedDB until the upload step has the lender's receipt: if the
 * tab dies between here and there, recovery rebuilds the same evidence.
 */
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import type { StepContext, StepResult } from '../step.js';

export async function runSeal(context: StepContext): Promise<StepResult> {
  const { runtime } = context;
  const { capture } = runtime;
  if (!capture) throw new DualrecError('BAD_USAGE', { detail: 'the support step must run first' });
  context.view({ step: 'seal', fraction: null, offline: false });
  context.progress('seal.working', null);
  const started = performance.now();
  // The camera is no longer needed: release it before the (CPU-heavy) sealing.
  runtime.camera?.close();
  runtime.camera = null;
  if (capture.status === 'open') await capture.end({ status: 'completed', mode: context.mode });
  const summaries = [...runtime.summaries, { name: 'seal', status: 'passed' as const, summary: {} }];
  const { blob, manifest, size } = await capture.bundleBlob({ steps: summaries });
  context.progress('seal.working', 0.9);
  runtime.bundle = blob;
  runtime.bundleSha256 = await sha256Hex(new Uint8Array(await blob.arrayBuffer()));
  // The live upload sent the bundle's start while recording: it must be exactly this bundle's
  // start, or the server would end up with another file (a bug, never expected): then drop it and
  // send the whole bundle.
  let liveBytes = 0;
  const live = runtime.live;
  if (live) {
    const { prefixMatches } = await import('./live-upload.js');
    if (await prefixMatches(live.prefix, blob)) {
      liveBytes = live.upload.acknowledged;
    } else {
      runtime.live = null;
      await live.upload.terminate().catch(() => undefined);
      const { forgetLiveUpload } = await import('@dualrec/upload');
      await forgetLiveUpload(capture.id).catch(() => undefined);
    }
  }
  context.progress('seal.working', 1);
  return {
    status: 'passed',
    summary: {
      size,
      files: manifest.files.length,
      ms: Math.round(performance.now() - started),
      // Bytes the lender had acknowledged when the seal finished (sent while recording).
      liveBytes,
      live: runtime.live !== null,
    },
  };
}
