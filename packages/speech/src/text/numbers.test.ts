import { describe, expect, it } from 'vitest';
import {
  enDate,
  enDecimal,
  enInteger,
  enMoney,
  enOrdinal,
  enPercent,
  zhDate,
  zhDecimal,
  zhInteger,
  zhMoney,
  zhPercent,
} from './numbers.js';

describe('zh-CN numbers as read aloud', () => {
  it.each([
    ['0', '零'],
    ['7', '七'],
    ['10', '十'],
    ['15', '十五'],
    ['20', '二十'],
    ['110', '一百一十'],
    ['1010', '一千零一十'],
    ['1001', '一千零一'],
    ['10000', '一万'],
    ['10500', '一万零五百'],
    ['10050', '一万零五十'],
    ['100000', '十万'],
    ['200000', '二十万'],
    ['36540', '三万六千五百四十'],
    ['100010000', '一亿零一万'],
    ['100000001', '一亿零一'],
    ['120000000', '一亿二千万'],
    ['0012', '十二'],
  ])('%s → %s', (n, words) => expect(zhInteger(n)).toBe(words));

  it('reads percentages, decimals, money and dates', () => {
    expect(zhPercent(18)).toBe('百分之十八');
    expect(zhPercent('17.99')).toBe('百分之十七点九九');
    expect(zhPercent('7.2')).toBe('百分之七点二');
    expect(zhDecimal('0.5')).toBe('零点五');
    expect(zhMoney('10000')).toBe('一万元');
    expect(zhMoney('10500.50')).toBe('一万零五百元五角');
    expect(zhMoney('3.05')).toBe('三元零五分');
    expect(zhMoney('12.34')).toBe('十二元三角四分');
    expect(zhMoney('920.00')).toBe('九百二十元');
    expect(zhDate('2026-12-15')).toBe('二〇二六年十二月十五日');
    expect(zhDate('2030-01-01')).toBe('二〇三〇年一月一日');
  });
});

describe('en numbers as read aloud', () => {
  it.each([
    ['0', 'zero'],
    ['13', 'thirteen'],
    ['21', 'twenty-one'],
    ['100', 'one hundred'],
    ['1010', 'one thousand ten'],
    ['10500', 'ten thousand five hundred'],
    ['1000000', 'one million'],
    ['36540', 'thirty-six thousand five hundred forty'],
  ])('%s → %s', (n, words) => expect(enInteger(n)).toBe(words));

  it('reads rates digit by digit after the point, money in yuan and fen, dates with ordinals', () => {
    expect(enPercent(18)).toBe('eighteen percent');
    expect(enPercent('17.99')).toBe('seventeen point nine nine percent');
    expect(enDecimal('3.05')).toBe('three point zero five');
    expect(enMoney('10000')).toBe('ten thousand yuan');
    expect(enMoney('10500.5')).toBe('ten thousand five hundred yuan and fifty fen');
    expect(enMoney('0.05')).toBe('zero yuan and five fen');
    expect(enOrdinal(1)).toBe('first');
    expect(enOrdinal(22)).toBe('twenty-second');
    expect(enOrdinal(30)).toBe('thirtieth');
    expect(enOrdinal(12)).toBe('twelfth');
    expect(enDate('2026-12-15')).toBe('December fifteenth, twenty twenty-six');
    expect(enDate('2005-03-03')).toBe('March third, two thousand five');
    expect(enDate('2010-07-31')).toBe('July thirty-first, twenty ten');
  });
});

describe('bad numbers are refused with a code, never guessed', () => {
  it.each([
    ['-5', () => zhPercent('-5')],
    ['1e5', () => zhPercent('1e5')],
    ['NaN', () => enPercent(Number.NaN)],
    ['unsafe integer', () => zhMoney(2 ** 60)],
    ['three decimals of money', () => zhMoney('1.234')],
    ['17 digits', () => zhPercent('12345678901234567')],
    ['Feb 30', () => zhDate('2026-02-30')],
    ['not a date', () => enDate('15/12/2026')],
  ])('%s', (_name, run) => {
    expect(run).toThrow(expect.objectContaining({ code: 'SPEECH_TERMS_INVALID' }));
  });

  it('accepts trailing zero fen', () => {
    expect(zhMoney('1.230')).toBe('一元二角三分');
  });
});
