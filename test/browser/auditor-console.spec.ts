/**
 * The auditor console, built as it ships (examples/auditor-console, with its CSP), verifies a
 * sample bundle in a Web Worker with the key files given through the file input and shows the
 * same verdict as `dualrec verify` — for a valid and for a tampered bundle — and the decrypted
 * report in its frame. No request leaves the page's origin; the page itself forbids connections.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { bytesSource, SIGNATURE_FILE, ZipArchive } from '@dualrec/evidence';
import { LocalTsa } from '@dualrec/server';
import type { Page } from '@playwright/test';
import { expect, test } from './test.js';

const repo = resolve(import.meta.dirname, '../..');
const dualrec = (...args: string[]) =>
  spawnSync('node', ['packages/cli/bin/dualrec.js', ...args], { cwd: repo, encoding: 'utf8' });
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** The report's time-stamp check row text (the CLI's HTML, or the console's frame). */
function timestampRow(html: string): string {
  const row = /<tr data-check="timestamp"[^>]*>.*?<th scope="row">[^<]*<\/th><td>([^<]*)/.exec(html);
  return row?.[1] ?? 'no row';
}

/** The console as it is on screen, to test-results/ (and docs/ with DUALREC_UPDATE_SCREENSHOTS=1). */
async function screenshot(page: Page, name: string): Promise<void> {
  await expect(page.frameLocator('#report').locator('h1')).toBeVisible();
  const png = await page.screenshot({ fullPage: false });
  const shots = resolve(repo, 'test-results/screenshots/auditor');
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(shots, name), png);
  if (process.env.DUALREC_UPDATE_SCREENSHOTS)
    writeFileSync(resolve(repo, 'docs/screenshots/auditor', name), png);
}

/** A token over the bundle's signature file, as the lender server stores it beside the bundle. */
async function stamp(tsa: LocalTsa, bundle: string, out: string): Promise<void> {
  const archive = await ZipArchive.open(bytesSource(new Uint8Array(readFileSync(bundle))));
  const entry = archive.get(SIGNATURE_FILE);
  if (!entry) throw new Error('no signature');
  writeFileSync(out, (await tsa.stamp(await archive.read(entry, 65536))).token);
}

// The auditor's browser in China: the report's dates in Asia/Shanghai with their offset.
test.use({ timezoneId: 'Asia/Shanghai' });

