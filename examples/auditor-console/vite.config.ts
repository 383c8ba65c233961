import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { REPORT_SCRIPT } from '@dualrec/report';
import { defineConfig } from 'vite';

const repo = resolve(import.meta.dirname, '../..');
const hash = createHash('sha256').update(REPORT_SCRIPT).digest('base64');

// A static site: `pnpm --filter @dualrec/example-auditor-console build`, then host
// .cache/auditor-console anywhere (or `dualrec serve --static /auditor=.cache/auditor-console`).
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: { outDir: resolve(repo, '.cache/auditor-console'), emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  plugins: [
    { name: 'report-script-hash', transformIndexHtml: (html) => html.replace('%REPORT_SCRIPT_HASH%', hash) },
  ],
});
