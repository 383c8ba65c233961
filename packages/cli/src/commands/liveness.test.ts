/**
 * `dualrec liveness` and `dualrec pad-eval` end to end: the real analyzer in headless Chromium on
 * the shared fixture clips (one mp4, converted by ffmpeg; two MJPEG camera files made by
 * scripts/make-camera-fixtures.mjs). About 30 s in all: one short clip per decision.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const REPO = resolve(import.meta.dirname, '../../../..');
const ASSETS = resolve(REPO, 'assets-dist');
const MJPEG = resolve(REPO, '.cache/fixtures/mjpeg');
const FIXTURES = resolve(process.env.DUALREC_SHARED_DIR ?? resolve(REPO, '../shared'), 'fixtures');

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

async function run(...args: string[]) {
  const c = capture();
  const code = await main([...args, '--assets', ASSETS], c.io);
  return { code, ...c.out };
}

describe('dualrec liveness / pad-eval', () => {
  let dir: string;
  beforeAll(async () => {
    for (const clip of ['talking-grid-s2', 'photo-attack-grid-s2'])
      if (!existsSync(join(MJPEG, `${clip}.mjpeg`)))
        throw new Error(`${clip}.mjpeg is missing: run "node scripts/make-camera-fixtures.mjs"`);
    dir = await mkdtemp(join(tmpdir(), 'dualrec-liveness-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a real person in an mp4 (converted with ffmpeg) and prints the measurements as JSON', async () => {
    const r = await run('liveness', join(FIXTURES, 'face-video/talking-grid-s2.mp4'), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout);
    expect(result).toMatchObject({ verdict: 'passed', reasons: [], challenges: [] });
    expect(result.passive.live).toBe(true);
    expect(result.frames.oneFace).toBeGreaterThan(20);
    expect(result.analyzer.mode).toBe('worker');
  }, 90_000);

  it('pad-eval: a bona fide clip and a photo-attack species give APCER 0 and BPCER 0', async () => {
    const bona = join(dir, 'bona');
    const attack = join(dir, 'attack');
    await mkdir(bona);
    await mkdir(join(attack, 'printed-photo'), { recursive: true });
    await symlink(join(MJPEG, 'talking-grid-s2.mjpeg'), join(bona, 'talking-grid-s2.mjpeg'));
    await symlink(join(MJPEG, 'photo-attack-grid-s2.mjpeg'), join(attack, 'printed-photo', 'grid-s2.mjpeg'));
    const r = await run('pad-eval', '--bona-fide', bona, '--attack', attack, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      standard: 'ISO/IEC 30107-3',
      mode: 'passive',
      apcer: 0,
      bpcer: 0,
      errors: 0,
    });
    expect(report.apcerBySpecies).toEqual([{ species: 'printed-photo', attacks: 1, accepted: 0, apcer: 0 }]);
    expect(report.trials.map((t: { classifiedAs: string }) => t.classifiedAs)).toEqual([
      'bona-fide',
      'attack',
    ]);
  }, 90_000);

  it('rejects bad usage before starting a browser', async () => {
    const results = await Promise.all([
      run('liveness'),
      run('liveness', 'x.mp4', '--challenges', 'blink,wink'),
      run('liveness', 'x.mp4', '--passive', '--challenges', 'blink'),
      run('pad-eval', '--bona-fide', dir),
      run('pad-eval', '--bona-fide', dir, '--attack', join(dir, 'nope')),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[1]?.stderr).toContain('unknown challenge "wink"');
  });
});
