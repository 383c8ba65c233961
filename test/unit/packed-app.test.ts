/**
 * The SDK as a lender installs it (issue 21): every package packed, installed with plain npm into
 * a new app outside the workspace (no override, the registry for third-party packages), built
 * with Vite (scripts/packages/fresh-app.mjs, what docs/integration.md's install section says).
 * Its dist/ must hold no wasm or model file (they come from `assetsBase` only) and its first
 * screen must stay within the same budget as the H5 example's.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const HEAVY_FILE = /\.(wasm|onnx|tflite|task|traineddata|bin|data)$|(^|\/)model/i;

interface FreshApp {
  files: { path: string; size: number; urlToHeavyFile: boolean }[];
  entry?: string;
  firstScreen: string[];
  firstScreenGzip: number;
}

describe('a fresh Vite app installing the packed packages with npm', () => {
  it('builds, and its dist/ has no wasm or model file and a small first screen', () => {
    const run = spawnSync('node', ['scripts/packages/fresh-app.mjs', '--json'], {
      cwd: repo,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = run.stdout.split('\n').find((l) => l.startsWith('FRESH_APP_JSON '));
    expect(line, `fresh app failed:\n${run.stdout}\n${run.stderr}`).toBeDefined();
    const app = JSON.parse((line as string).slice('FRESH_APP_JSON '.length)) as FreshApp;
    expect(app.entry).toBeDefined();
    expect(app.files.filter((f) => HEAVY_FILE.test(f.path)).map((f) => f.path)).toEqual([]);
    expect(app.files.filter((f) => f.urlToHeavyFile).map((f) => f.path)).toEqual([]);
    expect(app.files.every((f) => /\.(js|css|html)$/.test(f.path))).toBe(true);
    // The SDK is there (lazily), not tree-shaken away.
    expect(app.files.some((f) => f.path.includes('paddle.worker'))).toBe(true);
    console.log(
      `fresh app first screen: ${app.firstScreen.length} chunk(s), ${(app.firstScreenGzip / 1024).toFixed(1)} KB gzip`,
    );
    expect(app.firstScreenGzip).toBeGreaterThan(0);
    expect(app.firstScreenGzip).toBeLessThan(80 * 1024);
  }, 300_000);
});
