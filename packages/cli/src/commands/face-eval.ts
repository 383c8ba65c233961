/**
 * `dualrec face-eval DIR`: measures the 1:1 face matcher on `DIR/<person>/*.jpg` — every pair of
 * photos of one person is a genuine pair, every pair across people an impostor pair (folders named
 * `single_*` hold one photo of someone else, impostors only) — and reports the score
 * distributions, the threshold and accept rate (TAR) at a false-accept rate (FAR) of 1 % and 0.1 %,
 * and the time per face.
 */

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DualrecError, isDualrecError } from '@dualrec/evidence';
import {
  compareEmbeddings,
  degradeToIdPortrait,
  type FaceEmbedding,
  loadFaceMatcher,
  type RgbaImage,
} from '@dualrec/face/matcher-node';
import { readImageFile } from '@dualrec/ocr/node';
import jpeg from 'jpeg-js';
import { type Command, parseCommandArgs } from '../io.js';

const usage = `Usage: dualrec face-eval DIR [--reference id-portrait] [--json] [--assets DIR] [--backend wasm|cpu]

Measures the face matcher on DIR/<person>/*.jpg|png (folders named single_* are impostors only).
Genuine pairs: two photos of one person; impostor pairs: photos of two people.

  --reference id-portrait  degrade the first photo of every pair to an ID-portrait-style crop
                           (102×126 px, JPEG quality 50), as the OCR step's portrait looks
  --json                   machine-readable summary (operatingPoints: [{ far, threshold, tar }])
  --assets DIR             the folder "dualrec assets" wrote (default: assets-dist if it holds
                           face-match/, else the installed npm packages)
  --backend wasm|cpu       TensorFlow.js backend (default wasm)
`;

export interface OperatingPoint {
  far: number;
  /** Smallest threshold whose impostor accept rate is ≤ far (accept when score ≥ threshold). */
  threshold: number;
  tar: number;
  /** Impostor pairs accepted at that threshold. */
  falseAccepts: number;
}

/**
 * For each target FAR, the lowest threshold (accept when score ≥ threshold) at which at most
 * `far × impostors` impostor pairs are accepted, and the genuine accept rate there. With few
 * impostors a target below 1/impostors means no impostor may pass (threshold just above the top one).
 *
 * @example
 * ```ts
 * operatingPoints([0.9, 0.8], [0.1, 0.3, 0.5], [0.01]); // [{ far: 0.01, threshold: 0.5000001, tar: 1, falseAccepts: 0 }]
 * ```
 */
export function operatingPoints(genuine: number[], impostor: number[], fars: number[]): OperatingPoint[] {
  const imp = [...impostor].sort((a, b) => b - a);
  return fars.map((far) => {
    const allowed = Math.floor(far * imp.length);
    // The (allowed+1)-th highest impostor score must be rejected: threshold just above it.
    const blocker = imp[allowed];
    const threshold = blocker === undefined ? Number.NEGATIVE_INFINITY : blocker + 1e-7;
    const tar = genuine.length ? genuine.filter((g) => g >= threshold).length / genuine.length : 0;
    return { far, threshold, tar, falseAccepts: imp.filter((s) => s >= threshold).length };
  });
}

function stats(values: number[]): {
  n: number;
  mean: number;
  min: number;
  p05: number;
  median: number;
  p95: number;
  max: number;
} {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) =>
    s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))] ?? Number.NaN;
  return {
    n: s.length,
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
    min: s[0] ?? Number.NaN,
    p05: q(0.05),
    median: q(0.5),
    p95: q(0.95),
    max: s[s.length - 1] ?? Number.NaN,
  };
}

/** A 0..1 histogram (10 bins) as text, for the console summary. */
function histogram(values: number[]): string {
  const bins = new Array(10).fill(0) as number[];
  for (const v of values) {
    const i = Math.min(9, Math.max(0, Math.floor(v * 10)));
    bins[i] = (bins[i] ?? 0) + 1;
  }
  return bins.map((b, i) => `${(i / 10).toFixed(1)}:${b}`).join(' ');
}

export function jpegRoundTrip(image: RgbaImage, quality = 50): RgbaImage {
  const encoded = jpeg.encode(
    { width: image.width, height: image.height, data: Buffer.from(image.data) },
    quality,
  );
  const decoded = jpeg.decode(encoded.data, { useTArray: true, formatAsRGBA: true });
  return { width: decoded.width, height: decoded.height, data: decoded.data };
}

interface Photo {
  person: string;
  file: string;
  embedding: FaceEmbedding;
  /** The ID-portrait-style version's embedding (with --reference id-portrait). */
  portrait?: FaceEmbedding;
}

