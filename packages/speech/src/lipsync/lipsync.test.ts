import { describe, expect, it } from 'vitest';
import { MouthCollector } from './collector.js';
import { type EnvelopeSample, lipSyncScore, type MouthSample } from './lipsync.js';

/** A syllable-like envelope: bursts of sound at irregular times, silence between. */
function bursts(seed: number, seconds: number): number[] {
  const onsets: number[] = [];
  let t = 200;
  let s = seed;
  while (t < seconds * 1000 - 400) {
    onsets.push(t);
    s = (s * 16807) % 2147483647;
    t += 180 + (s % 320);
  }
  return onsets;
}

function audioFrom(onsets: number[], seconds: number): EnvelopeSample[] {
  const out: EnvelopeSample[] = [];
  for (let t = 0; t < seconds * 1000; t += 20) {
    const on = onsets.some((o) => t >= o && t < o + 150);
    out.push({ t, rms: on ? 0.2 : 0.001 });
  }
  return out;
}

/** Mouth open while sounding, sampled at 25 fps, delayed by `lagMs`. */
function mouthFrom(onsets: number[], seconds: number, lagMs: number): MouthSample[] {
  const out: MouthSample[] = [];
  for (let t = 0; t < seconds * 1000; t += 40) {
    const open = onsets.some((o) => t - lagMs >= o && t - lagMs < o + 150);
    out.push({ t, openness: open ? 0.35 : 0.05 });
  }
  return out;
}

describe('lipSyncScore', () => {
  const onsets = bursts(1, 6);
  const audio = audioFrom(onsets, 6);

  it('scores a mouth moving with the sound high, and finds the lag', () => {
    const r = lipSyncScore(mouthFrom(onsets, 6, 120), audio);
    expect(r.issue).toBeNull();
    expect(r.score).toBeGreaterThan(0.7);
    expect(r.lagMs).toBeGreaterThanOrEqual(80);
    expect(r.lagMs).toBeLessThanOrEqual(160);
  });

  it('scores a mouth moving to other words low', () => {
    const r = lipSyncScore(mouthFrom(bursts(99, 6), 6, 0), audio);
    expect(r.score).toBeLessThan(0.35);
  });

  it('does not search beyond ±300 ms: a mouth 800 ms late scores low', () => {
    expect(lipSyncScore(mouthFrom(onsets, 6, 800), audio).score).toBeLessThan(0.35);
  });

  it('gives 0 with a reason for a still mouth (a photo), silence, or too few samples', () => {
    const still = Array.from({ length: 150 }, (_, i) => ({ t: i * 40, openness: 0.16 }));
    expect(lipSyncScore(still, audio)).toMatchObject({ score: 0, issue: 'mouth-static' });
    const silent = audio.map((a) => ({ ...a, rms: 0 }));
    expect(lipSyncScore(mouthFrom(onsets, 6, 0), silent)).toMatchObject({ score: 0, issue: 'audio-silent' });
    expect(lipSyncScore(mouthFrom(onsets, 0.5, 0), audio)).toMatchObject({
      score: 0,
      issue: 'too-few-samples',
    });
    expect(lipSyncScore([], audio)).toMatchObject({ issue: 'too-few-samples' });
  });

  it('leaves gaps where the face was lost instead of inventing mouth movement', () => {
    const mouth = mouthFrom(onsets, 6, 0).filter((m) => m.t < 2000 || m.t > 4000);
    const r = lipSyncScore(mouth, audio);
    expect(r.points).toBeLessThan(220);
    expect(r.score).toBeGreaterThan(0.6);
  });
});

describe('MouthCollector', () => {
  it('keeps samples in time order, skips missing faces, and is bounded', () => {
    const c = new MouthCollector(5);
    c.add(0, 0.1);
    c.add(40, null);
    c.add(30, 0.2);
    c.add(20, 0.3); // out of order: dropped
    c.add(50, Number.NaN);
    for (let t = 60; t < 200; t += 20) c.add(t, 0.5);
    expect(c.size).toBe(5);
    expect(c.samplesBetween(0, 1000).map((s) => s.t)).toEqual([100, 120, 140, 160, 180]);
    expect(c.samplesBetween(110, 150).map((s) => s.t)).toEqual([120, 140]);
    c.clear();
    expect(c.size).toBe(0);
  });
});
