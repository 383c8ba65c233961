/**
 * docs/test-vectors/ (written by scripts/make-test-vectors.mjs): every bundle there gets from
 * verify() exactly the verdict expected.json gives it, with the keys beside it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PrivateJwk, PublicJwk } from './keys.js';
import { verify } from './verify.js';
import { bytesSource } from './zip-reader.js';

const dir = new URL('../../../docs/test-vectors/', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, dir), 'utf8'));
const expected = json('expected.json') as {
  verifiedWith: { ticketKeys: string[]; decryptionKeys: string[] };
  vectors: { file: string; description: string; valid: boolean; reasons: string[] }[];
};
const ticketKeys = expected.verifiedWith.ticketKeys.map((p) => json(p) as PublicJwk);
const decryptionKeys = expected.verifiedWith.decryptionKeys.map((p) => json(p) as PrivateJwk);

describe('docs/test-vectors', () => {
  it('lists every bundle in the folder, and covers the failure classes of issue 17', () => {
    const files = readdirSync(new URL('bundles/', dir)).map((f) => `bundles/${f}`);
    expect(expected.vectors.map((v) => v.file).sort()).toEqual(files.sort());
    const codes = new Set(expected.vectors.flatMap((v) => v.reasons));
    for (const code of ['SIGNATURE_NOT_CANONICAL', 'ZIP_CRC_MISMATCH', 'TIMESTAMP_INVALID'])
      expect(codes).toContain(code);
    expect(expected.vectors.filter((v) => v.valid).length).toBeGreaterThan(0);
  });

  for (const vector of expected.vectors) {
    it(`${vector.file}: ${vector.valid ? 'valid' : vector.reasons.join(', ')}`, async () => {
      const bytes = new Uint8Array(readFileSync(new URL(vector.file, dir)));
      const verdict = await verify(bytesSource(bytes), { ticketKeys, decryptionKeys });
      expect([...new Set(verdict.reasons.map((r) => r.code))].sort()).toEqual(vector.reasons);
      expect(verdict.valid).toBe(vector.valid);
    });
  }
});
