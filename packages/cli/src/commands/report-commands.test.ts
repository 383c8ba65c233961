/** `dualrec verify FOLDER` (the nightly compliance job) and `dualrec report`. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_MESSAGES } from '@dualrec/report';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { englishLeft } from '../../../../test/unit/report-words.js';
import { main } from '../main.js';

async function run(...argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await main(argv, {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  });
  return { code, ...out };
}

let dir: string;
let keys: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualrec-report-cli-'));
  keys = join(dir, 'keys');
  expect((await run('keygen', '--out', keys)).code).toBe(0);
  await mkdir(join(dir, 'bundles', '2026-11'), { recursive: true });
  for (const name of ['a', 'b', 'c'])
    expect(
      (
        await run(
          'sample',
          '--keys',
          keys,
          '--out',
          join(dir, 'bundles', '2026-11', `${name}.zip`),
          '--seconds',
          '2',
        )
      ).code,
    ).toBe(0);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dualrec verify FOLDER', () => {
  it('all valid: exit 0, a summary with the throughput; --json lists every verdict', async () => {
    const text = await run('verify', join(dir, 'bundles'), '--keys', keys);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /3 bundle\(s\): 3 valid, 0 invalid — [\d.]+ s, [\d.]+ bundles\/s, [\d.]+ MB\/s/,
    );
    const json = JSON.parse((await run('verify', join(dir, 'bundles'), '--keys', keys, '--json')).stdout);
    expect(json).toMatchObject({ total: 3, valid: 3, invalid: 0 });
    expect(json.results.map((r: { file: string }) => r.file)).toEqual([
      '2026-11/a.zip',
      '2026-11/b.zip',
      '2026-11/c.zip',
    ]);
    expect(json.bundlesPerSecond).toBeGreaterThan(0);
  });

  it('one tampered bundle among them: exit 1 and it is named with its reason', async () => {
    const bytes = await readFile(join(dir, 'bundles', '2026-11', 'b.zip'));
    bytes[300] = (bytes[300] as number) ^ 0xff;
    await mkdir(join(dir, 'mixed'), { recursive: true });
    await writeFile(join(dir, 'mixed', 'b-tampered.zip'), bytes);
    await writeFile(join(dir, 'mixed', 'a.zip'), await readFile(join(dir, 'bundles', '2026-11', 'a.zip')));
    const text = await run('verify', join(dir, 'mixed'), '--keys', keys);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/INVALID\s+b-tampered\.zip\s+\S+/);
    expect(text.stdout).toContain('2 bundle(s): 1 valid, 1 invalid');
  });
});

describe('dualrec report', () => {
  it('writes a self-contained report (exit 0 valid, 1 invalid); bad usage exits 2', async () => {
    const out = join(dir, 'a.report.html');
    const ok = await run('report', join(dir, 'bundles', '2026-11', 'a.zip'), '--keys', keys, '--out', out);
    expect(ok.code, ok.stderr).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('id="verdict"');
    expect(html).toContain('default-src &#39;none&#39;');
    expect(html).not.toMatch(/\b(src|href)="https?:/);
    const bad = await run(
      'report',
      join(dir, 'mixed', 'b-tampered.zip'),
      '--keys',
      keys,
      '--out',
      join(dir, 'bad.html'),
    );
    expect(bad.code).toBe(1);
    expect(await readFile(join(dir, 'bad.html'), 'utf8')).toContain('id="verdict" data-valid="false"');
    expect((await run('report', join(dir, 'bundles', '2026-11', 'a.zip'))).code).toBe(2);
  });
});

/** The verdict section's reasons, in order: [code, text shown]. */
function verdictReasons(html: string): [string, string][] {
  const verdict = html.slice(html.indexOf('id="verdict"'), html.indexOf('</section>'));
  return [...verdict.matchAll(/<li data-code="([A-Z_]+)">([^<]*)</g)].map((m) => [
    m[1] as string,
    m[2] as string,
  ]);
}

