/**
 * The support entry is loaded on the first screen of a loan page, before the applicant agrees to
 * anything: it must stay tiny and must never pull in MediaPipe, tesseract.js, RecordRTC or the
 * bundle code. Measured on a real Vite (rollup) production build, minified and gzipped, as a
 * lender's bundler would ship it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const workDir = resolve(import.meta.dirname, '../.support-size-check');

async function bundle(source: string): Promise<{ code: string; chunks: number }> {
  mkdirSync(workDir, { recursive: true });
  const entry = resolve(workDir, 'entry.ts');
  writeFileSync(entry, source);
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    root: workDir,
    build: { write: false, minify: true, lib: { entry, formats: ['es'], fileName: 'entry' } },
  })) as Rollup.RollupOutput[];
  const chunks = output.flatMap((o) => o.output).filter((i): i is Rollup.OutputChunk => i.type === 'chunk');
  return { code: chunks.map((c) => c.code).join('\n'), chunks: chunks.length };
}

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('@dualrec/capture/support', () => {
  it('costs < 5 KB gzip and carries no MediaPipe, tesseract.js, RecordRTC, idb or jose', async () => {
    const { code, chunks } = await bundle(
      "import { checkSupport } from '@dualrec/capture/support';\nexport const run = () => checkSupport();\n",
    );
    expect(chunks).toBe(1);
    const gz = gzipSync(code).length;
    console.info(`support entry: ${code.length} B minified, ${gz} B gzip`);
    expect(gz).toBeLessThan(5 * 1024);
    expect(code).toContain('isTypeSupported');
    expect(code).not.toMatch(/odml\.pa\.googleapis\.com|ModuleFactory not set|tesseract/i);
    expect(code).not.toMatch(/RecordRTC|MediaStreamRecorder/);
    expect(code).not.toMatch(/openDB|SignJWT|ECDH-ES/);
  }, 60_000);

  it('the full entry is much larger: the size check measures something real', async () => {
    const { code } = await bundle("export * from '@dualrec/capture';\n");
    expect(gzipSync(code).length).toBeGreaterThan(20 * 1024);
    expect(code).toMatch(/RecordRTC|MediaStreamRecorder/);
  }, 60_000);
});
