import { createHash } from 'node:crypto';
import { DualrecError } from '@dualrec/evidence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFaceMatcher } from '../node/matcher.js';
import { fixtureImage } from '../node/test-images.js';
import { ARCFACE_TEMPLATE, alignmentToSource, type Point, similarityTransform } from './align.js';
import { FACE_MATCH_FILES, FACE_MATCH_MODEL } from './assets.js';
import { applyAffine } from './image.js';
import { compareEmbeddings, type FaceEmbedding, type FaceMatcher } from './matcher.js';
import { OPERATING_POINTS } from './operating-points.js';

describe('five-point alignment', () => {
  it('recovers a known similarity transform', () => {
    const angle = 0.3;
    const s = 2.5;
    const move = ([x, y]: Point): Point => [
      s * (Math.cos(angle) * x - Math.sin(angle) * y) + 40,
      s * (Math.sin(angle) * x + Math.cos(angle) * y) - 7,
    ];
    const image = ARCFACE_TEMPLATE.map(move);
    const m = similarityTransform(image, ARCFACE_TEMPLATE);
    ARCFACE_TEMPLATE.forEach((p, i) => {
      const [x, y] = applyAffine(m, ...(image[i] as Point));
      expect(x).toBeCloseTo(p[0], 6);
      expect(y).toBeCloseTo(p[1], 6);
    });
    // And the crop → image direction used for resampling maps the template back onto the face.
    const back = alignmentToSource(image, 112);
    const [x, y] = applyAffine(back, ...(ARCFACE_TEMPLATE[2] as Point));
    expect(x).toBeCloseTo((image[2] as Point)[0], 6);
    expect(y).toBeCloseTo((image[2] as Point)[1], 6);
  });

  it('refuses coincident points', () => {
    expect(() =>
      similarityTransform(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow(RangeError);
  });
});

describe('the recorded model identity', () => {
  it('is the hash of the two pinned embedding weight files', () => {
    const listing = ['faceres.bin', 'mobileface.bin']
      .map((name) => `${name}:${FACE_MATCH_FILES.find((f) => f.name === name)?.sha256}\n`)
      .join('');
    expect(createHash('sha256').update(listing).digest('hex')).toBe(FACE_MATCH_MODEL.sha256);
  });
});

describe('compareEmbeddings', () => {
  const emb = (a: number[], b: number[]): FaceEmbedding => ({
    faceres: Float32Array.from(a),
    mobileface: Float32Array.from(b),
    points: [],
    eyeDistance: 50,
    landmarkSource: 'given',
  });
  it('averages the two cosines and applies the operating point', () => {
    const r = compareEmbeddings(emb([1, 0], [1, 0]), emb([1, 0], [0, 1]));
    expect(r.scores).toEqual({ faceres: 1, mobileface: 0 });
    expect(r.score).toBe(0.5);
    expect(r.threshold).toBe(OPERATING_POINTS['far1e-2']);
    expect(r.decision).toBe(0.5 >= OPERATING_POINTS['far1e-2'] ? 'match' : 'no-match');
    expect(compareEmbeddings(emb([1, 0], [1, 0]), emb([1, 0], [0, 1]), { threshold: 0.6 })).toMatchObject({
      decision: 'no-match',
      operatingPoint: 'custom',
    });
    expect(r.model).toEqual(FACE_MATCH_MODEL);
  });
  it('rejects an unknown operating point', () => {
    expect(() =>
      compareEmbeddings(emb([1], [1]), emb([1], [1]), { operatingPoint: 'far1e-9' as 'far1e-2' }),
    ).toThrow(expect.objectContaining({ code: 'BAD_USAGE' }));
  });
});

describe('FaceMatcher on the fixture people (node, wasm backend)', () => {
  let matcher: FaceMatcher;
  let portrait: FaceEmbedding;
  beforeAll(async () => {
    matcher = await loadFaceMatcher();
    portrait = await matcher.embed(fixtureImage('face-still/grid-s2-portrait.png'), { role: 'reference' });
  }, 120_000);
  afterAll(() => matcher?.close());

  it('accepts frames of talking-grid-s2 against grid-s2-portrait.png', async () => {
    for (const t of [0.5, 2, 3.5, 5]) {
      const result = await matcher.match(portrait, fixtureImage('face-video/talking-grid-s2.mp4', t));
      expect(result.decision, `frame at ${t} s scored ${result.score}`).toBe('match');
      expect(result.score).toBeGreaterThanOrEqual(OPERATING_POINTS['far1e-3']);
      expect(result.model.sha256).toBe(FACE_MATCH_MODEL.sha256);
    }
  }, 120_000);

  it('rejects every other fixture person', async () => {
    const others: [string, number | undefined][] = [
      ['face-video/blink-webcam.mp4', 1],
      ['face-video/blink-webcam.mp4', 6],
      ['face-video/talking-selfie.mp4', 2],
      ['face-video/head-move-webcam.mp4', 1],
      ['face-video/head-move-webcam.mp4', 8],
      ['face-still/astronaut.png', undefined],
    ];
    for (const [file, t] of others) {
      const result = await matcher.match(portrait, fixtureImage(file, t));
      expect(result.decision, `${file}@${t} scored ${result.score}`).toBe('no-match');
    }
  }, 120_000);

  it('uses landmarks the caller already has instead of detecting', async () => {
    const frame = fixtureImage('face-video/talking-grid-s2.mp4', 2);
    const [face] = await matcher.detectFaces(frame);
    expect(face?.landmarks.length).toBe(468 * 3);
    const given = await matcher.embed(frame, { landmarks: face?.landmarks });
    expect(given.landmarkSource).toBe('given');
    expect(compareEmbeddings(portrait, given).decision).toBe('match');
  }, 60_000);

  it('says which image had no face', async () => {
    const blank = { width: 200, height: 200, data: new Uint8ClampedArray(200 * 200 * 4).fill(128) };
    const error = await matcher.match(blank, portrait).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DualrecError);
    expect(error).toMatchObject({ code: 'FACE_MATCH_NO_FACE', context: { role: 'reference' } });
    const probeError = await matcher.match(portrait, blank).catch((e: unknown) => e);
    expect(probeError).toMatchObject({ code: 'FACE_MATCH_NO_FACE', context: { role: 'probe' } });
  }, 60_000);

  it('refuses what is not an image, or too small to hold a face', async () => {
    await expect(matcher.embed({ width: 10, height: 10, data: new Uint8Array(3) })).rejects.toMatchObject({
      code: 'FACE_MATCH_IMAGE_INVALID',
    });
    await expect(matcher.embed({ width: 20, height: 20, data: new Uint8Array(1600) })).rejects.toMatchObject({
      code: 'FACE_MATCH_IMAGE_INVALID',
    });
  });

  it('stops on an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      matcher.embed(fixtureImage('face-still/grid-s2-frame.png'), { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('FaceMatcher lifecycle', () => {
  it('is unusable after close()', async () => {
    const matcher = await loadFaceMatcher({ backend: 'wasm' });
    matcher.close();
    matcher.close();
    await expect(matcher.embed(fixtureImage('face-still/grid-s2-portrait.png'))).rejects.toMatchObject({
      code: 'FACE_MATCH_CLOSED',
    });
  }, 60_000);

  it('refuses model files whose SHA-256 is not the pinned one', async () => {
    const { FaceMatcher } = await import('./matcher.js');
    await expect(
      FaceMatcher.load({ backend: 'cpu', readAsset: async () => new Uint8Array([1, 2, 3]) }),
    ).rejects.toMatchObject({ code: 'ASSET_HASH_MISMATCH' });
  });

  it('does not start on an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(loadFaceMatcher({ signal: controller.signal })).rejects.toBeDefined();
  });
});
