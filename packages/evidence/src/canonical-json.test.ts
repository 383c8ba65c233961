import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import { CanonicalJsonError, canonicalize, parseCanonical } from './canonical-json.js';

function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 vectors', () => {
  it('§3.2.2: the sample object canonicalises to the published text', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('§3.2.3: members sort by UTF-16 code units', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const keys = Object.keys(JSON.parse(canonicalize(input)) as object);
    // JSON.parse re-orders integer-like keys, so compare the serialised order directly.
    expect(keys.length).toBe(7);
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('Appendix B: IEEE-754 numbers serialise as published', () => {
    const table: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [hex, text] of table) expect(canonicalize(fromIeee754(hex)), hex).toBe(text);
  });

  it('Appendix B: NaN and Infinity are errors', () => {
    expect(() => canonicalize(fromIeee754('7fffffffffffffff'))).toThrow(CanonicalJsonError);
    expect(() => canonicalize(fromIeee754('7ff0000000000000'))).toThrow(CanonicalJsonError);
  });
});

describe('canonicalize rejects what JCS cannot represent', () => {
  it.each([
    ['lone surrogate', '\ud800'],
    ['undefined member', { a: undefined }],
    ['function', () => 1],
    ['bigint', 1n],
    ['Date', new Date(0)],
    ['Map', new Map()],
  ])('%s', (_name, value) => {
    expect(() => canonicalize(value)).toThrow(CanonicalJsonError);
  });

  it('nesting deeper than 64 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => canonicalize(deep)).toThrow(/nesting/);
  });
});

describe('parseCanonical', () => {
  it.each([
    ['whitespace', '{"a": 1}'],
    ['member order', '{"b":1,"a":2}'],
    ['duplicate member', '{"a":1,"a":1}'],
    ['number spelling', '{"a":1.0}'],
    ['escaped slash', '{"a":"\\/"}'],
    ['BOM', '\ufeff{}'],
  ])('reports non-canonical input: %s', (_name, text) => {
    const result = parseCanonical(utf8(text));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toBe('not-canonical');
  });

  it('reports invalid UTF-8 and invalid JSON separately', () => {
    const bad = parseCanonical(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]));
    expect(bad.ok || bad.problem).toBe('utf8');
    const json = parseCanonical(utf8('{"a":'));
    expect(json.ok || json.problem).toBe('json');
  });

  it('property: any JSON value round-trips through canonical bytes unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalize(value);
        const parsed = parseCanonical(utf8(text));
        expect(parsed.ok).toBe(true);
        if (parsed.ok) {
          expect(parsed.text).toBe(text);
          // -0 canonicalises to 0, the one value JCS changes.
          expect(parsed.value).toEqual(JSON.parse(JSON.stringify(value)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: canonical text is independent of member insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalize(reversed)).toBe(canonicalize(object));
      }),
      { numRuns: 200 },
    );
  });
});
