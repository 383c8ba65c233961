import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ERROR_MESSAGES } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/errors.md'), 'utf8');

describe('docs/errors.md', () => {
  it('documents every DualrecError code with both messages (run scripts/error-docs.mjs after adding one)', () => {
    for (const [code, messages] of Object.entries(ERROR_MESSAGES)) {
      // Cells are compared trimmed: the formatter pads Markdown tables.
      const row = doc
        .split('\n')
        .map((line) => line.split(/(?<!\\)\|/).map((cell) => cell.trim()))
        .find((cells) => cells[1] === `\`${code}\``);
      expect(row, `docs/errors.md lacks ${code}: run "node scripts/error-docs.mjs"`).toBeDefined();
      expect(row?.[2]).toBe(messages.en.replaceAll('|', '\\|'));
      expect(row?.[3]).toBe(messages['zh-CN'].replaceAll('|', '\\|'));
    }
  });
});
