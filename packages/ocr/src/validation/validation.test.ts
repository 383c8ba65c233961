import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chinaToday, isCalendarDate } from './dates.js';
import { ETHNICITIES, isOfficialEthnicity } from './ethnicities.js';
import { checkIdNumber, idCheckCharacter } from './id-number.js';
import { isPlausibleIssuer } from './issuer.js';
import { PROVINCES } from './regions.js';
import { validateBack, validateFront } from './validate.js';
import { checkValidity, expectedSpan, LONG_TERM, parseValidity } from './validity.js';

const NOW = new Date('2026-05-01T04:00:00Z');
const withCheck = (first17: string) => first17 + idCheckCharacter(first17);

describe('GB 11643-1999 check character (ISO 7064 MOD 11-2)', () => {
  it('matches the worked examples in GB 11643-1999', () => {
    // Both numbers are the standard's own examples (appendix A).
    expect(idCheckCharacter('11010519491231002')).toBe('X');
    expect(idCheckCharacter('44052418800101001')).toBe('4');
  });

  it('accepts the standard example and decodes it', () => {
    const check = checkIdNumber('11010519491231002x', { now: NOW });
    expect(check.valid).toBe(true);
    expect(check.value).toBe('11010519491231002X');
    expect(check.facts).toEqual({
      provinceCode: '11',
      provinceName: '北京市',
      regionCode: '110105',
      birthDate: { year: 1949, month: 12, day: 31 },
      sex: '女',
    });
  });

  const digits17 = fc.stringMatching(/^\d{17}$/);

  it('every single-character substitution is detected', () => {
    fc.assert(
      fc.property(digits17, fc.nat(17), fc.constantFrom(...'0123456789X'), (first17, pos, ch) => {
        const good = withCheck(first17);
        fc.pre(good[pos] !== ch && !(pos < 17 && ch === 'X'));
        const bad = good.slice(0, pos) + ch + good.slice(pos + 1);
        expect(checkIdNumber(bad, { now: NOW }).issues).toContain('id-checksum');
      }),
    );
  });

  it('every adjacent transposition of different characters is detected', () => {
    fc.assert(
      fc.property(digits17, fc.nat(16), (first17, pos) => {
        const good = withCheck(first17);
        fc.pre(good[pos] !== good[pos + 1] && good[pos + 1] !== 'X');
        const bad = good.slice(0, pos) + good[pos + 1] + good[pos] + good.slice(pos + 2);
        expect(checkIdNumber(bad, { now: NOW }).issues).toContain('id-checksum');
      }),
    );
  });

  it('never changes the number it checks (no repair)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\dXx]{0,20}$/), (s) => {
        expect(checkIdNumber(s, { now: NOW }).value).toBe(s.toUpperCase());
      }),
    );
  });

  it('a well-formed number with valid region, date and sequence is valid exactly when its checksum is', () => {
    const province = fc.constantFrom(...Object.keys(PROVINCES));
    const date = fc.date({ min: new Date('1900-01-01'), max: new Date('2025-12-31'), noInvalidDate: true });
    fc.assert(
      fc.property(
        province,
        fc.integer({ min: 101, max: 9999 }),
        date,
        fc.integer({ min: 1, max: 999 }),
        (p, r, d, seq) => {
          const ymd = d.toISOString().slice(0, 10).replaceAll('-', '');
          const first17 = `${p}${String(r).padStart(4, '0')}${ymd}${String(seq).padStart(3, '0')}`;
          const check = checkIdNumber(withCheck(first17), { now: NOW });
          expect(check.issues).toEqual([]);
          expect(check.facts?.sex).toBe(seq % 2 ? '男' : '女');
        },
      ),
    );
  });
});

describe('checkIdNumber', () => {
  it('reports format problems without decoding', () => {
    for (const bad of [
      '',
      '1101051949123100',
      '11010519491231002XX',
      '1101051949123100X2',
      '11010519491231002Y',
    ]) {
      expect(checkIdNumber(bad)).toMatchObject({ valid: false, issues: ['id-format'], facts: undefined });
    }
  });

  it('rejects unknown provinces, province-only codes, impossible and future dates, sequence 000', () => {
    expect(checkIdNumber(withCheck('99010519491231002'), { now: NOW }).issues).toEqual(['id-region']);
    expect(checkIdNumber(withCheck('81000019491231002'), { now: NOW }).issues).toEqual(['id-region']);
    expect(checkIdNumber(withCheck('11000019491231002'), { now: NOW }).issues).toEqual(['id-region']);
    expect(checkIdNumber(withCheck('11010519490230002'), { now: NOW }).issues).toEqual(['id-birth-date']);
    expect(checkIdNumber(withCheck('11010519000229002'), { now: NOW }).issues).toEqual(['id-birth-date']);
    expect(checkIdNumber(withCheck('11010520000229002'), { now: NOW }).issues).toEqual([]);
    expect(checkIdNumber(withCheck('11010520260502002'), { now: NOW }).issues).toEqual([
      'id-birth-in-future',
    ]);
    expect(checkIdNumber(withCheck('11010520260501002'), { now: NOW }).issues).toEqual([]);
    expect(checkIdNumber(withCheck('11010519491231000'), { now: NOW }).issues).toEqual(['id-sequence']);
    // The standard's 1880 example has a correct checksum but is not a living holder's birth year.
    expect(checkIdNumber('440524188001010014', { now: NOW }).issues).toEqual(['id-birth-date']);
  });

  it('uses the day in China, not the server zone', () => {
    // 2026-05-01 20:00 UTC is already 2 May in Beijing.
    expect(chinaToday(new Date('2026-05-01T20:00:00Z'))).toEqual({ year: 2026, month: 5, day: 2 });
    expect(
      checkIdNumber(withCheck('11010520260502002'), { now: new Date('2026-05-01T20:00:00Z') }).valid,
    ).toBe(true);
  });
});

