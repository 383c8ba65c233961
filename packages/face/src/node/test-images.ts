/**
 * Test images for the matcher's node tests: video frames and stills from `../shared/fixtures`,
 * decoded by ffmpeg into RGBA (PPM over a pipe, so no codec dependency). Not exported.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { RgbaImage } from '../matcher/image.js';

const REPO = resolve(import.meta.dirname, '../../../..');
export const FIXTURES = resolve(process.env.DUALREC_SHARED_DIR ?? resolve(REPO, '../shared'), 'fixtures');

function parsePpm(bytes: Buffer): RgbaImage {
  // "P6\n<w> <h>\n255\n" then RGB bytes.
  const header = bytes.subarray(0, 32).toString('latin1');
  const match = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(header);
  if (!match) throw new Error('ffmpeg did not return a PPM image');
  const width = Number(match[1]);
  const height = Number(match[2]);
  const offset = (match[0] as string).length;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = bytes[offset + i * 3] as number;
    data[i * 4 + 1] = bytes[offset + i * 3 + 1] as number;
    data[i * 4 + 2] = bytes[offset + i * 3 + 2] as number;
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** One frame of a fixture video at `seconds`, or a still (omit `seconds`). */
export function fixtureImage(file: string, seconds?: number): RgbaImage {
  const args = [
    '-v',
    'error',
    ...(seconds === undefined ? [] : ['-ss', String(seconds)]),
    '-i',
    resolve(FIXTURES, file),
  ];
  const out = execFileSync('ffmpeg', [...args, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'ppm', '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return parsePpm(out);
}
