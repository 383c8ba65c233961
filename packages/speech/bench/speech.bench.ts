/**
 * Costs of the per-window speech analysis, each against a baseline measured in the same run on
 * the same audio (the Mandarin disclosure fixture, 8.57 s):
 * - energy VAD (RMS frames + adaptive-floor decisions) vs computing the frame RMS alone;
 * - Silero VAD (onnxruntime-web wasm, one thread) vs the energy VAD on the same 16 kHz PCM —
 *   the price of the model's robustness to noise, paid once per attempt;
 * - windowed-sinc 48 → 16 kHz resampling vs naive 3:1 averaging;
 * - the lip-sync score (±300 ms search) vs one correlation at lag 0.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BenchSuite } from '../../../test/bench/harness.js';
import { resample } from '../src/audio/resample.js';
import { EnergyVad, framesFromSamples } from '../src/audio/vad.js';
import { lipSyncScore } from '../src/lipsync/lipsync.js';
import { SileroVad, sileroAssets } from '../src/vad/silero.js';
import { fixtureWav } from '../test-support/index.js';

const { samples, sampleRate } = fixtureWav('audio/disclosure-cmn.wav');
const pcm16k = resample(samples, sampleRate, 16_000);
const nodeModules = resolve(import.meta.dirname, '../node_modules');
const LOCAL: Record<string, string> = {
  model: resolve(nodeModules, '@ricky0123/vad-web/dist/silero_vad_v5.onnx'),
  'ort-wasm': resolve(nodeModules, 'onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'),
};
let silero: SileroVad | undefined;

function energyVad(input: Float32Array, rate: number): number {
  const vad = new EnergyVad();
  let speech = 0;
  for (const frame of framesFromSamples(input, rate)) if (vad.push(frame).speech) speech++;
  return speech;
}

const frames = framesFromSamples(samples, sampleRate);
const envelope = frames.map((f) => ({ t: f.t, rms: f.rms }));
// A mouth that follows the sound 80 ms late, sampled at 25 fps (the shape of a real reading).
const mouth = frames
  .filter((_, i) => i % 2 === 0)
  .map((f) => ({ t: f.t + 80, openness: Math.min(0.4, f.rms * 3) }));

export const suite: BenchSuite = {
  name: 'speech',
  cases: [
    {
      name: 'energy VAD over 8.57 s of 48 kHz audio',
      bytes: samples.byteLength,
      baseline: { label: 'frame RMS only', run: () => framesFromSamples(samples, sampleRate).length },
      subject: { label: 'EnergyVad decisions', run: () => energyVad(samples, sampleRate) },
    },
    {
      name: 'Silero VAD over 8.57 s of 16 kHz audio',
      iterations: 5,
      warmup: 1,
      async setup() {
        silero = await SileroVad.load({
          assets: sileroAssets('/x').map((a) => ({ ...a, url: LOCAL[a.name] as string })),
          readAsset: async (path) => new Uint8Array(await readFile(path)),
        });
      },
      async teardown() {
        await silero?.close();
      },
      baseline: { label: 'EnergyVad on the same PCM', run: () => energyVad(pcm16k, 16_000) },
      subject: { label: 'SileroVad.analyse()', run: () => silero?.analyse(pcm16k) },
    },
    {
      name: 'resample 8.57 s 48 → 16 kHz',
      bytes: samples.byteLength,
      baseline: {
        label: 'naive 3:1 averaging',
        run: () => {
          const out = new Float32Array(Math.floor(samples.length / 3));
          for (let i = 0; i < out.length; i++)
            out[i] =
              ((samples[3 * i] as number) + (samples[3 * i + 1] as number) + (samples[3 * i + 2] as number)) /
              3;
          return out.length;
        },
      },
      subject: { label: 'windowed-sinc resample()', run: () => resample(samples, sampleRate, 16_000).length },
    },
    {
      name: 'lip-sync score over 8.57 s',
      baseline: {
        label: 'one lag (maxLagMs 0)',
        run: () => lipSyncScore(mouth, envelope, { maxLagMs: 0 }).score,
      },
      subject: { label: 'lipSyncScore ±300 ms', run: () => lipSyncScore(mouth, envelope).score },
    },
  ],
};
