import { describe, expect, it } from 'vitest';
import { bestFrameScore } from './best-frame.js';
import { frameOf, syntheticMeasurement } from './test-faces.js';

describe('bestFrameScore', () => {
  it('prefers the sharper of two good frames and rejects turned, blinking, open-mouthed or shared frames', () => {
    const good = bestFrameScore(frameOf(0, [syntheticMeasurement({ sharpness: 900 })]));
    const soft = bestFrameScore(frameOf(0, [syntheticMeasurement({ sharpness: 300 })]));
    expect(good).toBeGreaterThan(soft);
    expect(soft).toBeGreaterThan(0);
    expect(bestFrameScore(frameOf(0, [syntheticMeasurement({ pose: { yaw: 20, pitch: 0, roll: 0 } })]))).toBe(
      0,
    );
    expect(bestFrameScore(frameOf(0, [syntheticMeasurement({ eyeClosure: 0.7, eyeOpenness: 0.05 })]))).toBe(
      0,
    );
    expect(bestFrameScore(frameOf(0, [syntheticMeasurement({ jawOpen: 0.4 })]))).toBe(0);
    expect(bestFrameScore(frameOf(0, [syntheticMeasurement(), syntheticMeasurement()]))).toBe(0);
    // One landmark past the frame edge is fine; a face cut off by the edge is not.
    expect(bestFrameScore(frameOf(0, [syntheticMeasurement({ outOfFrame: 0.004 })]))).toBeGreaterThan(0);
    expect(bestFrameScore(frameOf(0, [syntheticMeasurement({ outOfFrame: 0.05 })]))).toBe(0);
  });
});
