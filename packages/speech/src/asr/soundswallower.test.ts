import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav, SPEECH_FIXTURES } from '../../test-support/index.js';
import { resample } from '../audio/resample.js';
import { matchAnswer } from '../text/answers.js';
import {
  SOUNDSWALLOWER_FILES,
  SoundSwallowerAnswerRecognizer,
  soundSwallowerAssets,
} from './soundswallower.js';

// The node build of SoundSwallower reads model files from disk: point the assets at the package.
const packageDir = resolve(import.meta.dirname, '../../node_modules/soundswallower');
const assets = soundSwallowerAssets('/x').map((a) => ({
  ...a,
  url: resolve(
    packageDir,
    a.url.replace('/x/soundswallower/', '').replace('soundswallower.web.wasm', 'soundswallower.web.wasm'),
  ),
}));
const readAsset = async (path: string) => new Uint8Array(await readFile(path));

const question = {
  kind: 'question' as const,
  accept: ['yes', 'yeah', 'yes i do', 'i do', 'i understand'],
  reject: ['no', 'nope', 'no i do not', 'i do not'],
};

function pcm(name: string): Float32Array {
  const { samples, sampleRate } = readWav(resolve(SPEECH_FIXTURES, name));
  return resample(samples, sampleRate, 16_000);
}

describe('SoundSwallowerAnswerRecognizer (real model, node build)', () => {
  const loaded: string[] = [];
  const recogniser = new SoundSwallowerAnswerRecognizer({
    readAsset,
    // node's build instead of the self-hosted web module; the URL it would import is recorded.
    loadModule: (url) => {
      loaded.push(url);
      return import('soundswallower');
    },
  });
  beforeAll(() => recogniser.init({ assets }), 30_000);
  afterAll(() => recogniser.close());

  it('imports SoundSwallower from beside its self-hosted wasm, not from the bundle', () => {
    const wasm = assets.find((a) => a.name === 'wasm')?.url as string;
    expect(loaded).toEqual([wasm.replace(/[^/]*$/, 'soundswallower.web.js')]);
  });

  it.each([
    ['answer-yes.wav', 'accept'],
    ['answer-no.wav', 'reject'],
  ])('%s → %s', async (file, decision) => {
    const result = await recogniser.recognize({ pcm: pcm(file), language: 'en', expected: question });
    expect(matchAnswer(result.text, question.accept, question.reject, 'en').decision).toBe(decision);
    expect(result.garbage).toBe(false);
    expect(result.words[0]?.startMs).toBeGreaterThan(300);
    expect(result.words[0]?.startMs).toBeLessThan(900);
  });

  it('hears speech that is not an answer as garbage, not as "yes"', async () => {
    const result = await recogniser.recognize({
      pcm: pcm('answer-other.wav'),
      language: 'en',
      expected: question,
    });
    expect(result.garbage).toBe(true);
    expect(result.text).not.toMatch(/\b(yes|no|yeah|nope)\b/);
  });

  it('refuses Chinese and read-aloud requests, and phrases it cannot hear are reported', async () => {
    await expect(
      recogniser.recognize({ pcm: pcm('answer-yes.wav'), language: 'zh-CN', expected: question }),
    ).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await recogniser.recognize({
      pcm: pcm('answer-yes.wav'),
      language: 'en',
      expected: { ...question, accept: ['yes', 'yesss'] },
    });
    expect(recogniser.skippedPhrases).toEqual(['yesss']);
  });
});

describe('SoundSwallower assets', () => {
  it('are pinned with the same SHA-256 as the asset manifest', async () => {
    const manifest = JSON.parse(
      await readFile(resolve(import.meta.dirname, '../../../cli/asset-manifest.json'), 'utf8'),
    );
    for (const file of SOUNDSWALLOWER_FILES) {
      const entry = manifest.assets.find((a: { path: string }) => a.path === file.path);
      expect(entry?.sha256, file.path).toBe(file.sha256);
    }
  });

  it('a tampered file is refused before the decoder starts', async () => {
    const r = new SoundSwallowerAnswerRecognizer({
      readAsset: async (path) => {
        const bytes = await readAsset(path);
        if (path.endsWith('means')) bytes[100] = (bytes[100] as number) ^ 1;
        return bytes;
      },
    });
    await expect(r.init({ assets })).rejects.toMatchObject({ code: 'ASSET_HASH_MISMATCH' });
    await expect(r.init({ assets: assets.slice(1) })).rejects.toMatchObject({ code: 'ASSET_NOT_FOUND' });
  });
});
