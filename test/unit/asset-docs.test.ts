import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(resolve(repo, 'packages/cli/asset-manifest.json'), 'utf8')) as {
  assets: { path: string; sha256: string; size: number }[];
};
const doc = readFileSync(resolve(repo, 'docs/self-hosting-assets.md'), 'utf8');

describe('docs/self-hosting-assets.md', () => {
  const rows = doc
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|').map((cell) => cell.trim()));

  it('lists every asset of the manifest, and only those, with its SHA-256 and size', () => {
    expect(rows.map((r) => r[1]?.replaceAll('`', ''))).toEqual(manifest.assets.map((a) => a.path));
    for (const asset of manifest.assets) {
      const row = rows.find((r) => r[1] === `\`${asset.path}\``);
      expect(row?.[5], asset.path).toBe(`\`${asset.sha256}\``);
      expect(row?.[3], asset.path).toBe(
        `${(asset.size / 1024).toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} KiB`,
      );
      expect(row?.[4], asset.path).toMatch(/KiB|already compressed/);
    }
  });
});
