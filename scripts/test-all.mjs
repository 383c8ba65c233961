#!/usr/bin/env node
// `pnpm test` (what `./run test` and CI run): every check, in order of cost, each one run even if
// an earlier one failed so a single run shows everything that is wrong. Benchmarks are not here.
//   lint → typecheck → unit tests (vitest, node) → browser tests (Playwright, Debian Chromium)
// The README's main command (`pnpm demo --headless`) runs end to end inside the browser tests
// (test/browser/demo-e2e.spec.ts), which also fails on any third-party request.
// Ends with one line "tests: N passed, N failed" summed over both test runners.
//   pnpm test [STEP…] [--under-load]   only the named steps (lint, typecheck, unit, browser);
//   --under-load runs them beside two CPU-bound processes (./run test --under-load).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const reports = resolve(repo, '.cache/test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const vitestJson = resolve(reports, 'vitest.json');
const playwrightJson = resolve(reports, 'playwright.json');
const args = process.argv.slice(2);
// --under-load: the same suite while two CPU-bound processes compete for the cores, as a busy
// cheap phone or a shared CI machine would (issue 20). Nothing in the suite may notice but time.
const underLoad = args.includes('--under-load');
const only = args.filter((a) => a !== '--under-load');
const load = [];
if (underLoad) {
  const busy = 'for (;;) { Math.sqrt(Math.random()); }';
  for (let i = 0; i < 2; i++) load.push(spawn(process.execPath, ['-e', busy], { stdio: 'ignore' }));
  const stopLoad = () => {
    for (const child of load) child.kill('SIGKILL');
  };
  process.on('exit', stopLoad);
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => {
      stopLoad();
      process.exit(130);
    });
  console.log(`under load: ${load.length} busy processes (pids ${load.map((c) => c.pid).join(', ')})`);
}

const steps = [
  { name: 'camera fixtures', cmd: ['node', 'scripts/make-camera-fixtures.mjs'] },
  { name: 'lint', cmd: ['pnpm', 'exec', 'biome', 'check', '.'] },
  { name: 'typecheck', cmd: ['pnpm', 'run', '--silent', 'typecheck'] },
  {
    name: 'unit',
    cmd: [
      'pnpm',
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
    ],
  },
  {
    name: 'browser',
    cmd: [
      'pnpm',
      'exec',
      'playwright',
      'test',
      '-c',
      'test/browser/playwright.config.ts',
      '--reporter=list,json',
    ],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
  },
].filter((s) => only.length === 0 || only.includes(s.name) || s.name === 'camera fixtures');

const results = [];
for (const step of steps) {
  console.log(`\n=== ${step.name} ===`);
  const started = Date.now();
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
  });
  results.push({ name: step.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
let passed = 0;
let failed = 0;
let skipped = 0;
const vitest = readJson(vitestJson);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
}
const playwright = readJson(playwrightJson);
if (playwright) {
  passed += playwright.stats.expected + playwright.stats.flaky;
  failed += playwright.stats.unexpected;
  skipped += playwright.stats.skipped;
}

// CI keeps only the tail of the output: repeat each failure's first lines just above the summary.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const failures = [];
for (const file of vitest?.testResults ?? [])
  for (const test of file.assertionResults ?? [])
    if (test.status === 'failed')
      failures.push({
        title: `${file.name.replace(`${repo}/`, '')} › ${test.fullName}`,
        message: test.failureMessages?.[0] ?? '',
      });
const walk = (suite, path) => {
  for (const spec of suite.specs ?? [])
    for (const test of spec.tests ?? [])
      if (test.status === 'unexpected') {
        const result = test.results?.at(-1);
        failures.push({
          title: `${spec.file}:${spec.line} › ${[...path, spec.title].join(' › ')}`,
          message: result?.error?.message ?? result?.errors?.[0]?.message ?? `status ${result?.status}`,
        });
      }
  // The top-level suites are the spec files; nested ones are describe() blocks.
  for (const child of suite.suites ?? []) walk(child, [...path, child.title]);
};
for (const suite of playwright?.suites ?? []) walk(suite, []);
if (failures.length) {
  console.log('\n=== failures ===');
  for (const f of failures) {
    console.log(`\n✗ ${f.title}`);
    const lines = String(f.message)
      .replace(ANSI, '')
      .split('\n')
      .filter((line) => !/^\s*at .*node_modules/.test(line));
    console.log(
      lines
        .slice(0, 40)
        .map((l) => `  ${l.slice(0, 400)}`)
        .join('\n'),
    );
    if (lines.length > 40) console.log(`  … ${lines.length - 40} more lines`);
  }
}

console.log('\n=== summary ===');
for (const r of results)
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(16)} ${r.seconds.toFixed(1)} s`);
console.log(
  `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${underLoad ? ' (under load: 2 busy processes)' : ''}`,
);
process.exit(results.every((r) => r.ok) ? 0 : 1);
