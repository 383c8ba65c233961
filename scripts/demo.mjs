#!/usr/bin/env node
// `pnpm demo` (`./run demo` on a fresh machine): builds and serves what dualrec can show today.
//
// Today that is the device-check page (examples/device-check): camera preview, on-device face
// detection loaded from the self-hosted asset folder, microphone level, browser support. The
// lender server and the H5 loan flow join this command when they land (issues 8 and 9).
//
//   pnpm demo [--port N] [--host ADDRESS]     serve until Ctrl-C
//   pnpm demo --headless [--screenshot FILE]  open the page in headless Chromium with the fake
//                                             camera, wait for one face, print the result, exit
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5173' },
    host: { type: 'string', default: '127.0.0.1' },
    headless: { type: 'boolean' },
    screenshot: { type: 'string' },
  },
  strict: true,
});

const { gatherAssets } = await import(
  pathToFileURL(resolve(repo, 'packages/cli/dist/assets/gather.js')).href
);
const { loadAssetManifest } = await import(
  pathToFileURL(resolve(repo, 'packages/cli/dist/assets/manifest.js')).href
);
await gatherAssets({
  outDir: resolve(repo, 'assets-dist'),
  manifest: await loadAssetManifest(),
  modelsDir: process.env.DUALREC_MODELS_DIR ?? resolve(repo, '../shared/models'),
});

const { build, preview } = await import('vite');
const configFile = resolve(repo, 'examples/device-check/vite.config.ts');
await build({ configFile });
const server = await preview({
  configFile,
  preview: { host: values.host, port: Number(values.port), strictPort: true },
});
const url = server.resolvedUrls.local[0] ?? server.resolvedUrls.network[0];

if (!values.headless) {
  console.log(`
dualrec demo: device check            ${url}

  Camera preview, on-device face detection from the self-hosted assets in assets-dist/
  (served at /dualrec-assets/), microphone level and browser support, in zh-CN and en.
  The lender server and the H5 loan flow are not built yet (issues 8 and 9); when they land,
  this command starts them too.
  Phones need HTTPS for the camera: until the demo's HTTPS option lands, open it on this machine.

Ctrl-C to stop.`);
  process.on('SIGINT', () => server.httpServer.close(() => process.exit(0)));
} else {
  const { chromium } = await import('@playwright/test');
  const { CHROMIUM_PATH, chromiumArgs } = await import(
    pathToFileURL(resolve(repo, 'test/browser/chromium.ts')).href
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: chromiumArgs({ camera: 'blink-webcam', microphone: 'face-video/talking-grid-s2.wav' }),
  });
  let code = 1;
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const origin = new URL(url).origin;
    const thirdParty = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin)
        thirdParty.push(u);
    });
    await page.goto(url);
    await page.click('#start');
    await page.waitForSelector('#face-status[data-faces="1"]', { timeout: 60_000 });
    const status = await page.textContent('#face-status');
    if (values.screenshot) await page.screenshot({ path: resolve(values.screenshot), fullPage: true });
    await page.click('#stop');
    console.log(JSON.stringify({ url, faceStatus: status, thirdPartyRequests: thirdParty }, null, 2));
    code = thirdParty.length === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await new Promise((r) => server.httpServer.close(r));
  }
  process.exit(code);
}
