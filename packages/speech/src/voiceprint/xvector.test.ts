import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosine, kaldiMfcc, loadXVectorExtractor, slidingCmn } from './xvector.js';

const repo = resolve(import.meta.dirname, '../../../..');
const MODEL = process.env.DUALREC_VOSK_SPK_DIR ?? resolve(repo, 'assets-dist/voiceprint/vosk-model-spk-0.4');
const SPEAKERS = resolve(process.env.DUALREC_SHARED_DIR ?? resolve(repo, '../shared'), 'fixtures/speakers');

function readWav(file: string): { samples: Float32Array; rate: number } {
  const b = readFileSync(file);
  let at = 12;
  let rate = 0;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') rate = b.readUInt32LE(at + 12);
    if (id === 'data') {
      const n = size / 2;
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = b.readInt16LE(at + 8 + 2 * i) / 32768;
      return { samples, rate };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

describe('kaldiMfcc', () => {
  it('gives one frame per 10 ms (snip edges) and energy in c0 that follows the level', () => {
    const tone = new Float32Array(8000);
    for (let i = 0; i < tone.length; i++) tone[i] = 1000 * Math.sin((2 * Math.PI * 440 * i) / 8000);
    const a = kaldiMfcc(tone);
    expect(a.frames).toBe(1 + Math.floor((8000 - 200) / 80));
    const loud = kaldiMfcc(tone.map((v) => v * 10));
    // c0 is the log energy: ×10 amplitude is +ln(100).
    expect((loud.data[0] as number) - (a.data[0] as number)).toBeCloseTo(Math.log(100), 3);
    // The other cepstra of a scaled signal differ only in c0 of the mel part (scale-free shape).
    expect(loud.data[5]).toBeCloseTo(a.data[5] as number, 3);
  });

  it('sliding CMN removes a constant offset', () => {
    const data = new Float32Array(50 * 2).map((_, i) => (i % 2 === 0 ? 5 : -3) + Math.sin(i));
    const out = slidingCmn(data, 2);
    let m0 = 0;
    for (let t = 0; t < 50; t++) m0 += out[t * 2] as number;
    expect(Math.abs(m0 / 50)).toBeLessThan(1e-5);
  });
});

// The model comes from `pnpm assets` (./run setup does it), the speakers from ../shared: both are
// required, so a missing one fails here with its path instead of skipping the only real check.
describe('x-vector on the development speakers', () => {
  const emb = new Map<string, Float32Array>();
  beforeAll(() => {
    for (const need of [MODEL, SPEAKERS])
      if (!existsSync(need))
        throw new Error(`${need} is missing: run \`pnpm assets\` (model) or set DUALREC_SHARED_DIR`);
    const extractor = loadXVectorExtractor({
      nnet: readFileSync(resolve(MODEL, 'final.ext.raw')),
      mean: readFileSync(resolve(MODEL, 'mean.vec')),
      transform: readFileSync(resolve(MODEL, 'transform.mat')),
    });
    for (const spk of ['spk1', 'spk2'])
      for (let s = 1; s <= 6; s++) {
        const { samples, rate } = readWav(resolve(SPEAKERS, `${spk}_snt${s}.wav`));
        emb.set(`${spk}_${s}`, extractor.embed(samples, rate));
      }
  }, 300_000);

  it('every same-speaker pair scores above every cross-speaker pair', () => {
    const same: number[] = [];
    const cross: number[] = [];
    const keys = [...emb.keys()];
    for (let i = 0; i < keys.length; i++)
      for (let j = i + 1; j < keys.length; j++) {
        const a = keys[i] as string;
        const b = keys[j] as string;
        const score = cosine(emb.get(a) as Float32Array, emb.get(b) as Float32Array);
        (a.slice(0, 4) === b.slice(0, 4) ? same : cross).push(score);
      }
    expect(Math.min(...same)).toBeGreaterThan(Math.max(...cross));
  });

  it('returns a 128-dim vector of norm sqrt(128)', () => {
    const v = emb.get('spk1_1') as Float32Array;
    expect(v.length).toBe(128);
    expect(Math.hypot(...v)).toBeCloseTo(Math.sqrt(128), 3);
  });
});
