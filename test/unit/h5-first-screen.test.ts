/**
 * The H5 example's first screen (issue 9): what the browser must download before the loan page
 * is interactive — the entry chunk and the chunks it imports statically — stays under 80 KB gzip,
 * and none of it is MediaPipe, tesseract.js, onnxruntime or RecordRTC (those load per step).
 */
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';

const example = resolve(import.meta.dirname, '../../examples/h5-loan-flow');
const HEAVY =
  /odml\.pa\.googleapis\.com|ModuleFactory not set|tesseract-core|TesseractCore|onnxruntime|RecordRTC/;

describe('h5-loan-flow first screen', () => {
  it('entry + static imports < 80 KB gzip, no heavy runtime', async () => {
    const output = (await build({
      configFile: resolve(example, 'vite.config.ts'),
      logLevel: 'silent',
      build: { write: false, outDir: resolve(example, '../../.cache/first-screen-check') },
    })) as Rollup.RollupOutput;
    const chunks = new Map(
      (Array.isArray(output) ? output : [output])
        .flatMap((o) => o.output)
        .flatMap((item) => (item.type === 'chunk' ? [[item.fileName, item] as const] : [])),
    );
    const entry = [...chunks.values()].find((c) => c.isEntry);
    expect(entry).toBeDefined();
    const firstScreen = new Set<string>();
    const visit = (name: string) => {
      if (firstScreen.has(name)) return;
      firstScreen.add(name);
      for (const imported of chunks.get(name)?.imports ?? []) visit(imported);
    };
    visit((entry as Rollup.OutputChunk).fileName);
    let gzip = 0;
    for (const name of firstScreen) {
      const code = (chunks.get(name) as Rollup.OutputChunk).code;
      expect(code, name).not.toMatch(HEAVY);
      gzip += gzipSync(code).length;
    }
    console.log(
      `h5-loan-flow first screen: ${firstScreen.size} chunk(s), ${(gzip / 1024).toFixed(1)} KB gzip`,
    );
    expect(gzip).toBeLessThan(80 * 1024);
    // The heavy parts exist, lazily.
    expect([...chunks.values()].some((c) => !firstScreen.has(c.fileName) && HEAVY.test(c.code))).toBe(true);
  }, 120_000);
});
