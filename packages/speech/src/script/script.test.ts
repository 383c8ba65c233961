import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { fingerprintScript, renderScript } from './render.js';
import { validateScript } from './validate.js';

const root = resolve(import.meta.dirname, '../..');
const readJson = (path: string) => JSON.parse(readFileSync(resolve(root, path), 'utf8'));
const zh = readJson('scripts-examples/consumer-loan.zh-CN.json');
const en = readJson('scripts-examples/consumer-loan.en.json');
const schema = readJson('schema/disclosure-script.schema.json');
const ajv = new Ajv2020({ allErrors: true, strict: true });
const schemaValidate = ajv.compile(schema);

const terms = {
  lenderName: '示例消费金融有限公司',
  amount: '10000',
  apr: '18',
  termMonths: 12,
  installments: 12,
  monthlyPayment: '916.80',
  firstDueDate: '2026-12-15',
  totalInterest: '1001.60',
  totalFees: '0',
  totalCost: '1001.60',
  coolingOffDays: 7,
};

/** Each case: a change to the zh-CN example, and the path the validator must report. */
// biome-ignore lint/suspicious/noExplicitAny: the cases poke at arbitrary parsed JSON
type Json = any;
const clone = <T>(value: T): T => structuredClone(value);
const BAD: Array<[string, (s: Json) => void, string, boolean]> = [
  // [name, mutation, expected path, does the JSON Schema alone catch it?]
  ['wrong format', (s) => (s.format = 'something'), '$.format', true],
  ['future format version', (s) => (s.formatVersion = 2), '$.formatVersion', true],
  ['bad id', (s) => (s.id = 'Has Spaces'), '$.id', true],
  ['unknown language', (s) => (s.language = 'fr'), '$.language', true],
  ['missing title', (s) => delete s.title, '$.title', true],
  ['unknown top-level property', (s) => (s.extra = 1), '$.extra', true],
  ['empty segments', (s) => (s.segments = []), '$.segments', true],
  ['unknown kind', (s) => (s.segments[0].kind = 'video'), '$.segments[0].kind', true],
  ['negative duration', (s) => (s.segments[0].minDurationMs = -1), '$.segments[0].minDurationMs', true],
  ['fractional duration', (s) => (s.segments[1].maxDurationMs = 1.5), '$.segments[1].maxDurationMs', true],
  ['question without accept', (s) => delete s.segments[9].accept, '$.segments[9].accept', true],
  ['empty reject list', (s) => (s.segments[9].reject = []), '$.segments[9].reject', true],
  ['accept on a prompt', (s) => (s.segments[0].accept = ['yes']), '$.segments[0].accept', true],
  ['bad variable type', (s) => (s.variables.apr.type = 'rate'), '$.variables.apr.type', true],
  ['unit on money', (s) => (s.variables.amount.unit = 'month'), '$.variables.amount.unit', true],
  ['maxCer above 1', (s) => (s.segments[8].maxCer = 2), '$.segments[8].maxCer', true],
  ['0 attempts', (s) => (s.segments[8].maxAttempts = 0), '$.segments[8].maxAttempts', true],
  [
    'http audio URL',
    (s) => (s.segments[0].audioUrl = 'http://cdn.example/a.mp3'),
    '$.segments[0].audioUrl',
    true,
  ],
  [
    'no read-aloud segment',
    (s) => (s.segments = s.segments.filter((x: Json) => x.kind !== 'read-aloud')),
    '$.segments',
    true,
  ],
  [
    'no question',
    (s) => (s.segments = s.segments.filter((x: Json) => x.kind !== 'question')),
    '$.segments',
    true,
  ],
  // Checks only validateScript can make:
  ['duplicate segment id', (s) => (s.segments[2].id = 'amount'), '$.segments[2].id', false],
  ['undeclared variable', (s) => (s.segments[2].text = '利率为{rate}'), '$.segments[2].text', false],
  [
    'unknown placeholder format',
    (s) => (s.segments[2].text = '利率为{apr:hex}'),
    '$.segments[2].text',
    false,
  ],
  ['unmatched brace', (s) => (s.segments[2].text = '利率为{apr'), '$.segments[2].text', false],
  [
    'min above max',
    (s) => Object.assign(s.segments[8], { minDurationMs: 9000, maxDurationMs: 1000 }),
    '$.segments[8].minDurationMs',
    false,
  ],
  [
    'same phrase accepted and rejected',
    (s) => s.segments[9].reject.push('清楚'),
    '$.segments[9].reject',
    false,
  ],
  [
    'audio URL on a text with variables',
    (s) => (s.segments[2].audioUrl = '/audio/apr.mp3'),
    '$.segments[2].audioUrl',
    false,
  ],
  [
    'key term missing',
    (s) => (s.segments = s.segments.filter((x: Json) => x.topic !== 'cooling-off')),
    '$.segments',
    false,
  ],
];

