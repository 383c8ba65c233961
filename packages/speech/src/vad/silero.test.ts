import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWav } from '../../test-support/index.js';
import { resample } from '../audio/resample.js';
import { EnergyVad, framesFromSamples, summarizeSpeech } from '../audio/vad.js';
import { ORT_MODULE_FILE, ortModuleUrl, SILERO_FILES, SileroVad, sileroAssets } from './silero.js';

const nodeModules = resolve(import.meta.dirname, '../../node_modules');
const LOCAL: Record<string, string> = {
  model: resolve(nodeModules, '@ricky0123/vad-web/dist/silero_vad_v5.onnx'),
  'ort-wasm': resolve(nodeModules, 'onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'),
};
const assets = sileroAssets('/x').map((a) => ({ ...a, url: LOCAL[a.name] as string }));
const readAsset = async (path: string) => new Uint8Array(await readFile(path));

function pcm16k(relative: string): Float32Array {
  const { samples, sampleRate } = fixtureWav(relative);
  return resample(samples, sampleRate, 16_000);
}

/** Steady broadband noise at about -30 dBFS: loud enough that an energy VAD without history calls it speech. */
function noise(seconds: number): Float32Array {
  const out = new Float32Array(16_000 * seconds);
  let seed = 11;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out[i] = (seed / 2 ** 31 - 0.5) * 0.1;
  }
  return out;
}

describe('SileroVad (real model, onnxruntime-web wasm in node)', () => {
  let vad: SileroVad;
  beforeAll(async () => {
    vad = await SileroVad.load({ assets, readAsset });
  }, 30_000);
  afterAll(() => vad?.close());

  it('hears the Mandarin disclosure and nothing in digital silence', async () => {
    const speech = await vad.analyse(pcm16k('audio/disclosure-cmn.wav'));
    expect(speech.speechRatio).toBeGreaterThan(0.7);
    expect(speech.onsetMs).toBeLessThan(300);
    expect(speech.speechSpanMs).toBeGreaterThan(7000);
    const silence = await vad.analyse(pcm16k('audio/silence-5s.wav'));
    expect(silence).toMatchObject({ speechMs: 0, speechRatio: 0, onsetMs: null });
  }, 30_000);

  it('does not take a burst of loud noise for speech, where the energy VAD does', async () => {
    // Quiet room, then 2 s of loud noise (a passing scooter, a fan switched on).
    const quiet = new Float32Array(16_000).map((_, i) => Math.sin(i) * 0.0005);
    const burst = new Float32Array(quiet.length + 32_000);
    burst.set(quiet);
    burst.set(noise(2), quiet.length);
    const energy = new EnergyVad();
    const energySummary = summarizeSpeech(framesFromSamples(burst, 16_000).map((f) => energy.push(f)));
    expect(energySummary.speechMs).toBeGreaterThan(1500);
    const silero = await vad.analyse(burst);
    expect(silero.speechMs).toBeLessThan(200);
  }, 30_000);

  it('is pinned with the asset manifest and refuses a tampered model', async () => {
    const manifest = JSON.parse(
      await readFile(resolve(import.meta.dirname, '../../../cli/asset-manifest.json'), 'utf8'),
    );
    for (const file of SILERO_FILES)
      expect(manifest.assets.find((a: { path: string }) => a.path === file.path)?.sha256, file.path).toBe(
        file.sha256,
      );
    const tampered = async (path: string) => {
      const bytes = await readAsset(path);
      if (path.endsWith('.onnx')) bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
      return bytes;
    };
    await expect(SileroVad.load({ assets, readAsset: tampered })).rejects.toMatchObject({
      code: 'ASSET_HASH_MISMATCH',
    });
  });
});

describe('onnxruntime-web is imported from beside its self-hosted wasm, not bundled', () => {
  it('derives the module URL from the ort-wasm asset and hands it to loadOrt', async () => {
    expect(ortModuleUrl('/dualrec-assets/onnxruntime/ort-wasm-simd-threaded.wasm')).toBe(
      `/dualrec-assets/onnxruntime/${ORT_MODULE_FILE}`,
    );
    const urls: string[] = [];
    const vad = await SileroVad.load({
      assets,
      readAsset,
      loadOrt: (url) => {
        urls.push(url);
        return import(/* @vite-ignore */ url);
      },
    });
    await vad.close();
    expect(urls).toEqual([resolve(nodeModules, 'onnxruntime-web/dist', ORT_MODULE_FILE)]);
  });
});
