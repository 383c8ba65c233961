import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { serveAssets } from './serve-assets.js';

const root = resolve(import.meta.dirname, 'pages');
const repo = resolve(import.meta.dirname, '../..');
const pages = Object.fromEntries(
  readdirSync(root)
    .filter((f) => f.endsWith('.html'))
    .map((f) => [f.replace(/\.html$/, ''), resolve(root, f)]),
);

// The test pages are built once and served by `vite preview`, like a lender's production build:
// no dev-server dependency re-optimisation reloads in the middle of a test.
export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(repo, '.cache/browser-pages'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: pages },
  },
  plugins: [serveAssets('/dualrec-assets', resolve(repo, 'assets-dist'))],
});
