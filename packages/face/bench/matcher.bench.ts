/**
 * Node: one 1:1 comparison with a cached reference (find the face, two Face Mesh passes, align,
 * two embeddings, cosine) against the two embedding models alone on an already aligned input in
 * the same run — the share of the time that is not the embedding models.
 */
import type { BenchSuite } from '../../../test/bench/harness.js';
import { alignmentToSource, fivePoints } from '../src/matcher/align.js';
import type { RgbaImage } from '../src/matcher/image.js';
import { warpToFloatRgb } from '../src/matcher/image.js';
import type { FaceEmbedding, FaceMatcher } from '../src/matcher/matcher.js';
import { loadFaceMatcher } from '../src/node/matcher.js';
import { fixtureImage } from '../src/node/test-images.js';

let matcher: FaceMatcher | undefined;
let reference: FaceEmbedding | undefined;
let frames: RgbaImage[] = [];
let aligned: { faceres: Float32Array; mobileface: Float32Array }[] = [];
let i = 0;
let j = 0;

export const suite: BenchSuite = {
  name: 'face matcher (node, tfjs wasm)',
  cases: [
    {
      name: 'grid-s2 portrait (cached) vs a talking-grid-s2 frame, 4 frames round-robin',
      iterations: 8,
      warmup: 2,
      async setup() {
        matcher = await loadFaceMatcher();
        reference = await matcher.embed(fixtureImage('face-still/grid-s2-portrait.png'), {
          role: 'reference',
        });
        frames = [0.5, 2, 3.5, 5].map((t) => fixtureImage('face-video/talking-grid-s2.mp4', t));
        aligned = [];
        for (const frame of frames) {
          const [face] = await matcher.detectFaces(frame);
          if (!face) throw new Error('bench frame without a face');
          const points = fivePoints(face.landmarks, frame.width, frame.height);
          aligned.push({
            faceres: warpToFloatRgb(frame, alignmentToSource(points, 224, 0.8), 224, 224, 1, -127.5),
            mobileface: warpToFloatRgb(frame, alignmentToSource(points, 112, 1), 112, 112, 1, 0),
          });
        }
      },
      teardown() {
        matcher?.close();
      },
      baseline: {
        label: 'faceres + mobileface execute() on pre-aligned input',
        async run() {
          const m = matcher as unknown as {
            tf: typeof import('@tensorflow/tfjs-core');
            models: {
              faceres: import('@tensorflow/tfjs-converter').GraphModel;
              mobileface: import('@tensorflow/tfjs-converter').GraphModel;
            };
          };
          const input = aligned[i++ % aligned.length] as (typeof aligned)[number];
          for (const [model, data, size, out] of [
            [m.models.faceres, input.faceres, 224, 'global_pooling/Mean'],
            [m.models.mobileface, input.mobileface, 112, 'batchnorm0/add_1'],
          ] as const) {
            const x = m.tf.tensor4d(data, [1, size, size, 3]);
            const y = model.execute(x, out) as import('@tensorflow/tfjs-core').Tensor;
            await y.data();
            x.dispose();
            y.dispose();
          }
        },
      },
      subject: {
        label: 'FaceMatcher.match(reference, frame)',
        async run() {
          const r = await matcher?.match(
            reference as FaceEmbedding,
            frames[j++ % frames.length] as RgbaImage,
          );
          if (r?.decision !== 'match') throw new Error('bench pair did not match');
        },
      },
    },
  ],
};