describe('ethnicities, issuer, dates', () => {
  it('lists exactly 56 distinct groups', () => {
    expect(new Set(ETHNICITIES).size).toBe(56);
    expect(isOfficialEthnicity('汉')).toBe(true);
    expect(isOfficialEthnicity('汉族')).toBe(false);
    expect(isOfficialEthnicity('穿青人')).toBe(false);
  });

  it('recognises plausible issuers', () => {
    for (const ok of ['北京市公安局东城分局', '上海市公安局浦东分局', '安吉县公安局', '深圳市公安局福田分局'])
      expect(isPlausibleIssuer(ok), ok).toBe(true);
    for (const bad of [
      '',
      '公安局',
      '北京市东城区人民政府',
      '北京市公安局东城分局X',
      '上海市公安局浦东分局 ',
      '北京市教育局',
    ])
      expect(isPlausibleIssuer(bad), bad).toBe(false);
  });

  it('knows leap years', () => {
    expect(isCalendarDate({ year: 2000, month: 2, day: 29 })).toBe(true);
    expect(isCalendarDate({ year: 1900, month: 2, day: 29 })).toBe(false);
    expect(isCalendarDate({ year: 2024, month: 4, day: 31 })).toBe(false);
  });
});

describe('validity period', () => {
  it('parses the printed forms and nothing else', () => {
    expect(parseValidity('2015.03.01-2035.03.01')).toEqual({
      start: { year: 2015, month: 3, day: 1 },
      end: { year: 2035, month: 3, day: 1 },
    });
    expect(parseValidity('2015.03.01 — 长期')).toEqual({
      start: { year: 2015, month: 3, day: 1 },
      end: LONG_TERM,
    });
    for (const bad of ['', '2015.03.01', '2015.3.1-2035.3.1', '2015.03.01-2035.03', '2015.03.01-长', 'abc'])
      expect(parseValidity(bad), bad).toBeUndefined();
  });

  it('follows the law’s spans by age at issue', () => {
    expect([0, 15, 16, 25, 26, 45, 46, 90].map(expectedSpan)).toEqual([
      5,
      5,
      10,
      10,
      20,
      20,
      LONG_TERM,
      LONG_TERM,
    ]);
  });

  it('checks the clock, the span and the age', () => {
    const p = parseValidity('2016.06.15-2036.06.15');
    expect(checkValidity(p, { now: NOW, birthDate: { year: 1980, month: 1, day: 1 } })).toEqual({
      invalid: [],
      doubtful: [],
    });
    expect(checkValidity(p, { now: NOW, birthDate: { year: 2000, month: 1, day: 1 } }).doubtful).toEqual([
      'validity-age-mismatch',
    ]);
    expect(checkValidity(parseValidity('2006.06.15-2026.04.30'), { now: NOW }).invalid).toEqual([
      'validity-expired',
    ]);
    // Valid through its last day, in China.
    expect(checkValidity(parseValidity('2006.05.01-2026.05.01'), { now: NOW }).invalid).toEqual([]);
    expect(checkValidity(parseValidity('2026.05.02-2046.05.02'), { now: NOW }).invalid).toEqual([
      'validity-not-started',
    ]);
    expect(checkValidity(parseValidity('2016.06.15-2031.06.15'), { now: NOW }).doubtful).toEqual([
      'validity-span',
    ]);
    expect(checkValidity(parseValidity('2016.06.15-2016.06.14'), { now: NOW }).invalid).toEqual([
      'validity-format',
    ]);
    expect(checkValidity(parseValidity('2016.02.30-2036.02.30'), { now: NOW }).invalid).toEqual([
      'validity-format',
    ]);
    expect(checkValidity(parseValidity('2016.02.29-2036.02.28'), { now: NOW })).toEqual({
      invalid: [],
      doubtful: [],
    });
    expect(
      checkValidity(parseValidity('2010.01.01-长期'), {
        now: NOW,
        birthDate: { year: 1950, month: 1, day: 1 },
      }),
    ).toEqual({
      invalid: [],
      doubtful: [],
    });
  });

  it('accepts every law-conforming period that has not expired (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1930, max: 2020 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (birthYear, age, month, day) => {
          const start = { year: birthYear + age, month, day };
          fc.pre(start.year <= 2026 && (start.year < 2026 || month < 5));
          const span = expectedSpan(age);
          const end = span === LONG_TERM ? LONG_TERM : { ...start, year: start.year + span };
          fc.pre(end === LONG_TERM || end.year > 2026);
          const birthDate = { year: birthYear, month: 1, day: 1 };
          expect(checkValidity({ start, end }, { now: NOW, birthDate })).toEqual({
            invalid: [],
            doubtful: [],
          });
        },
      ),
    );
  });
});

