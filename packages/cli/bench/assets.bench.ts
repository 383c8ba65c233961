import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchSuite } from '../../../test/bench/harness.js';
import { gatherAssets } from '../src/assets/gather.js';
import { type AssetManifest, loadAssetManifest } from '../src/assets/manifest.js';

const MODELS = resolve(import.meta.dirname, '../../../../shared/models');
let manifest: AssetManifest;
let dir: string;
let totalBytes = 0;

export const suite: BenchSuite = {
  name: 'cli: dualrec assets',
  cases: [
    {
      // What `pnpm assets` costs on every run once the folder is complete: read + SHA-256 of every file.
      name: 'verify an up-to-date asset folder (no-op run)',
      iterations: 7,
      async setup() {
        manifest = await loadAssetManifest();
        dir = await mkdtemp(join(tmpdir(), 'dualrec-bench-assets-'));
        await gatherAssets({ outDir: dir, manifest, modelsDir: MODELS });
        totalBytes = manifest.assets.reduce((n, a) => n + a.size, 0);
        this.bytes = totalBytes;
      },
      async teardown() {
        await rm(dir, { recursive: true, force: true });
      },
      baseline: {
        label: 'readFile + createHash(sha256) per file',
        async run() {
          for (const asset of manifest.assets) {
            createHash('sha256')
              .update(await readFile(join(dir, asset.path)))
              .digest('hex');
          }
        },
      },
      subject: {
        label: 'gatherAssets() up to date',
        async run() {
          await gatherAssets({ outDir: dir, manifest, modelsDir: MODELS });
        },
      },
      target: { minRatio: 0.8 },
    },
  ],
};
