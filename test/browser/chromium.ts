/**
 * How every browser test launches Chromium: Debian's /usr/bin/chromium (a downloaded Playwright
 * browser cannot be installed on our machines), with a fake camera and microphone fed from the
 * shared fixtures, and with Chromium's own background traffic switched off so that every request
 * a test sees came from the page.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SHARED_DIR = process.env.DUALREC_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');
export const FIXTURES_DIR = resolve(SHARED_DIR, 'fixtures');
export const CAMERA_CACHE_DIR = resolve(REPO_ROOT, '.cache/fixtures/mjpeg');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function cameraFile(clip: string): string {
  const file = resolve(CAMERA_CACHE_DIR, `${clip}.mjpeg`);
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: run "node scripts/make-camera-fixtures.mjs" (pnpm test does it for you)`,
    );
  }
  return file;
}

export function microphoneFile(relative: string): string {
  return resolve(FIXTURES_DIR, relative);
}

export interface FakeMedia {
  /** A clip name made by the fixtures' make-y4m.sh (MJPEG), e.g. "blink-webcam". */
  camera: string;
  /** A wav path under shared/fixtures, e.g. "face-video/talking-grid-s2.wav". */
  microphone: string;
}

export function chromiumArgs(media: FakeMedia): string[] {
  return [
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-domain-reliability',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${cameraFile(media.camera)}`,
    `--use-file-for-fake-audio-capture=${microphoneFile(media.microphone)}`,
  ];
}
