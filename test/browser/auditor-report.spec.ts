/**
 * `dualrec report` for a sample bundle and for a tampered copy, in zh-CN and in en: the HTML is
 * self-contained (no external resource: checked in the markup and by loading it in Chromium with
 * every request watched), the verdict and its reason are at the top, the tampered one's first
 * reason is the one `dualrec verify` gives, and Chinese text is drawn with a CJK font (on screen
 * and in the PDF Chromium prints). Screenshots of all four go to test-results/screenshots/auditor/
 * (and docs/screenshots/auditor/ with DUALREC_UPDATE_SCREENSHOTS=1).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './test.js';

const repo = resolve(import.meta.dirname, '../..');
const dualrec = (...args: string[]) =>
  spawnSync('node', ['packages/cli/bin/dualrec.js', ...args], { cwd: repo, encoding: 'utf8' });

/** Every src/href/url() in the markup must be a data: URL or an in-page anchor. */
function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/\b(?:src|href|action|poster)\s*=\s*"([^"]*)"/gi))
    if (!/^(data:|#)/.test(m[1] as string)) found.push(m[0]);
  for (const m of html.matchAll(/url\(\s*['"]?([^'")]+)/gi))
    if (!/^data:/.test(m[1] as string)) found.push(m[0]);
  if (/<link\b/i.test(html)) found.push('<link>');
  return found;
}

/** The platform fonts Chromium used to draw an element's text (DevTools CSS.getPlatformFontsForNode). */
async function cjkFontsUsed(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => f.familyName);
  } finally {
    await cdp.detach();
  }
}

async function show(page: Page, baseURL: string, html: string, name: string): Promise<string[]> {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.route(`${baseURL}/${name}`, (route) =>
    route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }),
  );
  await page.goto(`${baseURL}/${name}`);
  await page.waitForLoadState('load');
  const shots = resolve(repo, 'test-results/screenshots/auditor');
  mkdirSync(shots, { recursive: true });
  const png = await page.screenshot({ fullPage: false });
  writeFileSync(join(shots, name.replace('.html', '.png')), png);
  if (process.env.DUALREC_UPDATE_SCREENSHOTS) {
    mkdirSync(resolve(repo, 'docs/screenshots/auditor'), { recursive: true });
    writeFileSync(resolve(repo, 'docs/screenshots/auditor', name.replace('.html', '.png')), png);
  }
  return requests.filter((u) => u !== `${baseURL}/${name}`);
}

test('the audit report: self-contained, verdict first; a tampered bundle shows INVALID with its reason at the top', async ({
  page,
  baseURL,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'dualrec-report-'));
  try {
    expect(dualrec('keygen', '--out', join(dir, 'keys')).status).toBe(0);
    const bundle = join(dir, 'sample.zip');
    expect(dualrec('sample', '--keys', join(dir, 'keys'), '--out', bundle, '--seconds', '3').status).toBe(0);
    const tampered = join(dir, 'tampered.zip');
    const bytes = readFileSync(bundle);
    bytes[400] = (bytes[400] as number) ^ 0x55;
    writeFileSync(tampered, bytes);
    for (const lang of ['zh-CN', 'en']) {
      const good = dualrec(
        'report',
        bundle,
        '--keys',
        join(dir, 'keys'),
        '--lang',
        lang,
        '--tz',
        'Asia/Shanghai',
        '--out',
        join(dir, `good.${lang}.html`),
      );
      expect(good.status, good.stderr).toBe(0);
      expect(good.stdout).toContain('VALID');
      const bad = dualrec(
        'report',
        tampered,
        '--keys',
        join(dir, 'keys'),
        '--lang',
        lang,
        '--tz',
        'Asia/Shanghai',
        '--out',
        join(dir, `bad.${lang}.html`),
      );
      expect(bad.status).toBe(1);
    }
    // The reason the report puts first must be the one `dualrec verify --keys` puts first (with
    // the decryption key, a flipped byte in a sealed record surfaces as RECORD_AUTH_FAILED).
    const cli = dualrec('verify', tampered, '--keys', join(dir, 'keys'), '--json');
    expect(cli.status).toBe(1);
    const firstReason = (JSON.parse(cli.stdout) as { reasons: { code: string }[] }).reasons[0]?.code;
    expect(firstReason).toMatch(/^[A-Z_]+$/);

    for (const [name, file, valid, lang] of [
      ['auditor-report-valid.zh-CN.html', join(dir, 'good.zh-CN.html'), true, 'zh-CN'],
      ['auditor-report-tampered.zh-CN.html', join(dir, 'bad.zh-CN.html'), false, 'zh-CN'],
      ['auditor-report-valid.en.html', join(dir, 'good.en.html'), true, 'en'],
      ['auditor-report-tampered.en.html', join(dir, 'bad.en.html'), false, 'en'],
    ] as const) {
      const html = readFileSync(file, 'utf8');
      expect(externalReferences(html), name).toEqual([]);
      expect(html).toMatch(
        /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;|<meta http-equiv="Content-Security-Policy" content="default-src 'none'/,
      );
      const others = await show(page, baseURL as string, html, name);
      expect(others, name).toEqual([]);
      // The verdict is the first thing after the title, and says which way it went.
      const verdict = page.locator('#verdict');
      await expect(verdict).toHaveAttribute('data-valid', String(valid));
      const box = await verdict.boundingBox();
      expect(box?.y ?? 999).toBeLessThan(300);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      if (!valid) {
        await expect(verdict).toContainText(lang === 'zh-CN' ? '无效' : 'INVALID');
        await expect(verdict.locator('li').first()).toHaveAttribute('data-code', firstReason as string);
        await expect(verdict.locator('li').first()).toContainText(firstReason as string);
      } else {
        await expect(verdict).toContainText(lang === 'zh-CN' ? '有效' : 'VALID');
        // Opened with the lender key: the decrypted OCR fields of the sample are in the report.
        await expect(page.locator('body')).toContainText('11010519491231002X');
      }
      if (lang === 'zh-CN') {
        // The heading is drawn with a font that has Chinese glyphs (not a fallback box), and the
        // printed PDF embeds a CJK font: "Print to PDF" keeps the text.
        const fonts = await cjkFontsUsed(page, '#verdict');
        expect(
          fonts.some((f) => /CJK|SC|Hei|Han|PingFang|YaHei|Droid/i.test(f)),
          fonts.join(),
        ).toBe(true);
        const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
        expect(pdf).toMatch(/\/FontName\s*\/[A-Z]{6}\+[^\s/]*(CJK|SC|Hei|Han|Droid)/);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
