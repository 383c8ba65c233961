/**
 * 1:1 face verification in the flow, at the end of the liveness step (options.faceMatch): the
 * sealed best frame against the ID portrait the OCR step cut out (or the lender's reference),
 * with @dualrec/face's matcher loaded only here. Every comparison is a `face.match` claim (scores
 * sealed) that the lender recomputes with `dualrec face-match`.
 */
import { DualrecError, isDualrecError, type JsonValue } from '@dualrec/evidence';
import type { FaceComparison } from '@dualrec/face';
import type { FaceMatchOptions } from '../options.js';
import type { SessionRuntime, StepContext } from '../step.js';

export interface PortraitStill {
  jpeg: Uint8Array;
  /** Entry name of the sealed portrait, e.g. `media/id-portrait-1-1.jpg`. */
  file: string;
}

/** The ID portrait of this session (kept by the id-front step, only in memory). */
const portraits = new WeakMap<SessionRuntime, PortraitStill>();

export function rememberPortrait(runtime: SessionRuntime, portrait: PortraitStill): void {
  portraits.set(runtime, portrait);
}

/** What the flow does with one comparison under a policy. */
export function faceMatchOutcome(
  decision: FaceComparison['decision'],
  policy: Exclude<FaceMatchOptions['policy'], undefined>,
): 'passed' | 'flagged' | 'failed' {
  if (decision === 'match') return 'passed';
  return policy === 'fail' ? 'failed' : 'flagged';
}

async function referenceBlob(
  context: StepContext,
  options: FaceMatchOptions,
): Promise<{ blob: Blob; file: string } | null> {
  const { reference } = options;
  if (reference instanceof Blob) return { blob: reference, file: 'lender-reference' };
  if (typeof reference === 'string') {
    const url = new URL(reference, document.baseURI);
    // Only the lender's own origin: the SDK makes no third-party request.
    if (url.origin !== location.origin)
      throw new DualrecError('BAD_USAGE', { detail: `faceMatch.reference must be on ${location.origin}` });
    const doFetch = context.runtime.options.fetch ?? fetch.bind(globalThis);
    const response = await doFetch(url.href, { signal: context.signal, credentials: 'same-origin' });
    if (!response.ok)
      throw new DualrecError('ASSET_FETCH_FAILED', { detail: `${url.href}: HTTP ${response.status}` });
    return { blob: await response.blob(), file: 'lender-reference' };
  }
  const portrait = portraits.get(context.runtime);
  return portrait
    ? {
        blob: new Blob([portrait.jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
        file: portrait.file,
      }
    : null;
}

/**
 * Compares the best frame with the reference and logs the claim; throws FACE_MATCH_MISMATCH
 * (retryable) under policy `fail`. Returns the non-personal summary for the step.
 */
export async function runFaceMatch(
  context: StepContext,
  bestFrame: { jpeg: Blob; file: string; sha256: string; frameT: number },
): Promise<{ [key: string]: JsonValue }> {
  const options = context.runtime.options.faceMatch ?? {};
  const policy = options.policy ?? 'off';
  if (policy === 'off') return { faceMatch: 'off' };
  const reference = await referenceBlob(context, options);
  if (!reference) {
    await context.log('face.match.skipped', { reason: 'no-reference', policy });
    return { faceMatch: 'no-reference' };
  }
  context.progress('face-match.checking', null);
  const { BrowserFaceMatcher, recordFaceMatch } = await import('@dualrec/face');
  const matcher = await BrowserFaceMatcher.create({
    assetsBase: context.runtime.options.assetsBase,
    signal: context.signal,
  });
  let comparison: FaceComparison;
  try {
    const [refBitmap, probeBitmap] = await Promise.all([
      createImageBitmap(reference.blob),
      createImageBitmap(bestFrame.jpeg),
    ]);
    try {
      comparison = await matcher.match(refBitmap, probeBitmap, {
        operatingPoint: options.operatingPoint ?? 'far1e-2',
        signal: context.signal,
      });
    } finally {
      refBitmap.close();
      probeBitmap.close();
    }
  } catch (error) {
    if (isDualrecError(error) && error.code === 'FACE_MATCH_NO_FACE') {
      const role = String((error.context as { role?: unknown } | undefined)?.role ?? 'probe');
      await context.log('face.match.no-face', {
        role,
        policy,
        reference: reference.file,
        probe: bestFrame.file,
      });
      if (role === 'reference')
        context.feedback('face-match.no-reference-face', context.t('face-match.no-reference-face'));
      if (policy === 'fail') throw error;
      return { faceMatch: 'flagged', reason: `no-face-${role}` };
    }
    throw error;
  } finally {
    await matcher.close();
  }
  await recordFaceMatch({
    log: {
      append: (type, payload, sealed) => context.log(type, payload, sealed?.sealed).then(() => ({}) as never),
    },
    comparison,
    reference: { file: reference.file },
    probe: { file: bestFrame.file, sha256: bestFrame.sha256, frameT: bestFrame.frameT },
    policy,
  });
  const outcome = faceMatchOutcome(comparison.decision, policy);
  if (outcome === 'failed') {
    context.feedback('face-match.mismatch', context.t('face-match.mismatch'));
    throw new DualrecError('FACE_MATCH_MISMATCH', { detail: `score below ${comparison.threshold}` });
  }
  if (outcome === 'flagged') context.feedback('face-match.mismatch', context.t('face-match.mismatch'));
  return {
    faceMatch: outcome,
    faceMatchOperatingPoint: comparison.operatingPoint,
    faceMatchModel: comparison.model.sha256,
  };
}
