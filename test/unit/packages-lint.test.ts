import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');

// Packs every package (`pnpm pack`) and runs publint (strict, suggestions included) plus our own
// rules (no .tsbuildinfo, no tests, README.md + LICENSE shipped, engines, sideEffects) on each
// tarball: what `pnpm lint:packages` prints. Needs `pnpm build` first, as every unit test here.
describe('published packages (pnpm lint:packages)', () => {
  it('are clean for publint and ship no build info, tests or missing README/LICENSE', () => {
    const run = spawnSync('node', ['scripts/packages/lint.mjs'], { cwd: repo, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toContain('packages: clean');
    expect(run.status).toBe(0);
  }, 120_000);
});
