import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { serveAssets } from '../../scripts/vite/serve-assets.js';

const repo = resolve(import.meta.dirname, '../..');

export default defineConfig({
  root: import.meta.dirname,
  publicDir: false,
  logLevel: 'warn',
  build: { outDir: resolve(repo, '.cache/demo/device-check'), emptyOutDir: true, target: 'es2022' },
  plugins: [serveAssets('/dualrec-assets', resolve(repo, 'assets-dist'))],
});
