#!/usr/bin/env node
// Makes the fake-camera files the browser tests use, with the shared fixtures' own script, into
// the ignored .cache/ folder. MJPEG (about 10x smaller than y4m; Chromium plays it at 30 fps) keeps
// a fresh run fast: all six clips take about 4 s and 32 MB. A second run does nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const shared = process.env.DUALREC_SHARED_DIR ?? resolve(repo, '../shared');
const script = resolve(shared, 'fixtures/make-y4m.sh');
const out = resolve(repo, '.cache/fixtures/mjpeg');
const CLIPS = [
  'blink-webcam',
  'talking-selfie',
  'head-move-webcam',
  'talking-grid-s2',
  'photo-attack-astronaut',
  'photo-attack-grid-s2',
];

if (CLIPS.every((clip) => existsSync(resolve(out, `${clip}.mjpeg`)))) process.exit(0);
if (!existsSync(script)) {
  console.error(
    `${script} not found: the shared fixtures must sit beside the repository (or set DUALREC_SHARED_DIR).`,
  );
  process.exit(1);
}
mkdirSync(out, { recursive: true });
const result = spawnSync('sh', [script, out], {
  env: { ...process.env, FORMAT: 'mjpeg' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (result.status !== 0) {
  console.error('making the camera fixtures failed (is ffmpeg installed? ./run setup installs it)');
  process.exit(result.status ?? 1);
}
