import type { JsonValue } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';
import { FACE_MATCH_MODEL } from './assets.js';
import { checkFaceMatchClaim, FACE_MATCH_EVENT, recordFaceMatch } from './evidence.js';
import type { FaceComparison } from './matcher.js';

const recomputed: FaceComparison = {
  score: 0.62,
  scores: { faceres: 0.7, mobileface: 0.54 },
  threshold: 0.44,
  operatingPoint: 'far1e-2',
  decision: 'match',
  model: { ...FACE_MATCH_MODEL },
};

async function logged(comparison: FaceComparison) {
  let out:
    | { type: string; payload: { [key: string]: JsonValue }; sealed: { [key: string]: JsonValue } }
    | undefined;
  await recordFaceMatch({
    log: {
      append: async (type, payload = {}, options = {}) => {
        out = { type, payload, sealed: options.sealed ?? {} };
        return {} as never;
      },
    },
    comparison,
    reference: { file: 'media/id-portrait-1-1.jpg', sha256: 'a'.repeat(64) },
    probe: { file: 'media/best-frame-1.jpg', frameT: 812.4 },
  });
  if (!out) throw new Error('nothing logged');
  return out;
}

describe('face.match claims', () => {
  it('keeps the scores sealed and the rest in clear', async () => {
    const event = await logged(recomputed);
    expect(event.type).toBe(FACE_MATCH_EVENT);
    expect(event.payload).toMatchObject({
      decision: 'match',
      threshold: 0.44,
      operatingPoint: 'far1e-2',
      model: FACE_MATCH_MODEL,
      probe: { file: 'media/best-frame-1.jpg', frameT: 812 },
    });
    expect(JSON.stringify(event.payload)).not.toContain('0.62');
    expect(event.sealed).toEqual({ score: 0.62, scores: { faceres: 0.7, mobileface: 0.54 } });
  });

  it('holds within the tolerance and flags every kind of disagreement', async () => {
    const honest = await logged({ ...recomputed, score: 0.61 });
    expect(checkFaceMatchClaim(honest.payload, honest.sealed, recomputed).problems).toEqual([]);

    const inflated = await logged({ ...recomputed, score: 0.9 });
    expect(checkFaceMatchClaim(inflated.payload, inflated.sealed, recomputed).problems).toHaveLength(1);

    const flipped = await logged({ ...recomputed, score: 0.2, decision: 'match' });
    const noMatch = { ...recomputed, score: 0.2, decision: 'no-match' as const };
    const problems = checkFaceMatchClaim(flipped.payload, flipped.sealed, noMatch).problems;
    expect(problems.some((p) => p.includes('does not follow from its own score'))).toBe(true);
    expect(problems.some((p) => p.includes('recomputed no-match'))).toBe(true);

    const otherModel = await logged({ ...recomputed, model: { name: 'x', sha256: 'b'.repeat(64) } });
    expect(checkFaceMatchClaim(otherModel.payload, otherModel.sealed, recomputed).problems[0]).toContain(
      'not the pinned one',
    );

    expect(checkFaceMatchClaim(honest.payload, {}, recomputed).problems).toEqual([
      'the claim carries no score',
    ]);
  });
});
