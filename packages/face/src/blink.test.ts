import { describe, expect, it } from 'vitest';
import { baselineOf } from './baseline.js';
import { BlinkDetector, eyesShut } from './blink.js';
import { syntheticMeasurement } from './test-faces.js';

// The glasses wearer of blink-webcam: open eyes read 0.09 closure / 0.30 aspect ratio; blinks
// peak at 0.47–0.75 closure (15 fps), one of them with the aspect ratio only down to 0.11.
const base = baselineOf([syntheticMeasurement({ eyeClosure: 0.09, eyeOpenness: 0.3 })]);
const face = (eyeClosure: number, eyeOpenness: number) => syntheticMeasurement({ eyeClosure, eyeOpenness });

describe('blink detection against the baseline', () => {
  it('a 0.47 peak (glasses, 15 fps) is a shut eye for a 0.09 baseline, open-eye noise is not', () => {
    expect(eyesShut(face(0.47, 0.11), base)).toBe(true);
    expect(eyesShut(face(0.36, 0.2), base)).toBe(false);
    expect(eyesShut(face(0.25, 0.28), base)).toBe(false);
  });

  it('the eyelid aspect ratio alone can mark a blink the blendshape misses', () => {
    expect(eyesShut(face(0.2, 0.12), base)).toBe(true);
  });

  it('the same absolute closure is not a blink for someone whose eyes rest half shut', () => {
    const squint = baselineOf([syntheticMeasurement({ eyeClosure: 0.45, eyeOpenness: 0.2 })]);
    expect(eyesShut(face(0.55, 0.19), squint)).toBe(false);
    expect(eyesShut(face(0.8, 0.05), squint)).toBe(true);
  });

  it('reports one blink per close–open cycle with its span and depth', () => {
    const d = new BlinkDetector(base);
    const series: [number, number, number][] = [
      [0, 0.09, 0.3],
      [66, 0.5, 0.12],
      [133, 0.72, 0.01],
      [200, 0.3, 0.2],
      [266, 0.1, 0.3],
      [333, 0.09, 0.31],
    ];
    const blinks = series.map(([t, c, o]) => d.push(face(c, o), t)).filter((b) => b !== undefined);
    expect(blinks).toHaveLength(1);
    expect(blinks[0]).toMatchObject({ start: 66, end: 266 });
    expect(blinks[0]?.peakRise).toBeCloseTo(0.63, 2);
  });

  it('eyes held shut for more than a second are not a blink, and a lost face voids a closure', () => {
    const d = new BlinkDetector(base);
    d.push(face(0.8, 0.02), 0);
    d.push(face(0.8, 0.02), 1200);
    expect(d.heldShut).toBe(true);
    expect(d.push(face(0.09, 0.3), 1300)).toBeUndefined();
    d.push(face(0.8, 0.02), 2000);
    d.push(undefined, 2066);
    expect(d.push(face(0.09, 0.3), 2133)).toBeUndefined();
  });
});
