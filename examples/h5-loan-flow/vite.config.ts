import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const repo = resolve(import.meta.dirname, '../..');

// Built into .cache/demo/h5-loan-flow and served by `pnpm demo` (scripts/demo.mjs) or
// `dualrec serve --insecure-open-tickets --static /=…` (one origin with the lender's ticket and
// upload endpoints and the self-hosted assets at /dualrec-assets/). The page has no login of its
// own, so the demo issues tickets to anyone; a lender wires authorizeTicket (docs/server.md).
export default defineConfig({
  root: import.meta.dirname,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(repo, '.cache/demo/h5-loan-flow'),
    emptyOutDir: true,
    target: 'es2022',
    // Stable names let the first-screen size test find the entry chunk.
    rollupOptions: { output: { entryFileNames: 'assets/entry-[hash].js' } },
  },
});
