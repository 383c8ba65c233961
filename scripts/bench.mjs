#!/usr/bin/env node
// `pnpm bench`: runs every package's benchmarks and prints one table.
//   packages/*/bench/*.bench.ts           run in node
//   packages/*/bench/*.browser-bench.ts   bundled by Vite into one page, run in headless Chromium
// Each figure is a ratio against a baseline measured in the same run (see test/bench/harness.ts),
// plus absolute median and p95. Never part of the test command's pass/fail: targets are reported.
//   pnpm bench [--json [FILE]] [--filter TEXT] [--node-only] [--browser-only]
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    filter: { type: 'string' },
    'node-only': { type: 'boolean' },
    'browser-only': { type: 'boolean' },
  },
  args: process.argv.slice(2).map((a) => (a === '--json' ? '--json=' : a)),
  strict: true,
});

function benchFiles(suffix) {
  const files = [];
  for (const pkg of readdirSync(resolve(repo, 'packages'))) {
    const dir = resolve(repo, 'packages', pkg, 'bench');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith(suffix)) files.push(resolve(dir, f));
  }
  return files.filter((f) => !values.filter || f.includes(values.filter));
}

const { runCase } = await import(pathToFileURL(resolve(repo, 'test/bench/harness.ts')).href);
const results = [];

async function runNode() {
  for (const file of benchFiles('.bench.ts')) {
    const { suite } = await import(pathToFileURL(file).href);
    console.error(`[bench] node: ${suite.name} (${relative(repo, file)})`);
    for (const benchCase of suite.cases) results.push(await runCase(suite.name, 'node', benchCase));
  }
}

async function runBrowser() {
  const files = benchFiles('.browser-bench.ts');
  if (files.length === 0) return;
  const { build, preview } = await import('vite');
  const { chromium } = await import('@playwright/test');
  const { serveAssets } = await import(pathToFileURL(resolve(repo, 'scripts/vite/serve-assets.ts')).href);
  const { CHROMIUM_PATH, chromiumArgs } = await import(
    pathToFileURL(resolve(repo, 'test/browser/chromium.ts')).href
  );
  const root = resolve(repo, '.cache/bench-page');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const imports = files.map((f, i) => `import { suite as s${i} } from ${JSON.stringify(f)};`).join('\n');
  writeFileSync(
    resolve(root, 'main.ts'),
    `${imports}
import { runCase } from ${JSON.stringify(resolve(repo, 'test/bench/harness.ts'))};
const suites = [${files.map((_, i) => `s${i}`).join(', ')}];
(window as any).runBenchmarks = async () => {
  const out = [];
  for (const suite of suites) for (const c of suite.cases) out.push(await runCase(suite.name, 'chromium', c));
  return out;
};
document.body.dataset.ready = 'true';
`,
  );
  writeFileSync(
    resolve(root, 'index.html'),
    '<!doctype html><meta charset="utf-8"><video id="camera" playsinline muted></video><script type="module" src="./main.ts"></script>',
  );
  const config = {
    root,
    logLevel: 'warn',
    publicDir: false,
    build: { outDir: resolve(root, 'dist'), target: 'es2022' },
    preview: { host: '127.0.0.1', port: 0 },
    plugins: [serveAssets('/dualrec-assets', resolve(repo, 'assets-dist'))],
  };
  await build(config);
  const server = await preview({ ...config, preview: { host: '127.0.0.1', port: 5199 } });
  const url = server.resolvedUrls.local[0];
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: chromiumArgs({ camera: 'blink-webcam', microphone: 'face-video/talking-grid-s2.wav' }),
  });
  try {
    const context = await browser.newContext();
    const origin = new URL(url).origin;
    const blocked = [];
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('data:') || u.startsWith('blob:') || new URL(u).origin === origin)
        return route.continue();
      blocked.push(u);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && console.error(`[page] ${m.text()}`));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    console.error(`[bench] chromium: ${files.map((f) => relative(repo, f)).join(', ')}`);
    results.push(...(await page.evaluate(() => window.runBenchmarks())));
    if (blocked.length) console.error(`[bench] blocked third-party requests: ${blocked.join(', ')}`);
  } finally {
    await browser.close();
    await new Promise((r) => server.httpServer.close(r));
  }
}

if (!values['browser-only']) await runNode();
if (!values['node-only']) await runBrowser();

const fmt = (n, d = 1) => (n === undefined ? '' : n.toFixed(d));
const rows = results.map((r) => [
  r.environment,
  `${r.suite}: ${r.case}`,
  `${r.baseline.label}`,
  `${fmt(r.baseline.medianMs, 2)} / ${fmt(r.baseline.p95Ms, 2)}`,
  `${r.subject.label}`,
  `${fmt(r.subject.medianMs, 2)} / ${fmt(r.subject.p95Ms, 2)}`,
  r.subject.throughputMBps !== undefined
    ? `${fmt(r.subject.throughputMBps)} vs ${fmt(r.baseline.throughputMBps)}`
    : '',
  fmt(r.ratio, 3),
  r.target
    ? `${r.target.minRatio !== undefined ? `>=${r.target.minRatio}` : ''}${r.target.maxRatio !== undefined ? ` <=${r.target.maxRatio}` : ''} ${r.meetsTarget ? 'met' : 'MISSED'}`
    : '',
  r.subject.metrics
    ? Object.entries(r.subject.metrics)
        .map(([k, v]) => `${k}=${fmt(v, 1)}`)
        .join(' ')
    : '',
]);
const header = [
  'env',
  'benchmark',
  'baseline',
  'ms median/p95',
  'subject',
  'ms median/p95',
  'MB/s',
  'ratio',
  'target',
  'metrics',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) =>
  cells
    .map((c, i) => String(c).padEnd(widths[i]))
    .join('  ')
    .trimEnd();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
console.log(
  '\nratio = subject speed / baseline speed, both measured in this run (1.0 = as fast as the baseline).',
);

if (values.json !== undefined) {
  const out = { date: new Date().toISOString(), node: process.version, results };
  if (values.json === '-') console.log(JSON.stringify(out, null, 2));
  else {
    const file = resolve(repo, values.json || 'bench-results/latest.json');
    mkdirSync(resolve(file, '..'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.error(`[bench] wrote ${relative(repo, file)}`);
  }
}
