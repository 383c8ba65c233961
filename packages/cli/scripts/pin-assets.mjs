#!/usr/bin/env node
// Maintainers' tool: (re)writes asset-manifest.json from the installed npm packages and the shared
// models folder, computing every pinned SHA-256 and size. Run it after bumping an asset's package
// version, review the diff, commit. `pnpm --filter @dualrec/cli build` first (it uses dist/).
//   node packages/cli/scripts/pin-assets.mjs [MODELS_DIR]
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findPackageDir, sha256Hex } from '../dist/assets/gather.js';
import { applyTransform } from '../dist/assets/transform.js';

const modelsDir = process.argv[2] ?? join(import.meta.dirname, '../../../../shared/models');
const JSD = 'https://cdn.jsdelivr.net/npm';
const MP = { pkg: '@mediapipe/tasks-vision', version: '1.1.0' };
const TC = { pkg: 'tesseract.js-core', version: '7.0.0' };
const TJ = { pkg: 'tesseract.js', version: '7.0.0' };
const SS = { pkg: 'soundswallower', version: '0.6.3' };
const VW = { pkg: '@ricky0123/vad-web', version: '0.0.31' };
const ORT = { pkg: 'onnxruntime-web', version: '1.30.0' };

const npm = (p, file) => ({ kind: 'npm', package: p.pkg, version: p.version, file });
const jsd = (p, file) => ({ kind: 'url', url: `${JSD}/${p.pkg}@${p.version}/${file}` });