describe('validateFront / validateBack', () => {
  const good = {
    name: '张三',
    sex: '女',
    ethnicity: '汉',
    birthDate: { year: 1949, month: 12, day: 31 },
    address: '北京市东城区景山前街4号',
    idNumber: '11010519491231002X',
  };

  it('verifies what the card cross-checks and asks for confirmation of the rest', () => {
    const v = validateFront(good, { now: NOW });
    expect(v.idNumber.valid).toBe(true);
    expect(Object.fromEntries(Object.entries(v.fields).map(([k, f]) => [k, f.status]))).toEqual({
      name: 'needs-confirmation',
      sex: 'verified',
      ethnicity: 'verified',
      birthDate: 'verified',
      address: 'needs-confirmation',
      idNumber: 'verified',
    });
  });

  it('flags a birth line or sex that disagrees with a valid number, and doubts the number', () => {
    const v = validateFront(
      { ...good, sex: '男', birthDate: { year: 1949, month: 12, day: 30 } },
      { now: NOW },
    );
    expect(v.fields.sex).toEqual({ status: 'invalid', issues: ['sex-mismatch'] });
    expect(v.fields.birthDate).toEqual({ status: 'invalid', issues: ['birth-mismatch'] });
    expect(v.fields.idNumber.status).toBe('needs-confirmation');
  });

  it('marks an invalid number invalid and cannot verify sex or birth against it', () => {
    const v = validateFront({ ...good, idNumber: '110105194912310021' }, { now: NOW });
    expect(v.fields.idNumber).toEqual({ status: 'invalid', issues: ['id-checksum'] });
    expect(v.fields.sex.status).toBe('needs-confirmation');
    expect(v.fields.birthDate.status).toBe('needs-confirmation');
  });

  it('lowers verified fields with low confidence to needs-confirmation', () => {
    const v = validateFront(good, { now: NOW, confidence: { idNumber: 30, ethnicity: 90 } });
    expect(v.fields.idNumber).toEqual({ status: 'needs-confirmation', issues: ['low-confidence'] });
    expect(v.fields.ethnicity.status).toBe('verified');
  });

  it('handles empty and odd fields', () => {
    const v = validateFront(
      { name: '', sex: '?', ethnicity: '穿青人', birthDate: undefined, address: '', idNumber: '' },
      { now: NOW },
    );
    expect(v.fields.name.status).toBe('invalid');
    expect(v.fields.address.status).toBe('invalid');
    expect(v.fields.sex).toEqual({ status: 'invalid', issues: ['sex-format'] });
    expect(v.fields.ethnicity).toEqual({ status: 'needs-confirmation', issues: ['ethnicity-unknown'] });
    expect(validateFront({ ...good, name: 'Zhang3' }, { now: NOW }).fields.name.issues).toEqual([
      'name-format',
    ]);
    expect(validateFront({ ...good, name: '买买提·艾力' }, { now: NOW }).fields.name.issues).toEqual([
      'not-cross-checkable',
    ]);
  });

  it('checks the back side', () => {
    const ok = validateBack(
      { issuer: '北京市公安局东城分局', validity: parseValidity('2016.06.15-2036.06.15') },
      { now: NOW, birthDate: { year: 1980, month: 1, day: 1 } },
    );
    expect(ok.fields.validity.status).toBe('verified');
    expect(ok.fields.issuer.status).toBe('needs-confirmation');
    const bad = validateBack(
      { issuer: '北京市东城区', validity: parseValidity('2006.04.30-2026.04.30') },
      { now: NOW },
    );
    expect(bad.fields.validity).toEqual({ status: 'invalid', issues: ['validity-expired'] });
    expect(bad.fields.issuer).toEqual({ status: 'invalid', issues: ['issuer-implausible'] });
    expect(validateBack({ issuer: '', validity: undefined }).fields.validity.issues).toEqual([
      'validity-format',
    ]);
  });
});
