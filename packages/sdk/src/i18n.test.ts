import { describe, expect, it } from 'vitest';
import { ELDER_MESSAGES, MESSAGES, translate } from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('has every key in both locales with the same placeholders', () => {
    const zh = MESSAGES['zh-CN'];
    const en = MESSAGES.en;
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(en[key].trim(), key).not.toBe('');
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
    }
  });

  it('elder wording keeps the placeholders of the standard text', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const [key, text] of Object.entries(ELDER_MESSAGES[locale])) {
        expect(placeholders(text as string), `${locale} ${key}`).toEqual(
          placeholders(MESSAGES[locale][key as keyof (typeof MESSAGES)['en']]),
        );
      }
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'app.progress', { current: 2, total: 7 })).toBe('Step 2 of 7');
    expect(translate('zh-CN', 'app.progress', { current: 2 })).toBe('第 2 步，共 {total} 步');
  });

  it('uses the simpler elder wording only in elder mode', () => {
    const values = { lender: 'L' };
    expect(translate('en', 'consent.body', values)).not.toBe(
      translate('en', 'consent.body', values, { elderMode: true }),
    );
    expect(translate('en', 'app.title', {}, { elderMode: true })).toBe(translate('en', 'app.title'));
  });
});
