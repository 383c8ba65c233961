/**
 * A real on-device recogniser that runs offline here: SoundSwallower (PocketSphinx refactored
 * for the web, MIT; CMU Sphinx en-us acoustic model, BSD-style) with a closed JSGF grammar built
 * from a question's accepted and rejected phrases plus a garbage loop. English only, questions
 * only: it answers "did they say yes or no", it cannot transcribe a free read-aloud.
 *
 * The garbage loop is what makes a closed grammar usable for consent: without it the decoder maps
 * any sound to the nearest phrase, so "the weather is nice" would come out as "yes". With it,
 * out-of-grammar speech lands on filler words, which the answer matcher treats as unclear.
 *
 * Assets (self-hosted with `dualrec assets`, pinned in asset-manifest.json): the wasm runtime and
 * the en-us model folder. Every file's SHA-256 is checked before the decoder starts; the wasm is
 * handed to the runtime as those verified bytes, the model files are read by the library itself
 * from the same URLs (served `immutable`, so it gets the bytes just checked from the HTTP cache).
 */
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import type { SpeechLanguage } from '../text/numbers.js';
import type { AsrAdapter, AsrAsset, AsrInitOptions, AsrRequest, AsrResult, AsrWord } from './types.js';

export const SOUNDSWALLOWER_VERSION = '0.6.3';

/** The files, their path under the assets base, and the SHA-256 pinned in packages/cli/asset-manifest.json. */
export const SOUNDSWALLOWER_FILES = [
  {
    name: 'wasm',
    path: 'soundswallower/soundswallower.web.wasm',
    sha256: '02ffea996ee62bec979513325302ecfbbec96c68e95c5b3171094f47c7b27229',
  },
  {
    name: 'feat_params.json',
    path: 'soundswallower/model/en-us/feat_params.json',
    sha256: '807f8a444472b286fbd2e0abc07099476dc9238ab8c5e131ba7b5e5576d856f8',
  },
  {
    name: 'mdef',
    path: 'soundswallower/model/en-us/mdef',
    sha256: 'eedeed64d720779ad770e5af87188bdc5efae78215305cb4e50f5fa6f2e915cd',
  },
  {
    name: 'means',
    path: 'soundswallower/model/en-us/means',
    sha256: '87ae92bb410f4f37509bfe44066cccc7a26b95d97c8018f130b79b4b6a9fd773',
  },
  {
    name: 'variances',
    path: 'soundswallower/model/en-us/variances',
    sha256: '4b211350959baf55d3d4250b1b747c608bd48a35d87b038aede6b48745b1a13c',
  },
  {
    name: 'sendump',
    path: 'soundswallower/model/en-us/sendump',
    sha256: '3dff7bc0bcd197efba518eff420a9f4b9f179ded217eeffff98bf07fa087f2cc',
  },
  {
    name: 'transition_matrices',
    path: 'soundswallower/model/en-us/transition_matrices',
    sha256: 'd45a88f8030aa61f24eae454ed7eb2678a507534e85977357a99cf89d003ac6b',
  },
  {
    name: 'noisedict.txt',
    path: 'soundswallower/model/en-us/noisedict.txt',
    sha256: '7295b07df2c204c4f87c6782b6be1a3859d7006d4e3864181c955d6dab105a33',
  },
  {
    name: 'dict.txt',
    path: 'soundswallower/model/en-us/dict.txt',
    sha256: '7510dff1727728628c105358533b7057d65ca2b718b2fb32639e6e9b32ed8f9c',
  },
] as const;

/** The assets to pass to `init`, served under `assetsBase` (e.g. "/dualrec-assets"). */
export function soundSwallowerAssets(assetsBase: string): AsrAsset[] {
  const base = assetsBase.replace(/\/+$/, '');
  return SOUNDSWALLOWER_FILES.map((f) => ({ name: f.name, url: `${base}/${f.path}`, sha256: f.sha256 }));
}

/**
 * Filler words for the garbage loop. Chosen by measurement (espeak-ng "yes", "no" and "the weather
 * is nice today" through the en-us model): a large list of short words swallowed "no" as "go" or
 * "who", so the list is small, and `garbageFor` also drops any filler whose last vowel is the last
 * vowel of an answer word (hello/so/well would compete with no/yes).
 */