describe('dualrec report --lang zh-CN|en', () => {
  let tampered: string;
  let firstReason: string;
  beforeAll(async () => {
    const bytes = await readFile(join(dir, 'bundles', '2026-11', 'c.zip'));
    bytes[300] = (bytes[300] as number) ^ 0xff;
    tampered = join(dir, 'c-tampered.zip');
    await writeFile(tampered, bytes);
    const verified = await run('verify', tampered, '--keys', keys, '--json');
    expect(verified.code).toBe(1);
    firstReason = (JSON.parse(verified.stdout) as { reasons: { code: string }[] }).reasons[0]?.code as string;
    expect(firstReason).toMatch(/^[A-Z_]+$/);
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`${lang}: a valid and a tampered bundle, the first reason the one dualrec verify gives`, async () => {
      const good = join(dir, `good.${lang}.html`);
      expect(
        (
          await run(
            'report',
            join(dir, 'bundles', '2026-11', 'c.zip'),
            '--keys',
            keys,
            '--lang',
            lang,
            '--out',
            good,
          )
        ).code,
      ).toBe(0);
      const goodHtml = await readFile(good, 'utf8');
      expect(goodHtml).toContain(`<html lang="${lang}">`);
      expect(goodHtml).toContain('id="verdict" data-valid="true"');
      expect(goodHtml).toContain(REPORT_MESSAGES[lang]['verdict.valid']);
      expect(goodHtml).toContain(REPORT_MESSAGES[lang]['section.timeline']);
      // No raw JSON of the payloads: the sample's challenges are words with their codes.
      expect(goodHtml).not.toContain('["blink"');
      expect(goodHtml).toContain(
        lang === 'zh-CN' ? '眨眼（blink）、转头（turn-head）' : 'blink, turn head (turn-head)',
      );

      const bad = join(dir, `bad.${lang}.html`);
      const result = await run('report', tampered, '--keys', keys, '--lang', lang, '--out', bad);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`INVALID — ${firstReason}`);
      const badHtml = await readFile(bad, 'utf8');
      expect(badHtml).toContain('id="verdict" data-valid="false"');
      expect(badHtml).toContain(REPORT_MESSAGES[lang]['verdict.invalid']);
      const [first] = verdictReasons(badHtml);
      expect(first?.[0]).toBe(firstReason);
      expect(first?.[1]).toContain(
        `${REPORT_MESSAGES[lang][`reason.${firstReason}` as keyof (typeof REPORT_MESSAGES)['en']]}${lang === 'zh-CN' ? '（' : ' ('}${firstReason}`,
      );
      expect(badHtml).not.toMatch(/\b(src|href)="https?:/);
    });
  }

  it('zh-CN: no English wording left, only codes and names (valid and tampered)', async () => {
    for (const file of ['good.zh-CN.html', 'bad.zh-CN.html']) {
      const html = await readFile(join(dir, file), 'utf8');
      expect(englishLeft(html), file).toEqual([]);
    }
    // Each reason says how the check failed in Chinese; the verifier's English sits folded away.
    const bad = await readFile(join(dir, 'bad.zh-CN.html'), 'utf8');
    const items = [...bad.matchAll(/<li data-code="[A-Z_]+">[\s\S]*?<\/li>/g)].map((m) => m[0]);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item).toMatch(/<span class="why">[^<]*[\u4e00-\u9fff][^<]*<\/span>/);
      expect(item).toMatch(/<details class="technical"><summary>[^<]*[\u4e00-\u9fff]/);
    }
    // The check itself finds English: the en report is full of it.
    expect(englishLeft(await readFile(join(dir, 'good.en.html'), 'utf8'))).toEqual(
      expect.arrayContaining(['Checks', 'Timeline']),
    );
  });

  it('defaults to zh-CN (the sample records no language); dates in --tz with the offset shown', async () => {
    const out = join(dir, 'default.html');
    expect(
      (
        await run(
          'report',
          join(dir, 'bundles', '2026-11', 'c.zip'),
          '--keys',
          keys,
          '--tz',
          'Asia/Shanghai',
          '--out',
          out,
        )
      ).code,
    ).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('Asia/Shanghai');
    expect(html).toMatch(/由 dualrec 于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00 生成/);
    // Print CSS names CJK system fonts, so "Print to PDF" keeps the Chinese text.
    expect(html).toMatch(/@media print \{[^}]*"Noto Sans CJK SC"[^}]*"PingFang SC"[^}]*"Microsoft YaHei"/);
  });

  it('--messages: the lender’s wording; a bad file, --lang or --tz exits 2', async () => {
    const wording = join(dir, 'wording.json');
    await writeFile(wording, JSON.stringify({ 'zh-CN': { 'section.timeline': '事件时间线（示例机构）' } }));
    const out = join(dir, 'worded.html');
    expect(
      (
        await run(
          'report',
          join(dir, 'bundles', '2026-11', 'c.zip'),
          '--keys',
          keys,
          '--messages',
          wording,
          '--out',
          out,
        )
      ).code,
    ).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('<h2>事件时间线（示例机构）</h2>');
    const badWording = join(dir, 'bad-wording.json');
    await writeFile(badWording, JSON.stringify({ 'zh-CN': { 'report.title': '没有占位符' } }));
    const refused = await run(
      'report',
      join(dir, 'bundles', '2026-11', 'c.zip'),
      '--keys',
      keys,
      '--messages',
      badWording,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('{id}');
    const c = join(dir, 'bundles', '2026-11', 'c.zip');
    expect((await run('report', c, '--keys', keys, '--lang', 'fr')).code).toBe(2);
    expect((await run('report', c, '--keys', keys, '--tz', 'Mars/Olympus')).code).toBe(2);
  });
});
