import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { background, composeCard } from '../../../../test/fixtures/id-card/degrade.js';
import { dottedDate, seededRandom } from '../../../../test/fixtures/id-card/identity.js';
import { nodeCanvasKit, specimen } from '../../../../test/fixtures/id-card/node.js';
import { identityFor, renderCard } from '../../../../test/fixtures/id-card/specimen.js';
import { main } from '../main.js';
import type { EvalSummary } from './ocr-eval.js';

const ASSETS = resolve(import.meta.dirname, '../../../../assets-dist');
const SEED = 20261123;
const NOW = '2026-05-01T04:00:00Z';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

describe('dualrec ocr-eval', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dualrec-ocr-eval-'));
    const truth: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await specimen(SEED, 'photo-like', i, 'front');
      const id = s.identity;
      await copyFile(s.path, join(dir, `front-${i}.jpg`));
      truth.push({
        file: `front-${i}.jpg`,
        side: 'front',
        name: id.name,
        sex: id.sex,
        ethnicity: id.ethnicity,
        birth: dottedDate(id.birthDate).replaceAll('.', '-'),
        address: id.addressLines.join(''),
        id: id.idNumber,
      });
    }
    const back = await specimen(SEED, 'clean', 0, 'back');
    await copyFile(back.path, join(dir, 'back-0.png'));
    const until = back.identity.validUntil;
    truth.push({
      file: 'back-0.png',
      side: 'back',
      issuer: back.identity.issuer,
      validity: `${dottedDate(back.identity.validFrom)}-${until === '长期' ? until : dottedDate(until)}`,
    });
    // A truth entry that is wrong on purpose: the evaluation must count it as a miss.
    truth.push({ ...(truth[0] as object), file: 'front-0-mislabelled.jpg', name: '不是这个人' });
    await copyFile(join(dir, 'front-0.jpg'), join(dir, 'front-0-mislabelled.jpg'));
    await writeFile(join(dir, 'truth.json'), JSON.stringify(truth));
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const c = capture();
    const code = await main(['ocr-eval', ...args, '--assets', ASSETS, '--now', NOW], c.io);
    return { code, ...c.out };
  };

  it('scores every field against truth.json, counts misses and times the reads', async () => {
    const r = await run(dir, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as EvalSummary;
    expect(s).toMatchObject({ engine: 'paddle', cards: 4, wrongNumberReportedValid: 0, notFound: 0 });
    expect(s.fields.id).toEqual({ exact: 3, scored: 3, rate: 1 });
    expect(s.fields.name).toMatchObject({ scored: 3, exact: 2 });
    expect(s.misses).toContainEqual(
      expect.objectContaining({ file: 'front-0-mislabelled.jpg', field: 'name', expected: '不是这个人' }),
    );
    expect(s.fields.issuer).toEqual({ exact: 1, scored: 1, rate: 1 });
    expect(s.fields.validity).toEqual({ exact: 1, scored: 1, rate: 1 });
    expect(s.medianMs).toBeGreaterThan(0);
    expect(s.p95Ms).toBeGreaterThanOrEqual(s.medianMs);
    const human = await run(dir, '--engine', 'tesseract');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/engine tesseract, 4 cards/);
    expect(human.stdout).toMatch(/id\s+100\.0%\s+\(3\/3\)/);
    expect(human.stdout).toContain('wrong number reported valid: 0');
  }, 180_000);

  it('exits 1 when a wrong number is reported valid', async () => {
    // A card printed with another person's valid number than the truth says.
    const wrongDir = await mkdtemp(join(tmpdir(), 'dualrec-ocr-eval-wrong-'));
    try {
      const printed = identityFor(SEED, 7);
      const scene = background(1600, 1200, seededRandom(3), [52, 56, 62], 0);
      composeCard(scene, renderCard(nodeCanvasKit, printed, 'front'), [
        [200, 221],
        [1400, 221],
        [1400, 978],
        [200, 978],
      ]);
      await writeFile(join(wrongDir, 'card.png'), await nodeCanvasKit.encode(scene, 'png', 0));
      await writeFile(
        join(wrongDir, 'truth.json'),
        JSON.stringify([{ file: 'card.png', side: 'front', id: identityFor(SEED, 8).idNumber }]),
      );
      const r = await run(wrongDir);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('wrong number reported valid: 1');
    } finally {
      await rm(wrongDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('exits 2 on a missing or malformed truth.json', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'dualrec-ocr-eval-empty-'));
    try {
      expect((await run(empty)).code).toBe(2);
      await writeFile(join(empty, 'truth.json'), '{"file": 1}');
      expect((await run(empty)).code).toBe(2);
      await writeFile(join(empty, 'truth.json'), JSON.stringify([{ file: '../etc/passwd', side: 'front' }]));
      expect((await run(empty)).code).toBe(2);
      expect((await run()).code).toBe(2);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
