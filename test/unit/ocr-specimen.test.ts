/**
 * The specimen generator is the reader's judge, so it is checked on its own: identities are
 * internally consistent (checked with the package's validator, which has its own official-vector
 * tests), deterministic per seed, and the rendered card is what the truth says.
 */
import { checkIdNumber, checkValidity, isOfficialEthnicity } from '@dualrec/ocr';
import { describe, expect, it } from 'vitest';
import { checkCharacter } from '../fixtures/id-card/identity.js';
import { nodeCanvasKit } from '../fixtures/id-card/node.js';
import { generateSpecimen, identityFor, renderCard, SPECIMEN_NOW } from '../fixtures/id-card/specimen.js';

describe('specimen identities', () => {
  it('are valid and consistent for 200 seeds', () => {
    for (let i = 0; i < 200; i++) {
      const id = identityFor(7, i);
      const check = checkIdNumber(id.idNumber, { now: SPECIMEN_NOW });
      expect(check.issues, id.idNumber).toEqual([]);
      expect(check.facts?.sex).toBe(id.sex);
      expect(check.facts?.birthDate).toEqual(id.birthDate);
      expect(isOfficialEthnicity(id.ethnicity)).toBe(true);
      expect(id.addressLines.length).toBeLessThanOrEqual(3);
      expect(id.addressLines.every((l) => l.length <= 11)).toBe(true);
      const validity = checkValidity(
        { start: id.validFrom, end: id.validUntil },
        { now: SPECIMEN_NOW, birthDate: id.birthDate },
      );
      expect(validity).toEqual({ invalid: [], doubtful: [] });
    }
  });

  it('include numbers ending in X', () => {
    const ids = Array.from({ length: 60 }, (_, i) => identityFor(7, i).idNumber);
    expect(ids.some((n) => n.endsWith('X'))).toBe(true);
  });

  it('computes the GB 11643 example check character', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
  });

  it('are deterministic per seed and differ across seeds', () => {
    expect(identityFor(1, 3)).toEqual(identityFor(1, 3));
    expect(identityFor(1, 3)).not.toEqual(identityFor(2, 3));
  });
});

describe('specimen images', () => {
  it('render the card at its real proportions with opaque pixels inside and transparent corners', () => {
    const card = renderCard(nodeCanvasKit, identityFor(1, 0), 'front', 10);
    expect([card.width, card.height]).toEqual([856, 540]);
    expect(card.data[3]).toBe(0); // the rounded corner
    expect(card.data[(270 * 856 + 428) * 4 + 3]).toBe(255);
  });

  it('are byte-identical for the same seed, variant and index', async () => {
    const a = await generateSpecimen(nodeCanvasKit, {
      seed: 5,
      variant: 'photo-like',
      index: 1,
      side: 'front',
    });
    const b = await generateSpecimen(nodeCanvasKit, {
      seed: 5,
      variant: 'photo-like',
      index: 1,
      side: 'front',
    });
    expect(a.mime).toBe('image/jpeg');
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(a.corners).toHaveLength(4);
  });
});