test('the console verifies in the browser with the uploaded key files and agrees with the CLI', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const out = resolve(repo, `.cache/auditor-console-${process.env.DUALREC_TEST_PORT ?? 5178}`);
  const build = spawnSync(
    'pnpm',
    ['exec', 'vite', 'build', '-c', 'examples/auditor-console/vite.config.ts', '--outDir', out],
    {
      cwd: repo,
      encoding: 'utf8',
    },
  );
  expect(build.status, build.stderr).toBe(0);
  await page.route(`${baseURL}/auditor/**`, async (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/auditor\/?/, '') || 'index.html';
    const file = join(out, path);
    if (!file.startsWith(out) || !existsSync(file)) return route.fulfill({ status: 404 });
    await route.fulfill({
      body: readFileSync(file),
      contentType: TYPES[extname(file)] ?? 'application/octet-stream',
    });
  });

  const dir = mkdtempSync(join(tmpdir(), 'dualrec-console-'));
  try {
    const keys = join(dir, 'keys');
    expect(dualrec('keygen', '--out', keys).status).toBe(0);
    const bundle = join(dir, 'sample.zip');
    expect(dualrec('sample', '--keys', keys, '--out', bundle, '--seconds', '3').status).toBe(0);
    const tampered = join(dir, 'tampered.zip');
    const bytes = readFileSync(bundle);
    bytes[500] = (bytes[500] as number) ^ 0x0f;
    writeFileSync(tampered, bytes);

    // An auditor's desktop, not a phone: the screenshots show the console with its report.
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`${baseURL}/auditor/`);
    // zh-CN by default: the console's own words and the report in the frame.
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.locator('h1')).toHaveText('dualrec 审计控制台');
    await expect(page.locator('#verify')).toHaveText('核验并显示报告');
    // The file pickers in the console's words, not the browser's ("Choose File").
    await expect(page.locator('.picker').first()).toContainText('选择文件');
    await expect(page.locator('.picker').first()).toContainText('未选择文件');
    // A failure in the console's language too, and re-worded by the switch.
    await page.locator('#bundle').setInputFiles(bundle);
    await page.locator('#verify').click();
    await expect(page.locator('#status')).toHaveText(
      '无法核验：所选文件中没有票据签名密钥（ticket-signing.public.jwk）',
    );
    await page.locator('#lang').selectOption('en');
    await expect(page.locator('#status')).toHaveText(
      'Could not verify: no ticket-signing key among the files (ticket-signing.public.jwk)',
    );
    await page.locator('#lang').selectOption('zh-CN');
    await page
      .locator('#keys')
      .setInputFiles([join(keys, 'ticket-signing.public.jwk'), join(keys, 'encryption.private.jwk')]);
    for (const file of [bundle, tampered]) {
      const cli = JSON.parse(dualrec('verify', file, '--keys', keys, '--json').stdout) as {
        valid: boolean;
        reasons: { code: string }[];
      };
      await page.locator('#bundle').setInputFiles(file);
      await page.locator('#verify').click();
      const summary = page.locator('#verdict-summary');
      await expect(summary).toBeVisible({ timeout: 60_000 });
      await expect(summary).toHaveAttribute('data-valid', String(cli.valid));
      const report = page.frameLocator('#report');
      await expect(report.locator('html')).toHaveAttribute('lang', 'zh-CN');
      await expect(report.locator('header')).toContainText('Asia/Shanghai');
      await expect(report.locator('header')).toContainText('UTC+08:00');
      if (cli.valid) {
        await expect(summary).toHaveText('有效');
        // Decrypted in the worker: the sample's sealed OCR fields are in the report.
        await expect(report.locator('body')).toContainText('11010519491231002X');
        await expect(report.locator('#verdict')).toHaveAttribute('data-valid', 'true');
        await expect(report.locator('#verdict')).toContainText('有效');
      } else {
        // The same first reason as the CLI (both verify with the decryption key), in words and code.
        const code = cli.reasons[0]?.code ?? 'missing';
        await expect(summary).toHaveAttribute('data-code', code);
        await expect(summary).toContainText(`无效 — `);
        await expect(summary).toContainText(`（${code}）`);
        await expect(report.locator('#verdict li').first()).toHaveAttribute('data-code', code);
        await screenshot(page, 'auditor-console-tampered.zh-CN.png');
        // The language switch: the console and the report in the frame, without verifying again.
        await page.locator('#lang').selectOption('en');
        await expect(page.locator('html')).toHaveAttribute('lang', 'en');
        await expect(page.locator('#verify')).toHaveText('Verify and show the report');
        await expect(report.locator('html')).toHaveAttribute('lang', 'en');
        await expect(summary).toContainText(`INVALID — `);
        await expect(summary).toContainText(`(${code})`);
        await expect(report.locator('#verdict li').first()).toHaveAttribute('data-code', code);
        await screenshot(page, 'auditor-console-tampered.en.png');
        await page.locator('#lang').selectOption('zh-CN');
        await expect(report.locator('html')).toHaveAttribute('lang', 'zh-CN');
      }
    }
    // The time-stamp rows below are compared with the CLI's English report.
    await page.locator('#lang').selectOption('en');

    // The RFC 3161 token beside the bundle, checked in the worker (pkijs) against the TSA
    // certificate: the same row as `dualrec report --tsa-cert` (OpenSSL). Another bundle's token
    // is INVALID in both.
    const tsa = await LocalTsa.open(join(dir, 'tsa'));
    const other = join(dir, 'other.zip');
    expect(dualrec('sample', '--keys', keys, '--out', other, '--seconds', '1').status).toBe(0);
    await stamp(tsa, bundle, join(dir, 'sample.tsr'));
    await stamp(tsa, other, join(dir, 'other.tsr'));
    for (const [token, level] of [
      [join(dir, 'sample.tsr'), /token verified/],
      [join(dir, 'other.tsr'), /INVALID/],
    ] as const) {
      const report = join(dir, 'cli-report.html');
      dualrec(
        'report',
        bundle,
        '--keys',
        keys,
        '--lang',
        'en',
        '--tz',
        'Asia/Shanghai',
        '--tsr',
        token,
        '--tsa-cert',
        tsa.certificatePath,
        '--out',
        report,
      );
      const cliRow = timestampRow(readFileSync(report, 'utf8'));
      expect(cliRow).toMatch(level);
      await page.locator('#bundle').setInputFiles(bundle);
      await page.locator('#timestamp').setInputFiles([token, tsa.certificatePath]);
      await page.locator('#verify').click();
      const row = page
        .frameLocator('#report')
        .locator('tr', { has: page.locator('th', { hasText: 'RFC 3161 time-stamp' }) })
        .locator('td')
        .last();
      await expect(row).toHaveText(level, { timeout: 60_000 });
      if (level.source === 'token verified') await expect(row).toHaveText(cliRow);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
