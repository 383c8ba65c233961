#!/usr/bin/env node
// `pnpm demo` (`./run demo` on a fresh machine): the lender server and the H5 loan flow on one
// origin. Builds what is missing, creates demo keys, starts `@dualrec/server` with the example
// page and the self-hosted assets, prints the URL, and prints every bundle that arrives with its
// verification verdict.
//
//   pnpm demo [--port N] [--host ADDRESS] [--https] [--data DIR]
//       serve until Ctrl-C. --https makes a self-signed certificate (phones allow the camera
//       only on HTTPS or localhost): use --host 0.0.0.0 and open https://<this machine's IP>:N.
//   pnpm demo --headless [--out FILE] [--lang zh-CN|en]
//       run the whole flow unattended in headless Chromium with fixture media (a real talking
//       face and its voice, generated ID card photos), print the bundle's verdict; with --out,
//       copy the stored bundle to FILE (its RFC 3161 token to FILE.tsr) and the demo keys to FILE.keys/.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    https: { type: 'boolean' },
    data: { type: 'string' },
    headless: { type: 'boolean' },
    out: { type: 'string' },
    lang: { type: 'string', default: 'zh-CN' },
  },
  strict: true,
});
const dataDir = resolve(
  values.data ?? join(repo, values.headless ? '.cache/demo/headless-data' : '.cache/demo/data'),
);
// The keys live beside the data folder, never inside it (the server refuses that).
const keysDir = join(dirname(dataDir), `${basename(dataDir)}-keys`);
const step = (text) => process.stderr.write(`[demo] ${text}\n`);

// 1. Assets (models, wasm, language data) from npm packages and ../shared/models, SHA-256 checked.
const { gatherAssets } = await import(
  pathToFileURL(resolve(repo, 'packages/cli/dist/assets/gather.js')).href
);
const { loadAssetManifest } = await import(
  pathToFileURL(resolve(repo, 'packages/cli/dist/assets/manifest.js')).href
);
step('gathering self-hosted assets');
await gatherAssets({
  outDir: resolve(repo, 'assets-dist'),
  manifest: await loadAssetManifest(),
  modelsDir: process.env.DUALREC_MODELS_DIR ?? resolve(repo, '../shared/models'),
});

// 2. The H5 example, built like a lender's production page.
step('building examples/h5-loan-flow');
const { build } = await import('vite');
await build({ configFile: resolve(repo, 'examples/h5-loan-flow/vite.config.ts') });
const pageDir = resolve(repo, '.cache/demo/h5-loan-flow');

// 3. Demo keys (a real lender generates its own with `dualrec keygen` and keeps them safe).
const server = await import(pathToFileURL(resolve(repo, 'packages/server/dist/index.js')).href);
const oldKeysDir = join(dataDir, 'keys'); // where demos before issue 16 kept them
if (!existsSync(keysDir) && existsSync(join(oldKeysDir, server.KEY_FILES.ticketSigningPrivate))) {
  step(`moving the demo keys out of the data folder: ${oldKeysDir} → ${keysDir}`);
  renameSync(oldKeysDir, keysDir);
}
if (!existsSync(join(keysDir, server.KEY_FILES.ticketSigningPrivate))) {
  step(`creating demo keys in ${keysDir}`);
  await server.createKeySet(keysDir);
}

// 4. TLS for phones on the LAN.
let tls;
if (values.https) {
  const tlsDir = join(dataDir, 'tls');
  mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  if (!existsSync(join(tlsDir, 'cert.pem'))) {
    const ips = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4')
      .map((i) => `IP:${i.address}`);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '30',
        '-keyout',
        join(tlsDir, 'key.pem'),
        '-out',
        join(tlsDir, 'cert.pem'),
        '-subj',
        '/CN=dualrec demo',
        '-addext',
        `subjectAltName=DNS:localhost,${ips.join(',')}`,
      ],
      { stdio: 'ignore' },
    );
  }
  tls = { key: readFileSync(join(tlsDir, 'key.pem')), cert: readFileSync(join(tlsDir, 'cert.pem')) };
}

// The server's log goes to stderr: stdout carries only the headless run's JSON result.
const { default: pino } = await import(
  pathToFileURL(createRequire(resolve(repo, 'packages/server/package.json')).resolve('pino')).href
);
const logger = pino(
  { name: 'dualrec-server', level: values.headless ? 'warn' : 'info' },
  pino.destination(2),
);
const lender = await server.createServer({
  dataDir,
  keysDir,
  port: Number(values.port),
  host: values.host,
  tsa: 'local',
  // The demo's loan page asks for tickets with no login of its own: open issuance, loudly
  // logged. A lender wires authorizeTicket to its session instead (docs/server.md).
  insecureOpenTickets: true,
  static: [
    { prefix: '/dualrec-assets', dir: resolve(repo, 'assets-dist') },
    { prefix: '/', dir: pageDir },
  ],
  logger,
  ...(tls ? { tls } : {}),
});
await lender.listen();

