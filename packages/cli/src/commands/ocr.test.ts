import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { background, composeCard } from '../../../../test/fixtures/id-card/degrade.js';
import { seededRandom } from '../../../../test/fixtures/id-card/identity.js';
import { nodeCanvasKit, specimen } from '../../../../test/fixtures/id-card/node.js';
import { identityFor, renderCard } from '../../../../test/fixtures/id-card/specimen.js';
import { main } from '../main.js';

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

describe('dualrec ocr', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dualrec-ocr-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const c = capture();
    const code = await main(['ocr', ...args, '--assets', ASSETS, '--now', NOW], c.io);
    return { code, ...c.out };
  };

  it('prints the front fields with confidence and validation, exit 0 for a valid number', async () => {
    const s = await specimen(SEED, 'photo-like', 0, 'front');
    const human = await run(s.path);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(s.identity.idNumber);
    expect(human.stdout).toMatch(/idNumber\s+\S+\s+\d+%\s+verified/);
    expect(human.stdout).toContain('ID number validates');
    const json = await run(s.path, '--json', '--side', 'front');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.side).toBe('front');
    expect(result.fields.idNumber.value).toBe(s.identity.idNumber);
    expect(result.idNumberCheck.valid).toBe(true);
    expect(typeof result.fields.name.confidence).toBe('number');
  }, 60_000);

  it('reads the back side (exit 0 when no field is invalid)', async () => {
    const s = await specimen(SEED, 'clean', 1, 'back');
    const r = await run(s.path, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).fields.issuer.value).toBe(s.identity.issuer);
  }, 60_000);

  it('exits 1 when the printed number does not validate', async () => {
    const identity = { ...identityFor(SEED, 4) };
    // Change the check character: a card whose number fails MOD 11-2.
    const last = identity.idNumber.at(-1) === '1' ? '2' : '1';
    identity.idNumber = identity.idNumber.slice(0, 17) + last;
    const card = renderCard(nodeCanvasKit, identity, 'front');
    const scene = background(1600, 1200, seededRandom(1), [52, 56, 62], 0);
    composeCard(scene, card, [
      [200, 221],
      [1400, 221],
      [1400, 978],
      [200, 978],
    ]);
    const file = join(dir, 'bad-number.png');
    await writeFile(file, await nodeCanvasKit.encode(scene, 'png', 0));
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(identity.idNumber);
    expect(r.stdout).toMatch(/does NOT validate \(id-checksum\)/);
  }, 60_000);

  it('exits 2 on a file that is not an image, a missing file and a photo with no card', async () => {
    const text = join(dir, 'note.jpg');
    await writeFile(text, 'hello');
    expect((await run(text)).code).toBe(2);
    expect((await run(join(dir, 'missing.png'))).code).toBe(2);
    const empty = join(dir, 'table.png');
    await writeFile(
      empty,
      await nodeCanvasKit.encode(background(800, 600, seededRandom(2), [70, 60, 50], 8), 'png', 0),
    );
    const r = await run(empty, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ found: false, reason: 'no-card' });
  }, 60_000);

  it('reads with either engine and says which in its result', async () => {
    const s = await specimen(SEED, 'clean', 2, 'front');
    for (const engine of ['paddle', 'tesseract']) {
      const r = await run(s.path, '--json', '--engine', engine);
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.engine.name).toBe(engine === 'paddle' ? 'pp-ocr' : 'tesseract.js');
      expect(result.fields.idNumber.value).toBe(s.identity.idNumber);
    }
    expect((await run(s.path)).stdout).toContain('engine: pp-ocr');
  }, 120_000);

  it('names the missing model file when the assets folder lacks the engine', async () => {
    const c = capture();
    const code = await main(['ocr', 'a.png', '--assets', dir, '--engine', 'paddle'], c.io);
    expect(code).toBe(1);
    expect(c.out.stderr).toMatch(/ASSET_NOT_FOUND[\s\S]*paddleocr[\s\S]*dualrec assets/);
  });

  it('exits 2 on bad usage', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('a.png', '--side', 'top')).code).toBe(2);
    expect((await run('a.png', '--engine', 'gpt')).code).toBe(2);
    const c = capture();
    expect(await main(['ocr', 'a.png', '--now', 'yesterday'], c.io)).toBe(2);
  });
});