const GARBAGE_WORDS = [
  'the',
  'a',
  'it',
  'is',
  'what',
  'okay',
  'hello',
  'please',
  'wait',
  'well',
  'so',
  'weather',
  'today',
  'nice',
  'time',
  'maybe',
  'sorry',
  'money',
  'think',
  'because',
];

const VOWEL = /^(AA|AE|AH|AO|AW|AY|EH|ER|EY|IH|IY|OW|OY|UH|UW)$/;

function lastVowel(phones: string | null): string | null {
  if (!phones) return null;
  const vowels = phones.split(/\s+/).filter((p) => VOWEL.test(p));
  return vowels.at(-1) ?? null;
}

/** The fillers that do not sound like the end of any answer word. */
function garbageFor(answerWords: Set<string>, decoder: SoundSwallowerDecoder): string[] {
  const answerVowels = new Set(
    [...answerWords].map((w) => lastVowel(decoder.lookup_word(w))).filter(Boolean),
  );
  return GARBAGE_WORDS.filter((w) => {
    const phones = decoder.lookup_word(w);
    return phones !== null && !answerWords.has(w) && !answerVowels.has(lastVowel(phones));
  });
}

interface SoundSwallowerDecoder {
  initialize(): Promise<unknown>;
  set_grammar(jsgf: string, toprule?: string | null): void;
  lookup_word(word: string): string | null;
  start(): void;
  process_audio(pcm: Float32Array, noSearch?: boolean, fullUtt?: boolean): number;
  stop(): void;
  get_text(): string;
  get_alignment(): {
    t: string;
    b: number;
    d: number;
    p: number;
    w?: Array<{ t: string; b: number; d: number; p: number }>;
  };
  delete(): void;
}

interface SoundSwallowerModule {
  Decoder: new (config?: Record<string, string | number | boolean>) => SoundSwallowerDecoder;
}

export interface SoundSwallowerOptions {
  /** Reads an asset's bytes (default: fetch). Node tests pass a file reader. */
  readAsset?: (url: string, signal?: AbortSignal) => Promise<Uint8Array>;
  /**
   * Loads SoundSwallower's ES module. Default: import `soundswallower.web.js` from beside the
   * self-hosted wasm (`dualrec assets` writes both), never from the app's bundle: bundled, it makes
   * Vite copy its wasm into the app's build by `new URL(…, import.meta.url)`. Node tests pass
   * `() => import('soundswallower')` (the node build).
   */
  loadModule?: (url: string) => Promise<unknown>;
}

/** The URL of SoundSwallower's web module next to its wasm's URL. */
export function soundSwallowerModuleUrl(wasmUrl: string): string {
  return wasmUrl.replace(/[^/]*$/, 'soundswallower.web.js');
}

function importSelfHosted(url: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ url);
}

async function fetchBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal, credentials: 'same-origin' });
  if (!response.ok)
    throw new DualrecError('ASSET_FETCH_FAILED', {
      detail: `${url}: HTTP ${response.status}`,
      context: { url, status: response.status },
    });
  return new Uint8Array(await response.arrayBuffer());
}

/** Turns a phrase into grammar words, or null if a word is not in the dictionary (it could never be heard). */
function grammarWords(phrase: string, decoder: SoundSwallowerDecoder): string | null {
  const words = phrase
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0 || words.some((w) => decoder.lookup_word(w) === null)) return null;
  return words.join(' ');
}

export class SoundSwallowerAnswerRecognizer implements AsrAdapter {
  readonly id = `soundswallower-en-us-answers/${SOUNDSWALLOWER_VERSION}`;
  readonly languages: readonly SpeechLanguage[] = ['en'];
  readonly kinds = ['question'] as const;
  private decoder: SoundSwallowerDecoder | null = null;
  private readonly readAsset: (url: string, signal?: AbortSignal) => Promise<Uint8Array>;
  private readonly loadModule: (url: string) => Promise<unknown>;
  /** Phrases left out of the last grammar because a word is not in the dictionary. */
  skippedPhrases: string[] = [];

  constructor(options: SoundSwallowerOptions = {}) {
    this.readAsset = options.readAsset ?? fetchBytes;
    this.loadModule = options.loadModule ?? importSelfHosted;
  }

