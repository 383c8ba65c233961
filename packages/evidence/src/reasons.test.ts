/**
 * docs/bundle-format.md §11 lists every failure code and notice the verifier can give, and no
 * other: an independent verifier is written from that table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOTICE_CODES, REASON_CODES } from './reasons.js';

const spec = readFileSync(new URL('../../../docs/bundle-format.md', import.meta.url), 'utf8');
const section = spec.slice(spec.indexOf('## 11. Failure codes'), spec.indexOf('## 12.'));

describe('failure codes in docs/bundle-format.md §11', () => {
  it('the table has exactly REASON_CODES, in the same order', () => {
    const rows = [...section.matchAll(/^\| `([A-Z0-9_]+)` +\|/gm)].map((m) => m[1]);
    expect(rows).toEqual([...REASON_CODES]);
  });

  it('the notices line has exactly NOTICE_CODES', () => {
    const line = /^Notices \(do not make a bundle invalid\):([\s\S]*?)\.\n/m.exec(section)?.[1] ?? '';
    expect([...line.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1])).toEqual([...NOTICE_CODES]);
  });
});
