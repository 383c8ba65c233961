#!/usr/bin/env node
// A lender's front-end, outside the monorepo: every @dualrec package packed (`pnpm pack`), a new
// folder in the system temp dir with the ten-line embed of docs/integration.md, `npm install` of
// the tarballs plus Vite from the npm registry (no override, no workspace), `vite build`. Returns
// what dist/ holds so test/unit/packed-app.test.ts can check it; `node scripts/packages/fresh-app.mjs`
// prints it (and keeps the folder with --keep).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packPackage, repo, workspacePackages } from './pack.mjs';

const rootManifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
/** The Vite the monorepo uses, from the npm registry. */
export const VITE_VERSION = rootManifest.devDependencies.vite;
/** The front-end packages a lender installs (the server and CLI are not part of its page). */
export const FRONT_END = ['@dualrec/sdk', '@dualrec/speech'];

const MAIN_JS = `import '@dualrec/sdk/ui/define'; // registers <dualrec-flow>
import script from '@dualrec/speech/scripts-examples/consumer-loan.zh-CN.json';

document.getElementById('flow').start({
  ticketUrl: '/v1/tickets',
  uploadUrl: '/v1/uploads/',
  assetsBase: '/dualrec-assets',
  script,
  terms: { lenderName: '示例消费金融有限公司', amount: '10000', apr: '18', termMonths: '12', monthlyPayment: '916.80' },
  applicationRef: 'APP-2026-000123',
  lender: { name: '示例消费金融有限公司', retention: '自借款结清之日起 5 年' },
});
`;
const INDEX_HTML = `<!doctype html>
<html lang="zh-CN">
  <head><meta charset="utf-8" /><title>loan</title></head>
  <body>
    <dualrec-flow id="flow"></dualrec-flow>
    <script type="module" src="./main.js"></script>
  </body>
</html>
`;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
  );
}

/**
 * Packs, installs and builds the fresh app. Returns its folder, every file in dist/ with its size,
 * and the first screen (the entry chunk and what it imports statically) in gzip bytes.
 */
export function buildFreshApp({ keep = false } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'dualrec-fresh-app-'));
  const tarballs = join(work, 'tarballs');
  const app = join(work, 'app');
  mkdirSync(tarballs);
  mkdirSync(app);
  try {
    const packed = workspacePackages().map(({ dir }) => packPackage(dir, tarballs));
    const file = (name) => `file:${packed.find((p) => p.name === name).tarball}`;
    // Every @dualrec package the front-end ones depend on comes from its tarball, not the registry.
    const overrides = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify(
        {
          name: 'lender-loan-page',
          private: true,
          type: 'module',
          scripts: { build: 'vite build' },
          dependencies: Object.fromEntries(FRONT_END.map((n) => [n, file(n)])),
          devDependencies: { vite: VITE_VERSION },
          overrides,
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(join(app, 'index.html'), INDEX_HTML);
    writeFileSync(join(app, 'main.js'), MAIN_JS);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: app,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    execFileSync('npx', ['--no-install', 'vite', 'build', '--logLevel', 'warn'], {
      cwd: app,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const dist = join(app, 'dist');
    const files = walk(dist).map((f) => ({
      path: relative(dist, f),
      size: statSync(f).size,
      // A wasm or model the bundle would still fetch relative to itself.
      urlToHeavyFile: /new URL\(\s*["'][^"']+\.(wasm|onnx|tflite|task|traineddata)["']/.test(
        readFileSync(f, 'latin1'),
      ),
    }));
    const manifestJs = files.filter((f) => f.path.endsWith('.js'));
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const entry = html.match(/<script type="module"[^>]*src="\/([^"]+)"/)?.[1];
    const firstScreen = new Set();
    const visit = (name) => {
      if (firstScreen.has(name) || !manifestJs.some((f) => f.path === name)) return;
      firstScreen.add(name);
      const code = readFileSync(join(dist, name), 'utf8');
      for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+)["']/g)) {
        visit(join(name, '..', m[1]));
      }
    };
    if (entry) visit(entry);
    const firstScreenGzip = [...firstScreen].reduce(
      (sum, name) => sum + gzipSync(readFileSync(join(dist, name))).length,
      0,
    );
    return { work, app, files, entry, firstScreen: [...firstScreen], firstScreenGzip };
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = buildFreshApp({ keep: process.argv.includes('--keep') });
  if (process.argv.includes('--json')) {
    console.log(`FRESH_APP_JSON ${JSON.stringify(result)}`);
    process.exit(0);
  }
  for (const f of result.files) console.log(`${String(f.size).padStart(10)}  ${f.path}`);
  console.log(
    `first screen: ${result.firstScreen.join(', ')}: ${(result.firstScreenGzip / 1024).toFixed(1)} KB gzip`,
  );
  if (process.argv.includes('--keep')) console.log(`kept ${result.work}`);
}