  async init(options: AsrInitOptions): Promise<void> {
    if (this.decoder) return;
    const byName = new Map(options.assets.map((a) => [a.name, a]));
    for (const file of SOUNDSWALLOWER_FILES) {
      if (!byName.has(file.name))
        throw new DualrecError('ASSET_NOT_FOUND', {
          detail: `SoundSwallower asset "${file.name}" was not given.`,
          context: { name: file.name },
        });
    }
    let wasm: Uint8Array | undefined;
    await Promise.all(
      options.assets.map(async (asset) => {
        const bytes = await this.readAsset(asset.url, options.signal);
        const actual = await sha256Hex(bytes);
        if (actual !== asset.sha256)
          throw new DualrecError('ASSET_HASH_MISMATCH', {
            detail: `${asset.url}`,
            context: { url: asset.url, expected: asset.sha256, actual },
          });
        if (asset.name === 'wasm') wasm = bytes;
      }),
    );
    options.signal?.throwIfAborted();
    const mdef = (byName.get('mdef') as AsrAsset).url;
    const modelBase = mdef.slice(0, mdef.length - 'en-us/mdef'.length);
    try {
      // Lazy and self-hosted: the 210 KB runtime is loaded only by lenders who use this adapter,
      // and is in nobody's bundle.
      const wasmUrl = (byName.get('wasm') as AsrAsset).url;
      const { default: createModule } = (await this.loadModule(soundSwallowerModuleUrl(wasmUrl))) as {
        default: (init: Record<string, unknown>) => Promise<SoundSwallowerModule>;
      };
      const module = await createModule({
        wasmBinary: wasm,
        modelBase,
        locateFile: (file: string) => (file.endsWith('.wasm') ? (byName.get('wasm') as AsrAsset).url : file),
        print: () => undefined,
        printErr: () => undefined,
      });
      const decoder = new module.Decoder({ samprate: 16_000, loglevel: 'FATAL' });
      await decoder.initialize();
      this.decoder = decoder;
    } catch (cause) {
      throw new DualrecError('MODEL_LOAD_FAILED', {
        detail: `SoundSwallower: ${(cause as Error)?.message ?? cause}`,
        cause,
      });
    }
  }

  async recognize(request: AsrRequest): Promise<AsrResult> {
    const decoder = this.decoder;
    if (!decoder)
      throw new DualrecError('BAD_USAGE', { detail: 'init() the recogniser first (or it was closed).' });
    if (request.language !== 'en' || request.expected.kind !== 'question')
      throw new DualrecError('BAD_USAGE', { detail: 'This recogniser answers English questions only.' });
    const phrases = [...request.expected.accept, ...request.expected.reject];
    const usable = new Set<string>();
    this.skippedPhrases = [];
    for (const phrase of phrases) {
      const words = grammarWords(phrase, decoder);
      if (words) usable.add(words);
      else this.skippedPhrases.push(phrase);
    }
    if (usable.size === 0)
      throw new DualrecError('ASR_FAILED', { detail: 'No answer phrase is in the recogniser dictionary.' });
    const answerWords = new Set([...usable].flatMap((p) => p.split(' ')));
    const garbage = garbageFor(answerWords, decoder);
    const grammar = [
      '#JSGF V1.0;',
      'grammar answer;',
      'public <utterance> = <answer> | <garbage>;',
      `<answer> = ${[...usable].join(' | ')};`,
      `<garbage> = (${garbage.join(' | ')})+;`,
      '',
    ].join('\n');
    try {
      decoder.set_grammar(grammar);
      decoder.start();
      decoder.process_audio(request.pcm, false, true);
      decoder.stop();
      const text = decoder.get_text().trim();
      const words: AsrWord[] = (decoder.get_alignment().w ?? [])
        .filter((w) => !/^(<.*>|\(NULL\)|\[.*\])$/.test(w.t))
        .map((w) => ({
          text: w.t.replace(/\(\d+\)$/, ''),
          startMs: w.b * 1000,
          endMs: (w.b + w.d) * 1000,
          confidence: w.p,
        }));
      const isGarbage = words.length === 0 || words.every((w) => !answerWords.has(w.text));
      return { text, words, garbage: isGarbage };
    } catch (cause) {
      throw new DualrecError('ASR_FAILED', { detail: (cause as Error)?.message ?? String(cause), cause });
    }
  }

  async close(): Promise<void> {
    this.decoder?.delete();
    this.decoder = null;
  }
}
