import { describe, expect, it } from 'vitest';
import { translate } from '../i18n.js';
import { faceMatchOutcome } from './face-match.js';

describe('face match in the flow', () => {
  it('applies the policy to a mismatch and never to a match', () => {
    expect(faceMatchOutcome('match', 'fail')).toBe('passed');
    expect(faceMatchOutcome('match', 'flag')).toBe('passed');
    expect(faceMatchOutcome('no-match', 'fail')).toBe('failed');
    expect(faceMatchOutcome('no-match', 'flag')).toBe('flagged');
  });

  it('has mismatch guidance in zh-CN, en and elder mode', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const standard = translate(locale, 'face-match.mismatch');
      const elder = translate(locale, 'face-match.mismatch', {}, { elderMode: true });
      expect(standard).not.toBe(elder);
      expect(standard).toMatch(locale === 'en' ? /glasses/ : /眼镜/);
      expect(translate(locale, 'face-match.no-reference-face')).not.toBe('');
    }
  });
});