const { verify, bytesSource } = await import(
  pathToFileURL(resolve(repo, 'packages/evidence/dist/index.js')).href
);
async function verdictOf(record) {
  const keys = await server.loadLenderKeys(keysDir);
  const bytes = new Uint8Array(readFileSync(join(dataDir, record.location)));
  const verdict = await verify(bytesSource(bytes), {
    ticketKeys: [keys.ticketSigningPublic],
    decryptionKeys: [keys.encryptionPrivate],
  });
  return {
    bundle: join(dataDir, record.location),
    sessionId: record.sessionId,
    received: record.status,
    timestamp: record.timestamp,
    valid: verdict.valid,
    reasons: verdict.reasons.map((r) => `${r.code}${r.file ? ` (${r.file})` : ''}: ${r.detail}`),
    events: verdict.manifest?.events.count ?? 0,
  };
}

if (!values.headless) {
  const shown = new Set((await lender.index.listBundles({ limit: 1000 })).map((b) => b.uploadId));
  console.log(`
dualrec demo: lender server + H5 loan flow      ${lender.url}/

  The loan page embeds <dualrec-flow>; the server issues tickets (/v1/tickets), receives bundles
  by tus (/v1/uploads/), verifies and time-stamps them, and serves the assets (/dualrec-assets/).
  Data and bundles: ${dataDir}
  Demo keys (outside the data folder): ${keysDir}
  ${values.https ? 'HTTPS with a self-signed certificate: accept the warning on the phone.' : 'Phones need HTTPS for the camera: pnpm demo --https --host 0.0.0.0'}
  Each bundle that arrives is printed here with its verdict (dualrec verify FILE --keys ${keysDir}).

Ctrl-C to stop.`);
  const timer = setInterval(async () => {
    for (const record of await lender.index.listBundles({ limit: 20 })) {
      if (shown.has(record.uploadId)) continue;
      shown.add(record.uploadId);
      console.log(JSON.stringify(await verdictOf(record), null, 2));
    }
  }, 2000);
  process.on('SIGINT', async () => {
    clearInterval(timer);
    await lender.close();
    process.exit(0);
  });
} else {
  // Unattended: the real example page in headless Chromium, fake camera and microphone. The
  // camera clip is made here when missing (not only by the test command), from ../shared.
  step('making the fake-camera clips (once)');
  const fixtures = spawnSync(process.execPath, [resolve(repo, 'scripts/make-camera-fixtures.mjs')], {
    stdio: 'inherit',
  });
  if (fixtures.status !== 0) {
    await lender.close();
    process.exit(fixtures.status ?? 1);
  }
  const { chromium } = await import('@playwright/test');
  const { CHROMIUM_PATH, chromiumArgs } = await import(
    pathToFileURL(resolve(repo, 'test/browser/chromium.ts')).href
  );
  const { describeRun, driveFlow } = await import(
    pathToFileURL(resolve(repo, 'test/browser/flow-driver.ts')).href
  );
  const { specimen } = await import(pathToFileURL(resolve(repo, 'test/fixtures/id-card/node.ts')).href);
  const front = await specimen(20261123, 'photo-like', 0, 'front');
  const back = await specimen(20261123, 'photo-like', 0, 'back');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: chromiumArgs({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }),
  });
  let code = 1;
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const origin = new URL(lender.url).origin;
    const thirdParty = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin)
        thirdParty.push(u);
    });
    page.on('pageerror', (e) => step(`page error: ${e.message}`));
    const lang = values.lang === 'en' ? 'en' : 'zh-CN';
    await page.goto(`${lender.url}/?lang=${lang}&liveness=passive`);
    await page.click('#apply');
    const run = await driveFlow(page, {
      cardFront: front.path,
      cardBack: back.path,
      log: (line) => step(line),
    });
    const verdictAttr = await page.evaluate(() => document.body.dataset.verdict ?? '');
    const sha = await page.evaluate(() => document.body.dataset.bundle ?? '');
    const record = (await lender.index.listBundles({ limit: 50 })).find((b) => b.bundleSha256 === sha);
    const result = {
      url: lender.url,
      flow: run.status,
      steps: run.steps,
      seconds: Math.round(run.ms / 1000),
      errorCode: run.errorCode,
      error: run.error,
      receipt: verdictAttr || null,
      ...(run.status === 'complete' ? {} : { lastEvents: run.trail }),
      thirdPartyRequests: thirdParty,
      ...(record ? await verdictOf(record) : { valid: false, reasons: ['no bundle arrived'] }),
    };
    if (values.out && record) {
      const out = resolve(values.out);
      mkdirSync(dirname(out), { recursive: true });
      cpSync(join(dataDir, record.location), out);
      const token = join(dataDir, record.location.replace(/\.zip$/, '.tsr'));
      if (existsSync(token)) cpSync(token, `${out}.tsr`);
      cpSync(keysDir, `${out}.keys`, { recursive: true });
      if (lender.tsaCertificate) cpSync(lender.tsaCertificate, `${out}.keys/tsa.crt`);
      result.out = out;
    }
    console.log(JSON.stringify(result, null, 2));
    code = run.status === 'complete' && result.valid && thirdParty.length === 0 ? 0 : 1;
    if (run.status !== 'complete') step(describeRun(run).replaceAll('\n', '\n[demo] '));
    if (code !== 0)
      writeFileSync(join(dataDir, 'last-failure.png'), await page.screenshot({ fullPage: true }));
  } finally {
    await browser.close();
    await lender.close();
  }
  process.exit(code);
}
