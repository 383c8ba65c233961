import { describe, expect, it } from 'vitest';
import { characterErrorRate, editCounts } from './cer.js';
import { normalizeText } from './normalize.js';
import { expectedReadingMs, readingUnits } from './reading-time.js';

describe('normalizeText', () => {
  it('zh-CN: drops punctuation and spaces, folds full width, reads digits and percent as words', () => {
    expect(normalizeText('本人已知悉，本次借款年化利率为１８％。', 'zh-CN')).toBe(
      '本人已知悉本次借款年化利率为百分之十八',
    );
    expect(normalizeText('借 款 金 额 ¥10,000', 'zh-CN')).toBe('借款金额一万元');
    expect(normalizeText('“同意”！', 'zh-CN')).toBe('同意');
    expect(normalizeText('两万元', 'zh-CN')).toBe(normalizeText('二万元', 'zh-CN'));
    expect(normalizeText('二〇二六年', 'zh-CN')).toBe('二零二六年');
    expect(normalizeText('APP ID 号', 'zh-CN')).toBe('app id号');
  });

  it('en: lower case, punctuation and hyphens become spaces, digits and percent become words', () => {
    expect(normalizeText('I understand the annual interest rate is 18%.', 'en')).toBe(
      'i understand the annual interest rate is eighteen percent',
    );
    expect(normalizeText('Twenty-one  DAYS', 'en')).toBe('twenty one days');
    expect(normalizeText('ＹＥＳ!', 'en')).toBe('yes');
    expect(normalizeText('17.99 percent', 'en')).toBe('seventeen point nine nine percent');
    expect(normalizeText('¥10,500', 'en')).toBe('ten thousand five hundred yuan');
  });
});

describe('characterErrorRate', () => {
  const disclosure = '本人已知悉本次借款年化利率为百分之十八，并自愿承担按期还款的责任。';

  it('is 0 for the same words written differently (digits, width, punctuation)', () => {
    const r = characterErrorRate(
      disclosure,
      '本人已知悉 本次借款年化利率为18% 并自愿承担按期还款的责任',
      'zh-CN',
    );
    expect(r.cer).toBe(0);
    expect(r.referenceLength).toBe(31);
  });

  it('counts a homophone substitution, a dropped phrase and an insertion in Chinese', () => {
    const sub = characterErrorRate(disclosure, disclosure.replace('已', '以'), 'zh-CN');
    expect(sub).toMatchObject({ substitutions: 1, deletions: 0, insertions: 0 });
    expect(sub.cer).toBeCloseTo(1 / 31, 6);
    const dropped = characterErrorRate(disclosure, '本人已知悉本次借款年化利率为百分之十八', 'zh-CN');
    expect(dropped).toMatchObject({ substitutions: 0, deletions: 12, insertions: 0 });
    const inserted = characterErrorRate('同意', '我同意', 'zh-CN');
    expect(inserted).toMatchObject({ insertions: 1, cer: 0.5 });
  });

  it('scores English at character level after normalisation', () => {
    const ref = 'I understand the annual interest rate is 18% and I agree to repay on time.';
    expect(
      characterErrorRate(
        ref,
        'i understand the annual interest rate is eighteen percent and i agree to repay on time',
        'en',
      ).cer,
    ).toBe(0);
    const wrong = characterErrorRate(
      ref,
      'I understand the annual interest rate is 80% and I agree to repay on time',
      'en',
    );
    expect(wrong.cer).toBeGreaterThan(0);
    expect(wrong.cer).toBeLessThan(0.1);
    expect(characterErrorRate('yes', 'no', 'en').cer).toBe(1);
  });

  it('is 1 for an empty transcript and 0 for two empty strings', () => {
    expect(characterErrorRate(disclosure, '', 'zh-CN').cer).toBe(1);
    expect(characterErrorRate('。', '', 'zh-CN').cer).toBe(0);
  });

  it('editCounts is a true edit distance (symmetric total, triangle inequality on samples)', () => {
    const words = ['kitten', 'sitting', 'saturday', 'sunday', '', 'a'];
    const d = (a: string, b: string) => {
      const c = editCounts([...a], [...b]);
      return c.substitutions + c.deletions + c.insertions;
    };
    expect(d('kitten', 'sitting')).toBe(3);
    expect(d('saturday', 'sunday')).toBe(3);
    for (const a of words)
      for (const b of words) {
        expect(d(a, b)).toBe(d(b, a));
        for (const c of words) expect(d(a, c)).toBeLessThanOrEqual(d(a, b) + d(b, c));
      }
  });
});

describe('expected reading time', () => {
  it('counts Han characters for zh-CN and words for en, numbers as read', () => {
    expect(readingUnits('年化利率为18%', 'zh-CN')).toBe(10);
    expect(readingUnits('I agree to repay 18%.', 'en')).toBe(6);
    expect(
      expectedReadingMs('本人已知悉本次借款年化利率为百分之十八，并自愿承担按期还款的责任。', 'zh-CN'),
    ).toBe(7750);
    expect(expectedReadingMs('I agree to repay on time.', 'en', { elderMode: true })).toBe(3600);
  });
});
