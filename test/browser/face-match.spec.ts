import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from './test.js';

const FIXTURES = resolve(
  process.env.DUALREC_SHARED_DIR ?? resolve(import.meta.dirname, '../../../shared'),
  'fixtures',
);
const still = (name: string) => readFileSync(resolve(FIXTURES, 'face-still', name)).toString('base64');

test.beforeEach(async ({ page }) => {
  await page.goto('/face-match.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
});

for (const worker of ['auto', 'off'] as const) {
  test(`matches grid-s2-portrait.png against its own person and not another (worker ${worker})`, async ({
    page,
    guard,
  }) => {
    const started = await page.evaluate((w) => window.facePage.start(w), worker);
    expect(started.mode).toBe(worker === 'auto' ? 'worker' : 'main-thread');
    expect(started.backend).toBe('wasm');
    await page.evaluate((b) => window.facePage.reference(b), still('grid-s2-portrait.png'));
    const same = await page.evaluate((b) => window.facePage.compare(b), still('grid-s2-frame.png'));
    expect(same.decision, `score ${same.score}`).toBe('match');
    const other = await page.evaluate((b) => window.facePage.compare(b), still('astronaut.png'));
    expect(other.decision, `score ${other.score}`).toBe('no-match');
    expect(other.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.evaluate(() => window.facePage.blank())).toMatchObject({
      code: 'FACE_MATCH_NO_FACE',
      context: { role: 'reference' },
    });
    await page.evaluate(() => window.facePage.close());
    console.log(
      `face-match (${worker}): ready ${Math.round(started.readyMs)} ms, same ${same.score.toFixed(3)} in ${Math.round(same.ms)} ms, other ${other.score.toFixed(3)}`,
    );
    const files = guard.seen.filter((u) => u.includes('/dualrec-assets/'));
    for (const f of [
      'face-match/faceres.bin',
      'face-match/mobileface.bin',
      'face-match/blazeface.bin',
      'face-match/facemesh.bin',
    ])
      expect(
        files.some((u) => u.endsWith(f)),
        f,
      ).toBe(true);
    expect(files.some((u) => /tfjs-wasm\/tfjs-backend-wasm(-simd)?\.wasm$/.test(u))).toBe(true);
  });
}
