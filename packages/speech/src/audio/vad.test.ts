import { describe, expect, it } from 'vitest';
import { fixtureWav } from '../../test-support/index.js';
import { FrameAudioSource } from './frame-source.js';
import { resample } from './resample.js';
import { EnergyVad, framesFromSamples, summarizeSpeech, type VadFrame } from './vad.js';

function vadOver(samples: Float32Array, sampleRate: number): VadFrame[] {
  const vad = new EnergyVad();
  return framesFromSamples(samples, sampleRate).map((f) => vad.push(f));
}

describe('EnergyVad on the shared fixtures', () => {
  it('finds speech in the Mandarin disclosure (espeak-ng, 8.57 s)', () => {
    const { samples, sampleRate } = fixtureWav('audio/disclosure-cmn.wav');
    const summary = summarizeSpeech(vadOver(samples, sampleRate));
    expect(summary.durationMs).toBeCloseTo(8560, -2);
    expect(summary.onsetMs).toBeLessThan(300);
    expect(summary.speechRatio).toBeGreaterThan(0.7);
    expect(summary.speechSpanMs).toBeGreaterThan(7500);
    expect(summary.continuity).toBeGreaterThan(0.75);
  });

  it('finds speech in the GRID recording (real voice, 5.96 s)', () => {
    const { samples, sampleRate } = fixtureWav('face-video/talking-grid-s2.wav');
    const summary = summarizeSpeech(vadOver(samples, sampleRate));
    expect(summary.speechRatio).toBeGreaterThan(0.4);
    expect(summary.speechSpanMs).toBeGreaterThan(3500);
  });

  it('finds none in digital silence', () => {
    const { samples, sampleRate } = fixtureWav('audio/silence-5s.wav');
    const summary = summarizeSpeech(vadOver(samples, sampleRate));
    expect(summary).toMatchObject({ speechMs: 0, speechRatio: 0, onsetMs: null, speechSpanMs: 0 });
    expect(summary.durationMs).toBe(5000);
  });

  it('adapts to steady noise instead of calling it speech, and still hears speech over it', () => {
    const rate = 16000;
    const noise = new Float32Array(rate * 4);
    let seed = 7;
    for (let i = 0; i < noise.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      noise[i] = (seed / 2 ** 31 - 0.5) * 0.02; // about -45 dBFS
    }
    const noisy = vadOver(noise, rate);
    // After the floor has settled (first half second) steady noise is not speech.
    expect(noisy.filter((f) => f.t > 500 && f.speech)).toHaveLength(0);
    const { samples, sampleRate } = fixtureWav('audio/disclosure-en.wav');
    const speech = resample(samples, sampleRate, rate);
    const mixed = new Float32Array(noise.length + speech.length);
    mixed.set(noise);
    for (let i = 0; i < speech.length; i++)
      mixed[noise.length + i] = (speech[i] as number) + (noise[i % noise.length] as number);
    const summary = summarizeSpeech(vadOver(mixed, rate));
    expect(summary.onsetMs).toBeGreaterThan(3900);
    expect(summary.onsetMs).toBeLessThan(4400);
    expect(summary.speechMs).toBeGreaterThan(2500);
  });

  it('needs 60 ms of loudness to start (a click is not speech) and bridges short gaps', () => {
    const vad = new EnergyVad();
    const frame = (rms: number, i: number) => vad.push({ t: i * 20, durationMs: 20, rms });
    const out = [0.0001, 0.0001, 0.3, 0.0001, 0.0001, 0.1, 0.1, 0.1, 0.1, 0.0001, 0.0001, 0.1].map(frame);
    expect(out.map((f) => f.speech)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});

describe('resample', () => {
  it('keeps a 1 kHz tone and removes a 12 kHz one when going 48 → 16 kHz', () => {
    const tone = (hz: number) =>
      Float32Array.from({ length: 48000 }, (_, i) => Math.sin((2 * Math.PI * hz * i) / 48000));
    const rms = (x: Float32Array) =>
      Math.sqrt(x.slice(100, -100).reduce((s, v) => s + v * v, 0) / (x.length - 200));
    const low = resample(tone(1000), 48000, 16000);
    const high = resample(tone(12000), 48000, 16000);
    expect(low.length).toBe(16000);
    expect(rms(low)).toBeCloseTo(Math.SQRT1_2, 1);
    expect(rms(high)).toBeLessThan(0.05);
  });
});

describe('FrameAudioSource listening windows', () => {
  const frames = (pattern: string, t0: number) =>
    [...pattern].map((c, i) => ({ t: t0 + i * 20, durationMs: 20, rms: c === '#' ? 0.2 : 0.0005 }));

  it('fires speech start and end (after the trailing silence) and can leave out an utterance already under way', () => {
    const source = new FrameAudioSource(16000);
    for (const f of frames('....######', 0)) source.push(f);
    const events: string[] = [];
    const handlers = {
      onSpeechStart: (t: number) => events.push(`start@${t}`),
      onSpeechEnd: (t: number) => events.push(`end@${t}`),
    };
    const window = source.listen(handlers, { endSilenceMs: 200, keepPcm: false, ignoreLeadingSpeech: true });
    // The utterance under way goes on for 5 frames, then silence, then a new one.
    for (const f of frames(`#####${'.'.repeat(20)}########${'.'.repeat(25)}`, 200)) source.push(f);
    // Start after 60 ms of loudness; end = 250 ms VAD hangover + 200 ms trailing silence.
    expect(events).toEqual(['start@740', 'end@1300']);
    const other = source.listen(handlers, { endSilenceMs: 200, keepPcm: false });
    expect(source.listening).toBe(true);
    other.cancel();
    expect(source.listening).toBe(false);
    void window;
  });
});
