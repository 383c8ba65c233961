import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { serveAssets } from '../../scripts/vite/serve-assets.js';

const root = resolve(import.meta.dirname, 'pages');
const repo = resolve(import.meta.dirname, '../..');
const pages = Object.fromEntries(
  readdirSync(root)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((f) => [f.replace(/\.html$/, ''), resolve(root, f)]),
);

// The test pages are built once and served by `vite preview`, like a lender's production build:
// no dev-server dependency re-optimisation reloads in the middle of a test.
export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    // Per port, so several test runs on one machine do not overwrite each other's build.
    outDir: resolve(repo, `.cache/browser-pages-${process.env.DUALREC_TEST_PORT ?? 5178}`),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: pages },
  },
  plugins: [serveAssets('/dualrec-assets', resolve(repo, 'assets-dist'))],
});