const spec = [
  ...['vision_wasm_internal', 'vision_wasm_nosimd_internal'].flatMap((name) =>
    ['js', 'wasm'].map((ext) => ({
      path: `mediapipe/wasm/${name}.${ext}`,
      usedBy: ['@dualrec/face'],
      license: 'Apache-2.0',
      description: `MediaPipe tasks-vision ${name.includes('nosimd') ? 'no-SIMD' : 'SIMD'} ${ext === 'js' ? 'loader' : 'runtime'}`,
      sources: [npm(MP, `wasm/${name}.${ext}`), jsd(MP, `wasm/${name}.${ext}`)],
    })),
  ),
  {
    path: 'mediapipe/face_landmarker.task',
    usedBy: ['@dualrec/face'],
    license: 'Apache-2.0',
    description: 'Face Landmarker float16 v1 (face detector, 478 landmarks, 52 blendshapes)',
    sources: [
      { kind: 'models', file: 'face_landmarker.task' },
      {
        kind: 'url',
        url: 'https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/face_landmarker.task',
      },
    ],
  },
  {
    path: 'tesseract/worker.min.js',
    usedBy: ['@dualrec/ocr'],
    license: 'Apache-2.0',
    description: 'tesseract.js 7 web worker script',
    sources: [npm(TJ, 'dist/worker.min.js'), jsd(TJ, 'dist/worker.min.js')],
  },
  ...['', 'simd-', 'relaxedsimd-'].map((variant) => ({
    path: `tesseract/core/tesseract-core-${variant}lstm.wasm.js`,
    usedBy: ['@dualrec/ocr'],
    license: 'Apache-2.0',
    description: `Tesseract 5 LSTM-only engine, ${variant ? variant.slice(0, -1).replace('relaxedsimd', 'relaxed SIMD').replace('simd', 'SIMD') : 'no SIMD'} (wasm embedded)`,
    sources: [
      npm(TC, `tesseract-core-${variant}lstm.wasm.js`),
      jsd(TC, `tesseract-core-${variant}lstm.wasm.js`),
    ],
  })),
  {
    path: 'tesseract/lang/eng.traineddata.gz',
    usedBy: ['@dualrec/ocr'],
    license: 'Apache-2.0',
    description: 'English, tessdata 4.0.0 best_int (LSTM only): ID numbers',
    sources: [
      npm({ pkg: '@tesseract.js-data/eng', version: '1.0.0' }, '4.0.0_best_int/eng.traineddata.gz'),
      jsd({ pkg: '@tesseract.js-data/eng', version: '1.0.0' }, '4.0.0_best_int/eng.traineddata.gz'),
    ],
  },
  {
    path: 'tesseract/lang/chi_sim.traineddata.gz',
    usedBy: ['@dualrec/ocr'],
    license: 'Apache-2.0',
    description: 'Simplified Chinese, tessdata 4.0.0 with only the LSTM components kept: names, addresses',
    transform: 'tessdata-lstm-only',
    sources: [
      npm({ pkg: '@tesseract.js-data/chi_sim', version: '1.0.0' }, '4.0.0/chi_sim.traineddata.gz'),
      { kind: 'models', file: 'chi_sim.lstm.traineddata.gz' },
      jsd({ pkg: '@tesseract.js-data/chi_sim', version: '1.0.0' }, '4.0.0/chi_sim.traineddata.gz'),
    ],
  },
  {
    path: 'soundswallower/soundswallower.web.wasm',
    usedBy: ['@dualrec/speech'],
    license: 'MIT',
    description: 'SoundSwallower 0.6.3 grammar speech recogniser runtime (English answers)',
    sources: [npm(SS, 'soundswallower.web.wasm'), jsd(SS, 'soundswallower.web.wasm')],
  },
  ...[
    ['feat_params.json', 'feature parameters'],
    ['mdef', 'model definition (phones, triphones)'],
    ['means', 'Gaussian means'],
    ['variances', 'Gaussian variances'],
    ['sendump', 'mixture weights'],
    ['transition_matrices', 'HMM transition matrices'],
    ['noisedict.txt', 'noise/silence dictionary'],
    ['dict.txt', 'CMU pronouncing dictionary'],
  ].map(([file, what]) => ({
    path: `soundswallower/model/en-us/${file}`,
    usedBy: ['@dualrec/speech'],
    license: 'BSD-2-Clause',
    description: `CMU Sphinx en-us acoustic model (SoundSwallower 0.6.3): ${what}`,
    sources: [npm(SS, `model/en-us/${file}`), jsd(SS, `model/en-us/${file}`)],
  })),
  {
    path: 'silero/silero_vad_v5.onnx',
    usedBy: ['@dualrec/speech'],
    license: 'MIT',
    description: 'Silero VAD v5 voice activity model (as shipped in @ricky0123/vad-web 0.0.31)',
    sources: [npm(VW, 'dist/silero_vad_v5.onnx'), jsd(VW, 'dist/silero_vad_v5.onnx')],
  },
  {
    path: 'onnxruntime/ort-wasm-simd-threaded.wasm',
    usedBy: ['@dualrec/speech'],
    license: 'MIT',
    description: 'ONNX Runtime Web 1.30.0 plain wasm runtime (CPU, SIMD) for the Silero VAD',
    sources: [npm(ORT, 'dist/ort-wasm-simd-threaded.wasm'), jsd(ORT, 'dist/ort-wasm-simd-threaded.wasm')],
  },
];

async function readSource(source) {
  if (source.kind === 'npm') return readFile(join(findPackageDir(source.package), source.file));
  if (source.kind === 'models') return readFile(join(modelsDir, source.file));
  return undefined;
}

const assets = [];
for (const entry of spec) {
  let output;
  for (const source of entry.sources) {
    const input = await readSource(source);
    if (!input) continue;
    if (entry.transform) {
      source.sha256 = sha256Hex(input);
      const made = applyTransform(entry.transform, input);
      if (output && sha256Hex(made) !== sha256Hex(output)) throw new Error(`${entry.path}: sources disagree`);
      output ??= made;
    } else {
      output ??= input;
    }
  }
  if (entry.transform) {
    // A URL source serves the same bytes as the npm package it mirrors.
    const npmSource = entry.sources.find((s) => s.kind === 'npm');
    for (const s of entry.sources) if (s.kind === 'url') s.sha256 = npmSource.sha256;
  }
  const { path, usedBy, license, description, transform, sources } = entry;
  assets.push({
    path,
    sha256: sha256Hex(output),
    size: output.length,
    usedBy,
    license,
    description,
    ...(transform ? { transform } : {}),
    sources,
  });
}
const file = join(import.meta.dirname, '..', 'asset-manifest.json');
await writeFile(file, `${JSON.stringify({ formatVersion: 1, assets }, null, 2)}\n`);
console.log(`wrote ${file}: ${assets.length} assets`);
