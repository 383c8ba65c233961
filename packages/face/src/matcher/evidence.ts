/**
 * The face comparison as evidence: one `face.match` event per comparison, a claim the lender
 * recomputes (`dualrec face-match`). The payload in clear says what was compared with what (the
 * sealed entries' names and plaintext hashes), the models' SHA-256, the operating point and the
 * decision; the raw scores are sealed with the session's content key (a similarity score between a
 * person and their ID photo is personal data).
 */
import type { EvidenceEvent, EvidenceLog, JsonValue } from '@dualrec/evidence';
import type { FaceComparison } from './matcher.js';

export const FACE_MATCH_EVENT = 'face.match';

/** How far (absolute score) a recomputed score may differ from the device's claim: wasm/cpu and JPEG decoders differ slightly. */
export const FACE_MATCH_TOLERANCE = 0.02;

export interface RecordFaceMatchOptions {
  log: Pick<EvidenceLog, 'append'>;
  comparison: FaceComparison;
  /** The sealed entry holding the reference (role `id-portrait`), or `lender-reference` when the lender supplied it. */
  reference: { file: string; sha256?: string };
  /** The sealed entry holding the compared frame (e.g. role `best-frame`) and which frame it was. */
  probe: { file: string; sha256?: string; frameT?: number };
  /** `fail` | `flag` | `off`: what the flow does on a mismatch (recorded, so the reviewer knows). */
  policy?: 'fail' | 'flag';
}

/**
 * Logs one comparison as a `face.match` claim.
 *
 * @example
 * ```ts
 * const comparison = await matcher.match(portrait, bestFrame);
 * await recordFaceMatch({ log, comparison, reference: { file: 'media/id-portrait-1-1.jpg' }, probe: { file: 'media/best-frame-1.jpg' } });
 * ```
 */
export function recordFaceMatch(options: RecordFaceMatchOptions): Promise<EvidenceEvent> {
  const { comparison: c } = options;
  const file = (f: { file: string; sha256?: string; frameT?: number }): { [key: string]: JsonValue } => ({
    file: f.file,
    ...(f.sha256 ? { sha256: f.sha256 } : {}),
    ...(f.frameT !== undefined ? { frameT: Math.round(f.frameT) } : {}),
  });
  return options.log.append(
    FACE_MATCH_EVENT,
    {
      reference: file(options.reference),
      probe: file(options.probe),
      decision: c.decision,
      threshold: c.threshold,
      operatingPoint: c.operatingPoint,
      model: { name: c.model.name, sha256: c.model.sha256 },
      ...(options.policy ? { policy: options.policy } : {}),
    },
    { sealed: { score: c.score, scores: { faceres: c.scores.faceres, mobileface: c.scores.mobileface } } },
  );
}

export interface ClaimCheck {
  /** The device's claimed score (sealed), or null when the event carries none. */
  claimedScore: number | null;
  claimedDecision: string | null;
  recomputedScore: number;
  recomputedDecision: FaceComparison['decision'];
  /** Differences the lender must look at (empty when the claim holds). */
  problems: string[];
}

/**
 * Compares a `face.match` claim (payload + opened sealed fields) with the lender's recomputation.
 *
 * @example
 * ```ts
 * const check = checkFaceMatchClaim(event.payload, event.sealedFields, recomputed);
 * if (check.problems.length) flagForReview(check.problems);
 * ```
 */
export function checkFaceMatchClaim(
  payload: { [key: string]: JsonValue },
  sealed: { [key: string]: JsonValue },
  recomputed: FaceComparison,
  tolerance = FACE_MATCH_TOLERANCE,
): ClaimCheck {
  const claimedScore = typeof sealed.score === 'number' ? sealed.score : null;
  const claimedDecision = typeof payload.decision === 'string' ? payload.decision : null;
  const problems: string[] = [];
  if (claimedScore === null) problems.push('the claim carries no score');
  else if (Math.abs(claimedScore - recomputed.score) > tolerance)
    problems.push(
      `claimed score ${claimedScore.toFixed(4)} differs from the recomputed ${recomputed.score.toFixed(4)} by more than ${tolerance}`,
    );
  const model = payload.model as { sha256?: unknown } | undefined;
  if (model?.sha256 !== recomputed.model.sha256)
    problems.push(`claimed model ${String(model?.sha256)} is not the pinned one`);
  const threshold = typeof payload.threshold === 'number' ? payload.threshold : null;
  const expected =
    claimedScore === null || threshold === null ? null : claimedScore >= threshold ? 'match' : 'no-match';
  if (claimedDecision !== null && expected !== null && claimedDecision !== expected)
    problems.push(`claimed decision ${claimedDecision} does not follow from its own score and threshold`);
  if (
    claimedDecision !== null &&
    threshold === recomputed.threshold &&
    claimedDecision !== recomputed.decision
  )
    problems.push(`claimed decision ${claimedDecision}, recomputed ${recomputed.decision}`);
  return {
    claimedScore,
    claimedDecision,
    recomputedScore: recomputed.score,
    recomputedDecision: recomputed.decision,
    problems,
  };
}
