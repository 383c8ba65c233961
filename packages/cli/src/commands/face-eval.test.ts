import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { operatingPoints } from './face-eval.js';

const REPO = resolve(import.meta.dirname, '../../../..');
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

describe('operatingPoints', () => {
  it('puts the threshold just above the impostor score that must be rejected', () => {
    const impostor = Array.from({ length: 200 }, (_, i) => i / 200); // 0 … 0.995
    const genuine = [0.5, 0.9, 0.99, 0.999];
    const [one, tenth] = operatingPoints(genuine, impostor, [0.01, 0.001]);
    // 1 % of 200 = 2 impostors may pass (0.995, 0.99): the third highest, 0.985, must not.
    expect(one?.falseAccepts).toBe(2);
    expect(one?.threshold).toBeGreaterThan(0.985);
    expect(one?.threshold).toBeLessThan(0.99);
    expect(one?.tar).toBe(0.5);
    // 0.1 % of 200 < 1: no impostor may pass.
    expect(tenth?.falseAccepts).toBe(0);
    expect(tenth?.threshold).toBeGreaterThan(0.995);
    expect(tenth?.tar).toBe(0.25);
  });
});

describe('dualrec face-eval', () => {
  let dir: string;
  beforeAll(async () => {
    // Two people from the shared fixtures (stills made from their videos), one impostor-only folder.
    dir = await mkdtemp(join(tmpdir(), 'dualrec-face-eval-'));
    const frame = (video: string, t: number, out: string) =>
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-ss',
        String(t),
        '-i',
        join(FIXTURES, video),
        '-frames:v',
        '1',
        out,
      ]);
    await mkdir(join(dir, 'grid_s2'));
    await mkdir(join(dir, 'glasses'));
    await mkdir(join(dir, 'single_astronaut'));
    frame('face-video/talking-grid-s2.mp4', 1, join(dir, 'grid_s2', 'a.jpg'));
    frame('face-video/talking-grid-s2.mp4', 4, join(dir, 'grid_s2', 'b.jpg'));
    frame('face-video/blink-webcam.mp4', 1, join(dir, 'glasses', 'a.jpg'));
    frame('face-video/blink-webcam.mp4', 7, join(dir, 'glasses', 'b.jpg'));
    await copyFile(join(FIXTURES, 'face-still/astronaut.png'), join(dir, 'single_astronaut', 'a.png'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts genuine and impostor pairs and reports operating points as JSON', async () => {
    const { out, io } = capture();
    expect(await main(['face-eval', dir, '--json'], io)).toBe(0);
    const summary = JSON.parse(out.stdout);
    expect(summary.photos).toBe(5);
    expect(summary.genuinePairs).toBe(2);
    expect(summary.impostorPairs).toBe(8);
    expect(summary.operatingPoints.map((p: { far: number }) => p.far)).toEqual([0.01, 0.001]);
    for (const p of summary.operatingPoints) {
      expect(p.tar).toBe(1);
      expect(p.falseAccepts).toBe(0);
    }
    expect(summary.genuine.min).toBeGreaterThan(summary.impostor.max);
    expect(summary.msPerFace.median).toBeGreaterThan(0);
  }, 120_000);

  it('with --reference id-portrait compares an ID-portrait-style crop with the other photo', async () => {
    const { out, io } = capture();
    expect(await main(['face-eval', dir, '--json', '--reference', 'id-portrait'], io)).toBe(0);
    const summary = JSON.parse(out.stdout);
    expect(summary.reference).toBe('id-portrait');
    // Ordered pairs now: each side of a pair is the portrait once.
    expect(summary.genuinePairs).toBe(4);
    expect(summary.impostorPairs).toBe(16);
    expect(summary.genuine.min).toBeGreaterThan(summary.impostor.max);
  }, 120_000);

  it('refuses an unknown --reference', async () => {
    const { io } = capture();
    expect(await main(['face-eval', dir, '--reference', 'passport'], io)).toBe(2);
  });
});
