import { describe, expect, it } from 'vitest';
import {
  eyeAspectRatio,
  guideFit,
  headPose,
  landmarkBox,
  mouthOpenness,
  outOfFrameFraction,
} from './geometry.js';
import { syntheticLandmarks } from './test-faces.js';

describe('headPose', () => {
  it('reads a frontal face as zero', () => {
    const p = headPose(syntheticLandmarks(), 4 / 3);
    expect(p.yaw).toBeCloseTo(0, 5);
    expect(p.pitch).toBeCloseTo(0, 5);
    expect(p.roll).toBeCloseTo(0, 5);
  });

  it.each([
    [15, 0, 0],
    [-12, 0, 0],
    [0, 20, 0],
    [0, -25, 0],
    [0, 0, 10],
    [10, -8, 5],
  ])('recovers yaw %d, pitch %d, roll %d from rotated landmarks', (yaw, pitch, roll) => {
    const p = headPose(syntheticLandmarks({ yaw, pitch, roll }), 4 / 3);
    expect(p.yaw).toBeCloseTo(yaw, 0);
    expect(p.pitch).toBeCloseTo(pitch, 0);
    expect(p.roll).toBeCloseTo(roll, 0);
  });

  it('is independent of the frame aspect ratio', () => {
    const p = headPose(syntheticLandmarks({ yaw: 14, aspect: 9 / 16 }), 9 / 16);
    expect(p.yaw).toBeCloseTo(14, 0);
  });

  it("a turn to the applicant's left moves the nose towards the image right and reads positive", () => {
    const lm = syntheticLandmarks({ yaw: 20 });
    expect(lm[1 * 3] as number).toBeGreaterThan(0.5);
    expect(headPose(lm, 4 / 3).yaw).toBeGreaterThan(0);
  });
});

describe('openness', () => {
  it('eye aspect ratio follows the lid gap', () => {
    expect(eyeAspectRatio(syntheticLandmarks({ ear: 0.3 }), 4 / 3)).toBeCloseTo(0.3, 2);
    expect(eyeAspectRatio(syntheticLandmarks({ ear: 0.05 }), 4 / 3)).toBeCloseTo(0.05, 2);
  });

  it('mouth openness is the lip gap over face height', () => {
    expect(mouthOpenness(syntheticLandmarks(), 4 / 3)).toBeCloseTo(0, 5);
    expect(mouthOpenness(syntheticLandmarks({ lipGap: 0.19 }), 4 / 3)).toBeCloseTo(0.1, 2);
  });
});

describe('box and guide', () => {
  it('clips the box to the frame and counts landmarks outside it', () => {
    const lm = syntheticLandmarks({ cx: 0.95 });
    const box = landmarkBox(lm);
    expect(box.x + box.width).toBeLessThanOrEqual(1);
    expect(outOfFrameFraction(lm)).toBeGreaterThan(0.2);
    expect(outOfFrameFraction(syntheticLandmarks())).toBe(0);
  });

  it('expresses the face centre in oval radii and its height in oval heights', () => {
    const fit = guideFit(
      { x: 0.4, y: 0.3, width: 0.2, height: 0.36 },
      { cx: 0.5, cy: 0.5, rx: 0.25, ry: 0.36 },
    );
    expect(fit.dx).toBeCloseTo(0, 6);
    expect(fit.dy).toBeCloseTo((0.48 - 0.5) / 0.36, 6);
    expect(fit.size).toBeCloseTo(0.5, 6);
  });
});
