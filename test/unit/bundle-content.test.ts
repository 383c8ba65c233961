/**
 * What a lender's bundler actually ships for each browser package, checked on real Vite builds
 * (like jose's check that JWS and JWE stay apart): an OCR-only integration must not carry MediaPipe,
 * a face-only one must not carry tesseract.js, and MediaPipe must sit in a lazily loaded chunk so
 * the first screen stays small.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, type Rollup } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const workDir = resolve(import.meta.dirname, '../.bundle-check');

interface Chunk {
  fileName: string;
  isEntry: boolean;
  code: string;
}

async function bundle(pkg: string): Promise<Chunk[]> {
  mkdirSync(workDir, { recursive: true });
  const entry = resolve(workDir, `${pkg.replace(/\W/g, '_')}.ts`);
  // Import everything the package exports, as a lender's `import * as x` would.
  writeFileSync(entry, `export * from '${pkg}';\n`);
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    root: workDir,
    build: {
      write: false,
      minify: false,
      lib: { entry, formats: ['es'], fileName: 'entry' },
    },
  })) as Rollup.RollupOutput[];
  return output
    .flatMap((o) => o.output)
    .flatMap((item) =>
      item.type === 'chunk' ? [{ fileName: item.fileName, isEntry: item.isEntry, code: item.code }] : [],
    );
}

// Strings only MediaPipe's own code contains (its usage-log endpoint, its wasm loader error).
const MEDIAPIPE = /odml\.pa\.googleapis\.com|ModuleFactory not set/;
const TESSERACT = /tesseract-core|tesseract\.js|TesseractCore/;

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('bundle content', () => {
  it('@dualrec/face carries MediaPipe only in a lazily loaded chunk, and no tesseract.js', async () => {
    const chunks = await bundle('@dualrec/face');
    const entry = chunks.find((c) => c.isEntry);
    expect(entry).toBeDefined();
    expect(entry?.code).not.toMatch(MEDIAPIPE);
    expect(chunks.some((c) => !c.isEntry && MEDIAPIPE.test(c.code))).toBe(true);
    for (const chunk of chunks) expect(chunk.code, chunk.fileName).not.toMatch(TESSERACT);
  }, 60_000);

  for (const pkg of [
    '@dualrec/evidence',
    '@dualrec/ocr',
    '@dualrec/speech',
    '@dualrec/capture',
    '@dualrec/upload',
  ]) {
    it(`${pkg} carries no MediaPipe`, async () => {
      for (const chunk of await bundle(pkg)) expect(chunk.code, chunk.fileName).not.toMatch(MEDIAPIPE);
    }, 60_000);
  }

  for (const pkg of ['@dualrec/evidence', '@dualrec/speech', '@dualrec/capture', '@dualrec/upload']) {
    it(`${pkg} carries no tesseract.js`, async () => {
      for (const chunk of await bundle(pkg)) expect(chunk.code, chunk.fileName).not.toMatch(TESSERACT);
    }, 60_000);
  }
});