export const faceEvalCommand: Command = {
  summary: 'measure the 1:1 face matcher on a folder of photos of several people',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: {
        reference: { type: 'string' },
        json: { type: 'boolean' },
        assets: { type: 'string' },
        backend: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new DualrecError('BAD_USAGE', { detail: 'expected exactly one DIR' });
    if (values.reference !== undefined && values.reference !== 'id-portrait')
      throw new DualrecError('BAD_USAGE', {
        detail: `--reference must be id-portrait, not "${values.reference}"`,
      });
    const backend = values.backend ?? 'wasm';
    if (backend !== 'wasm' && backend !== 'cpu')
      throw new DualrecError('BAD_USAGE', { detail: `--backend must be wasm or cpu, not "${backend}"` });
    const dir = resolve(positionals[0] as string);
    let people: string[];
    try {
      people = (await readdir(dir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
    } catch (cause) {
      throw new DualrecError('BAD_USAGE', {
        detail: `cannot read ${dir}: ${(cause as Error).message}`,
        cause,
      });
    }
    const assetsDir = values.assets
      ? resolve(values.assets)
      : existsSync(resolve('assets-dist', 'face-match'))
        ? resolve('assets-dist')
        : undefined;
    const idPortrait = values.reference === 'id-portrait';
    const matcher = await loadFaceMatcher({ assetsDir, backend });
    const photos: Photo[] = [];
    const skipped: { file: string; code: string }[] = [];
    const times: number[] = [];
    try {
      for (const person of people) {
        const files = (await readdir(join(dir, person))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
        for (const file of files) {
          const image = await readImageFile(join(dir, person, file));
          const start = performance.now();
          try {
            const embedding = await matcher.embed(image);
            times.push(performance.now() - start);
            const photo: Photo = { person, file: `${person}/${file}`, embedding };
            if (idPortrait) {
              const faces = await matcher.detectFaces(image);
              const face = faces[0];
              if (face) {
                const portrait = degradeToIdPortrait(image, face.landmarks, {
                  jpeg: (i) => jpegRoundTrip(i, 50),
                });
                try {
                  photo.portrait = await matcher.embed(portrait, { role: 'reference' });
                } catch (error) {
                  if (!isDualrecError(error) || error.code !== 'FACE_MATCH_NO_FACE') throw error;
                  skipped.push({ file: `${person}/${file} (id-portrait)`, code: error.code });
                }
              }
            }
            photos.push(photo);
          } catch (error) {
            if (!isDualrecError(error) || !error.code.startsWith('FACE_MATCH_')) throw error;
            skipped.push({ file: `${person}/${file}`, code: error.code });
            io.stderr.write(`dualrec face-eval: ${person}/${file}: [${error.code}] ${error.message}\n`);
          }
        }
      }
    } finally {
      matcher.close();
    }
    const genuine: number[] = [];
    const impostor: number[] = [];
    for (let i = 0; i < photos.length; i++) {
      for (let j = 0; j < photos.length; j++) {
        if (j === i) continue;
        // Without a portrait each unordered pair counts once; with one, the portrait side matters.
        if (!idPortrait && j < i) continue;
        const a = photos[i] as Photo;
        const b = photos[j] as Photo;
        const reference = idPortrait ? a.portrait : a.embedding;
        if (!reference) continue;
        const same = a.person === b.person && !a.person.startsWith('single_');
        const { score } = compareEmbeddings(reference, b.embedding);
        (same ? genuine : impostor).push(score);
      }
    }
    const points = operatingPoints(genuine, impostor, [0.01, 0.001]);
    const sortedTimes = [...times].sort((a, b) => a - b);
    const summary = {
      dir,
      reference: idPortrait ? 'id-portrait' : 'photo',
      backend: matcher.backend,
      people: people.length,
      photos: photos.length,
      skipped,
      genuinePairs: genuine.length,
      impostorPairs: impostor.length,
      genuine: stats(genuine),
      impostor: stats(impostor),
      operatingPoints: points.map((p) => ({
        far: p.far,
        threshold: round(p.threshold),
        tar: round(p.tar),
        falseAccepts: p.falseAccepts,
      })),
      msPerFace: {
        median: Math.round(sortedTimes[Math.floor(sortedTimes.length / 2)] ?? 0),
        mean: Math.round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
      },
    };
    if (values.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      io.stdout.write(
        `${summary.photos} photos of ${summary.people} people (${skipped.length} skipped), reference ${summary.reference}, backend ${summary.backend}\n`,
      );
      for (const [name, s, v] of [
        ['genuine', summary.genuine, genuine],
        ['impostor', summary.impostor, impostor],
      ] as const)
        io.stdout.write(
          `${name.padEnd(8)} ${String(s.n).padStart(6)} pairs  mean ${s.mean.toFixed(3)}  p05 ${s.p05.toFixed(3)}  median ${s.median.toFixed(3)}  p95 ${s.p95.toFixed(3)}  [${histogram(v)}]\n`,
        );
      for (const p of summary.operatingPoints)
        io.stdout.write(
          `FAR ${(p.far * 100).toString().padEnd(4)}%  threshold ${p.threshold.toFixed(3)}  TAR ${(p.tar * 100).toFixed(1)}%  (${p.falseAccepts} impostor pairs accepted)\n`,
        );
      io.stdout.write(
        `${summary.msPerFace.median} ms per face (median: detect, landmarks, align, two embeddings)\n`,
      );
    }
    return 0;
  },
};

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 10000) / 10000 : v;
}
