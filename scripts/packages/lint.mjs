#!/usr/bin/env node
// `pnpm lint:packages`: every workspace package, packed as it would be published, must be clean
// for publint (errors, warnings and suggestions alike) and for our own rules below. Prints one
// line per problem and exits 1 if there is any. Also imported by test/unit/packages-lint.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packPackage, workspacePackages } from './pack.mjs';

/** Files that must never be in a published tarball. */
const FORBIDDEN = [
  [/\.tsbuildinfo$/, 'TypeScript build info'],
  [/\.(test|bench|browser-bench)\.(ts|js|d\.ts)$/, 'a test or benchmark'],
  [/(^|\/)node_modules\//, 'node_modules'],
];
const REQUIRED = ['package.json', 'README.md', 'LICENSE'];

/**
 * Lints every package; returns the problems as `{ pkg, message }` (empty when all are clean).
 * @param {{ only?: string[] }} [options] package names to lint (default: all)
 */
export async function lintPackages(options = {}) {
  const destination = mkdtempSync(join(tmpdir(), 'dualrec-lint-packages-'));
  const problems = [];
  try {
    for (const { dir, manifest } of workspacePackages()) {
      if (options.only && !options.only.includes(manifest.name)) continue;
      const pkg = manifest.name;
      const packed = packPackage(dir, destination);
      for (const file of packed.files) {
        for (const [pattern, what] of FORBIDDEN) {
          if (pattern.test(file)) problems.push({ pkg, message: `ships ${what}: ${file}` });
        }
      }
      for (const file of REQUIRED) {
        if (!packed.files.includes(file)) problems.push({ pkg, message: `does not ship ${file}` });
      }
      if (!manifest.engines?.node) problems.push({ pkg, message: 'has no engines.node' });
      if (manifest.sideEffects === undefined) problems.push({ pkg, message: 'has no sideEffects' });
      const tarball = readFileSync(packed.tarball);
      const { messages, pkg: packedManifest } = await publint({
        pkgDir: 'package',
        level: 'suggestion',
        strict: true,
        pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.length) },
      });
      for (const m of messages) {
        problems.push({
          pkg,
          message: `publint ${m.type} ${m.code}: ${formatMessage(m, packedManifest, { color: false })}`,
        });
      }
    }
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.slice(2);
  const problems = await lintPackages(only.length ? { only } : {});
  for (const p of problems) console.log(`${p.pkg}: ${p.message}`);
  console.log(problems.length === 0 ? 'packages: clean' : `packages: ${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
