/**
 * Ends the evidence log and signs the manifest with the device key: from here on any change to
 * any byte of the bundle is detectable. The device cannot run the full verify() (it does not hold
 * the lender's ticket key); the lender's server does on receipt and says so in the receipt.
 */
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import type { StepContext, StepResult } from '../step.js';

export async function runSeal(context: StepContext): Promise<StepResult> {
  const { runtime } = context;
  const { log, writer, sink } = runtime;
  if (!log || !writer || !sink)
    throw new DualrecError('BAD_USAGE', { detail: 'the support step must run first' });
  context.view({ step: 'seal', fraction: null, offline: false });
  context.progress('seal.working', null);
  const started = performance.now();
  if (!log.isEnded) await log.append('session.end', { status: 'completed', mode: context.mode });
  const summaries = [...runtime.summaries, { name: 'seal', status: 'passed' as const, summary: {} }];
  const { manifest, size } = await writer.finish(log, summaries);
  const bundle = await sink.bytes();
  runtime.bundle = bundle;
  runtime.bundleSha256 = await sha256Hex(bundle);
  context.progress('seal.working', 1);
  return {
    status: 'passed',
    summary: { size, files: manifest.files.length, ms: Math.round(performance.now() - started) },
  };
}
