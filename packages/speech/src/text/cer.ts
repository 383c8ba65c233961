/**
 * Character error rate between the disclosure text and a recogniser's transcript, after
 * normalisation (see normalize.ts), with the edit counts an auditor needs to judge it.
 */

import { comparisonUnits, normalizeText } from './normalize.js';
import type { SpeechLanguage } from './numbers.js';

export interface CerResult {
  /** (substitutions + deletions + insertions) / reference length; 0 is perfect, can exceed 1. */
  cer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Number of units in the normalised reference. */
  referenceLength: number;
  /** The normalised strings that were compared, so the score can be re-checked. */
  reference: string;
  hypothesis: string;
}

/** Levenshtein alignment over two unit sequences, keeping the kind of each edit. O(n·m) time, O(m) memory. */
export function editCounts(
  reference: readonly string[],
  hypothesis: readonly string[],
): { substitutions: number; deletions: number; insertions: number } {
  const m = hypothesis.length;
  // Each cell: [total, substitutions, deletions, insertions]; ties prefer substitution, then deletion.
  let previous: Array<[number, number, number, number]> = Array.from({ length: m + 1 }, (_, j) => [
    j,
    0,
    0,
    j,
  ]);
  for (let i = 1; i <= reference.length; i++) {
    const current: Array<[number, number, number, number]> = [[i, 0, i, 0]];
    for (let j = 1; j <= m; j++) {
      const diag = previous[j - 1] as [number, number, number, number];
      const up = previous[j] as [number, number, number, number];
      const left = current[j - 1] as [number, number, number, number];
      const same = reference[i - 1] === hypothesis[j - 1];
      const sub: [number, number, number, number] = same
        ? [diag[0], diag[1], diag[2], diag[3]]
        : [diag[0] + 1, diag[1] + 1, diag[2], diag[3]];
      const del: [number, number, number, number] = [up[0] + 1, up[1], up[2] + 1, up[3]];
      const ins: [number, number, number, number] = [left[0] + 1, left[1], left[2], left[3] + 1];
      let best = sub;
      if (del[0] < best[0]) best = del;
      if (ins[0] < best[0]) best = ins;
      current.push(best);
    }
    previous = current;
  }
  const last = previous[m] as [number, number, number, number];
  return { substitutions: last[1], deletions: last[2], insertions: last[3] };
}

/** CER of `hypothesis` (what the recogniser heard) against `reference` (what was shown). */
export function characterErrorRate(
  reference: string,
  hypothesis: string,
  language: SpeechLanguage,
): CerResult {
  const ref = normalizeText(reference, language);
  const hyp = normalizeText(hypothesis, language);
  const refUnits = comparisonUnits(ref, language);
  const hypUnits = comparisonUnits(hyp, language);
  const counts = editCounts(refUnits, hypUnits);
  const errors = counts.substitutions + counts.deletions + counts.insertions;
  const cer = refUnits.length === 0 ? (hypUnits.length === 0 ? 0 : 1) : errors / refUnits.length;
  return { cer, ...counts, referenceLength: refUnits.length, reference: ref, hypothesis: hyp };
}
