#!/usr/bin/env node
// Bundles the liveness harness page (packages/face/harness, which uses the built @dualrec/face)
// into packages/cli/dist/liveness-harness with Vite. `dualrec liveness` and `dualrec pad-eval`
// serve that folder by file path and drive it in headless Chromium; the CLI's node code never
// imports @dualrec/face (DESIGN.md import rules). Run after `pnpm build`; the commands also run
// it themselves on first use when the folder is missing and Vite is available (the monorepo).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const HARNESS_SOURCE = resolve(import.meta.dirname, '../../face/harness');
export const HARNESS_OUT = resolve(import.meta.dirname, '../dist/liveness-harness');

export async function buildLivenessHarness({ quiet = false } = {}) {
  const faceDist = resolve(HARNESS_SOURCE, '../dist/index.js');
  if (!existsSync(faceDist)) throw new Error(`${faceDist} is missing: run "pnpm build" first`);
  const { build } = await import('vite');
  await build({
    root: HARNESS_SOURCE,
    base: './',
    publicDir: false,
    logLevel: quiet ? 'error' : 'warn',
    configFile: false,
    build: {
      outDir: HARNESS_OUT,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: { liveness: resolve(HARNESS_SOURCE, 'liveness.html') } },
    },
  });
  return HARNESS_OUT;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await buildLivenessHarness();
  console.error(`built ${HARNESS_OUT}`);
}
