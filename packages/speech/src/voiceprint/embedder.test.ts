import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpeakerEmbedder, VOICEPRINT_FILES, voiceprintAssets } from './embedder.js';
import { cosine } from './xvector.js';

const repo = resolve(import.meta.dirname, '../../../..');
const ASSETS = process.env.DUALREC_ASSETS_DIR ?? resolve(repo, 'assets-dist');
const readAsset = async (url: string) =>
  new Uint8Array(readFileSync(resolve(ASSETS, url.replace(/^\/assets\//, ''))));

describe('loadSpeakerEmbedder', () => {
  it('names every pinned file under assetsBase', () => {
    expect(voiceprintAssets('/a/').map((a) => a.url)).toEqual(VOICEPRINT_FILES.map((f) => `/a/${f.path}`));
  });

  it('refuses an altered model file with ASSET_HASH_MISMATCH and a missing one with ASSET_NOT_FOUND', async () => {
    const assets = voiceprintAssets('/assets');
    await expect(
      loadSpeakerEmbedder({
        assets,
        readAsset: async (url) => {
          const bytes = await readAsset(url);
          if (url.endsWith('mean.vec')) bytes[bytes.length - 1] = (bytes.at(-1) as number) ^ 1;
          return bytes;
        },
      }),
    ).rejects.toMatchObject({ code: 'ASSET_HASH_MISMATCH' });
    await expect(
      loadSpeakerEmbedder({ assets: assets.filter((a) => a.name !== 'transform'), readAsset }),
    ).rejects.toMatchObject({ code: 'ASSET_NOT_FOUND' });
  });

  it('embeds 16 kHz speech into a unit-scale 128-dim vector, the same for the same audio, and refuses after close', async () => {
    const embedder = await loadSpeakerEmbedder({ assets: voiceprintAssets('/assets'), readAsset });
    const pcm = new Float32Array(16_000);
    for (let i = 0; i < pcm.length; i++)
      pcm[i] = 0.3 * Math.sin(i * 0.07) * Math.sin(i * 0.0009) + 0.01 * Math.sin(i * 1.3);
    const a = await embedder.embed(pcm);
    expect(a.length).toBe(128);
    expect(cosine(a, await embedder.embed(pcm))).toBeCloseTo(1, 5);
    await embedder.close();
    await expect(embedder.embed(pcm)).rejects.toMatchObject({ code: 'SPEECH_AUDIO_FAILED' });
  });
});
