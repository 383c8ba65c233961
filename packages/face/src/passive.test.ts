import { describe, expect, it } from 'vitest';
import { affineResidual, EXPRESSIVE_BLENDSHAPES, PassiveLivenessMonitor } from './passive.js';
import { frameOf, syntheticLandmarks, syntheticMeasurement } from './test-faces.js';

function points(lm: Float32Array): Float64Array {
  const out = new Float64Array((lm.length / 3) * 2);
  for (let i = 0; i < lm.length / 3; i++) {
    out[i * 2] = lm[i * 3] as number;
    out[i * 2 + 1] = lm[i * 3 + 1] as number;
  }
  return out;
}

describe('affineResidual', () => {
  it('is zero for a flat picture moved, scaled, rotated and sheared', () => {
    const a = points(syntheticLandmarks());
    const b = new Float64Array(a.length);
    for (let i = 0; i < a.length; i += 2) {
      const x = a[i] as number;
      const y = a[i + 1] as number;
      b[i] = 1.1 * x + 0.2 * y + 0.05;
      b[i + 1] = -0.1 * x + 0.9 * y - 0.02;
    }
    expect(affineResidual(a, b)).toBeLessThan(1e-9);
  });

  it('is not zero for a 3-D head turning (parallax)', () => {
    const a = points(syntheticLandmarks());
    const b = points(syntheticLandmarks({ yaw: 12 }));
    expect(affineResidual(a, b)).toBeGreaterThan(1e-3);
  });
});

function still(
  monitor: PassiveLivenessMonitor,
  seconds: number,
  vary?: (i: number) => Parameters<typeof syntheticMeasurement>[0],
) {
  for (let i = 0; i < seconds * 15; i++)
    monitor.push(frameOf(i * 66.7, [syntheticMeasurement(vary?.(i))], i));
}

describe('PassiveLivenessMonitor', () => {
  it('a still photo (identical frames) scores 0 and fails once decided', () => {
    const m = new PassiveLivenessMonitor();
    still(m, 2);
    expect(m.result()).toMatchObject({ decided: false, live: false });
    still(m, 4);
    expect(m.result()).toMatchObject({ decided: true, live: false, score: 0, blinks: 0 });
  });

  it('a photo moved about by hand (affine motion only) still fails', () => {
    const m = new PassiveLivenessMonitor();
    still(m, 5, (i) => {
      const lm = syntheticLandmarks();
      for (let k = 0; k < lm.length; k += 3) {
        lm[k] = (lm[k] as number) * (1 + 0.05 * Math.sin(i / 5)) + 0.02 * Math.cos(i / 7);
        lm[k + 1] = (lm[k + 1] as number) + 0.03 * Math.sin(i / 4);
      }
      return { landmarks: lm };
    });
    const r = m.result();
    expect(r.nonRigid).toBeLessThan(1e-4);
    expect(r.live).toBe(false);
  });

  it('one blink is enough evidence', () => {
    const m = new PassiveLivenessMonitor();
    still(m, 5, (i) => (i === 30 || i === 31 ? { eyeClosure: 0.75, eyeOpenness: 0.02 } : {}));
    expect(m.result()).toMatchObject({ decided: true, live: true, blinks: 1, score: 1 });
  });

  it('expression changes and head parallax count without blinks', () => {
    const m = new PassiveLivenessMonitor();
    still(m, 5, (i) => ({
      landmarks: syntheticLandmarks({ yaw: 8 * Math.sin(i / 6) }),
      blendshapes: Object.fromEntries(EXPRESSIVE_BLENDSHAPES.map((n) => [n, 0.1 + 0.08 * Math.sin(i / 3)])),
    }));
    const r = m.result();
    expect(r.blinks).toBe(0);
    expect(r.live).toBe(true);
    expect(r.score).toBeGreaterThan(0.5);
  });

  it('frames with no face or two faces are not used', () => {
    const m = new PassiveLivenessMonitor();
    for (let i = 0; i < 60; i++)
      m.push(frameOf(i * 66.7, i % 2 ? [] : [syntheticMeasurement(), syntheticMeasurement()]));
    expect(m.result().frames).toBe(0);
  });
});
