/**
 * Named operating points of the face matcher: the decision threshold on the score (the mean of
 * the two models' cosine similarities) for a target false-accept rate, chosen with
 * `dualrec face-eval` on the development set `../shared/faces-dev` (docs/face-liveness.md has the
 * run, the distributions and the accept rates they give). A lender may pass its own threshold.
 */
export const OPERATING_POINTS = {
  /** At most 1 % of impostor pairs accepted on the development set. */
  'far1e-2': 0.44,
  /** At most 0.1 % of impostor pairs accepted on the development set. */
  'far1e-3': 0.55,
} as const;

export type OperatingPointName = keyof typeof OPERATING_POINTS;

export const DEFAULT_OPERATING_POINT: OperatingPointName = 'far1e-2';
