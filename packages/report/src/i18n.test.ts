import { DualrecError, NOTICE_CODES, REASON_CODES, REASON_DETAIL_CODES } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';
import {
  checkReportMessages,
  formatInstant,
  REPORT_MESSAGES,
  type ReportMessageKey,
  reportTranslator,
  resolveTimeZone,
  translateReport,
} from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('report messages', () => {
  it('has every key in both locales with the same placeholders', () => {
    const zh = REPORT_MESSAGES['zh-CN'];
    const en = REPORT_MESSAGES.en;
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh) as ReportMessageKey[]) {
      expect(en[key].trim(), key).not.toBe('');
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
    }
  });

  it('has a word for every verifier reason and notice code', () => {
    const tr = reportTranslator('zh-CN', { timeZone: 'UTC' });
    for (const code of [...REASON_CODES, ...NOTICE_CODES, 'TIMESTAMP_MISSING', 'TIMESTAMP_INVALID'])
      expect(tr.term('reason', code), code).toMatch(new RegExp(`^.*[\u4e00-\u9fff].*（${code}）$`));
  });

  it('words every way a verifier check can fail (each `why` code), in Chinese for zh-CN', () => {
    for (const why of REASON_DETAIL_CODES) {
      const key = `why.${why}` as ReportMessageKey;
      expect(REPORT_MESSAGES.en[key], why).toBeTruthy();
      expect(REPORT_MESSAGES['zh-CN'][key], why).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('shows codes as words with the code beside them, and unknown codes as they are', () => {
    const zh = reportTranslator('zh-CN', { timeZone: 'UTC' });
    const en = reportTranslator('en', { timeZone: 'UTC' });
    expect(zh.term('challenge', 'blink')).toBe('眨眼（blink）');
    expect(en.term('challenge', 'turn-left')).toBe('turn left (turn-left)');
    // The English word is the code itself: shown once.
    expect(en.term('challenge', 'blink')).toBe('blink');
    expect(zh.terms('challenge', ['blink', 'turn-head'])).toBe('眨眼（blink）、转头（turn-head）');
    expect(zh.term('challenge', 'sneeze')).toBe('sneeze');
    // DualrecError codes (a failed step, a recorder stopped by an error) use their documented message.
    expect(zh.term('error', 'CAMERA_ENDED')).toMatch(/（CAMERA_ENDED）$/);
    expect(zh.term('speechReason', 'flagged:risk')).toBe('段落待复核（flagged:risk）');
  });

  it('dates: the auditor’s time zone with the UTC offset', () => {
    expect(formatInstant('2026-11-23T08:00:00.000Z', 'Asia/Shanghai')).toBe('2026-11-23 16:00:00 UTC+08:00');
    expect(formatInstant('2026-11-23T08:00:00.000Z', 'America/New_York')).toBe(
      '2026-11-23 03:00:00 UTC-05:00',
    );
    expect(formatInstant('2026-07-01T08:00:00.000Z', 'America/New_York')).toBe(
      '2026-07-01 04:00:00 UTC-04:00',
    );
    expect(formatInstant('2026-11-23T08:00:00.000Z', 'Asia/Kolkata', { timeOnly: true })).toBe('13:30:00');
    expect(formatInstant('?', 'UTC')).toBe('?');
    expect(() => resolveTimeZone('Mars/Olympus')).toThrow(DualrecError);
  });

  it('a lender overrides wording; bad overrides are refused with the reason', () => {
    const messages = checkReportMessages({ 'zh-CN': { 'verdict.short.valid': '通过核验' } });
    expect(translateReport('zh-CN', 'verdict.short.valid', {}, messages)).toBe('通过核验');
    expect(translateReport('en', 'verdict.short.valid', {}, messages)).toBe('VALID');
    expect(reportTranslator('zh-CN', { messages, timeZone: 'UTC' }).t('verdict.short.valid')).toBe(
      '通过核验',
    );
    const refused = (value: unknown) => {
      try {
        checkReportMessages(value);
      } catch (error) {
        expect(error).toBeInstanceOf(DualrecError);
        expect((error as DualrecError).code).toBe('BAD_USAGE');
        return (error as DualrecError).detail;
      }
      throw new Error('accepted');
    };
    expect(refused({ fr: {} })).toContain('unknown locale "fr"');
    expect(refused({ en: { 'no.such.key': 'x' } })).toContain('unknown key "no.such.key"');
    expect(refused({ en: { 'report.title': 'Audit' } })).toContain('{id}');
    expect(refused({ en: { 'report.title': 42 } })).toContain('must be a string');
    expect(refused([])).toContain('expected an object');
  });
});