describe('validateScript and the published JSON Schema', () => {
  it('accept both example scripts', () => {
    expect(validateScript(zh).id).toBe('consumer-loan-standard');
    expect(validateScript(en).id).toBe('consumer-loan-standard-en');
    expect(schemaValidate(zh), JSON.stringify(schemaValidate.errors)).toBe(true);
    expect(schemaValidate(en), JSON.stringify(schemaValidate.errors)).toBe(true);
  });

  it.each(BAD)('rejects: %s', (_name, mutate, path, schemaCatches) => {
    const script = clone(zh);
    mutate(script);
    let error: Json;
    try {
      validateScript(script);
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe('SPEECH_SCRIPT_INVALID');
    const paths = error.context.problems.map((p: { path: string }) => p.path);
    expect(paths).toContain(path);
    expect(error.message).toContain(path);
    expect(schemaValidate(script)).toBe(!schemaCatches);
  });

  it('reports every problem at once, and refuses non-objects', () => {
    const script = clone(zh);
    script.id = '';
    script.segments[0].kind = 'nope';
    script.segments[8].maxCer = -1;
    expect(() => validateScript(script)).toThrow(
      expect.objectContaining({
        context: {
          problems: expect.arrayContaining([expect.anything(), expect.anything(), expect.anything()]),
        },
      }),
    );
    for (const value of [null, [], 'script', 42])
      expect(() => validateScript(value)).toThrow(expect.objectContaining({ code: 'SPEECH_SCRIPT_INVALID' }));
  });

  it('lets a lender relax the key-term coverage check', () => {
    const script = clone(zh);
    script.segments = script.segments.filter((x: Json) => x.topic !== 'fees');
    expect(() => validateScript(script)).toThrow(/fees/);
    expect(validateScript(script, { requiredTopics: [] }).id).toBe(zh.id);
  });
});

describe('renderScript', () => {
  it('fills the zh-CN example with the numbers read as words', () => {
    const rendered = renderScript(zh, terms);
    const byId = Object.fromEntries(rendered.segments.map((s) => [s.id, s]));
    expect(byId.disclosure?.text).toBe('本人已知悉本次借款年化利率为百分之十八，并自愿承担按期还款的责任。');
    expect(byId.amount?.text).toBe(
      '您本次申请的借款金额为一万元，借款期限为十二个月，分十二期按月等额本息还款。',
    );
    expect(byId.schedule?.text).toBe(
      '每期应还九百一十六元八角，首期还款日为二〇二六年十二月十五日，之后每月同日还款。',
    );
    expect(byId['cooling-off']?.text).toContain('自合同签订之日起七天内为冷静期');
    expect(byId.fees?.text).toContain('其他费用合计零元');
    expect(byId.disclosure).toMatchObject({
      kind: 'read-aloud',
      maxAttempts: 3,
      maxCer: 0.35,
      minDurationMs: 2000,
    });
    expect(byId['confirm-terms']).toMatchObject({
      tapFallback: true,
      accept: expect.arrayContaining(['清楚']),
    });
    expect(rendered.onSegmentFailure).toBe('end-flow');
  });

  it('fills the en example, with {x:digits} printing digits', () => {
    const rendered = renderScript(en, {
      ...terms,
      lenderName: 'Example Consumer Finance Co., Ltd.',
      apr: '17.99',
    });
    const byId = Object.fromEntries(rendered.segments.map((s) => [s.id, s]));
    expect(byId.disclosure?.text).toBe(
      'I understand the annual interest rate is seventeen point nine nine percent and I agree to repay on time.',
    );
    expect(byId.amount?.text).toBe(
      'You are borrowing ten thousand yuan (¥10,000.00) over twelve months, repaid in twelve installments of equal principal and interest.',
    );
    expect(byId.schedule?.text).toContain('due on December fifteenth, twenty twenty-six');
  });

  it('refuses missing, extra and malformed terms with SPEECH_TERMS_INVALID naming the variable', () => {
    const { apr: _apr, ...missing } = terms;
    expect(() => renderScript(zh, missing)).toThrow(
      expect.objectContaining({ code: 'SPEECH_TERMS_INVALID', context: { variable: 'apr' } }),
    );
    expect(() => renderScript(zh, { ...terms, aprr: '18' })).toThrow(
      expect.objectContaining({ context: expect.objectContaining({ variable: 'aprr' }) }),
    );
    expect(() => renderScript(zh, { ...terms, apr: 'eighteen' })).toThrow(
      expect.objectContaining({ context: expect.objectContaining({ variable: 'apr' }) }),
    );
    expect(() => renderScript(zh, { ...terms, termMonths: 12.5 })).toThrow(
      expect.objectContaining({ context: expect.objectContaining({ variable: 'termMonths' }) }),
    );
    expect(() => renderScript(zh, { ...terms, firstDueDate: '2026-13-01' })).toThrow(/firstDueDate/);
    expect(() => renderScript(zh, { ...terms, lenderName: '{apr}' })).toThrow(/lenderName/);
    expect(() => renderScript(zh, { ...terms, amount: '100.001' })).toThrow(/amount/);
  });

  it('keeps literal braces written as {{ }}', () => {
    const script = clone(zh);
    script.segments[0].text = '编号{{A}}：{lenderName}';
    expect(renderScript(script, terms).segments[0]?.text).toBe('编号{A}：示例消费金融有限公司');
  });
});

describe('script fingerprint', () => {
  it('is the SHA-256 of RFC 8785 canonical JSON, and changes when any term changes', async () => {
    const a = await fingerprintScript(renderScript(zh, terms));
    const again = await fingerprintScript(renderScript(structuredClone(zh), { ...terms }));
    const b = await fingerprintScript(renderScript(zh, { ...terms, apr: '18.5' }));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(again.sha256).toBe(a.sha256);
    expect(b.sha256).not.toBe(a.sha256);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(a.canonical, 'utf8').digest('hex')).toBe(a.sha256);
    expect(JSON.parse(a.canonical)).toEqual(renderScript(zh, terms));
  });
});
