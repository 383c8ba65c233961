import { describe, expect, it } from 'vitest';
import { FEEDBACK_CODES, FEEDBACK_MESSAGES, faceIssues, QualityMonitor } from './quality.js';
import { frameOf, syntheticMeasurement } from './test-faces.js';

describe('quality feedback', () => {
  it('every code has both prompts', () => {
    for (const code of FEEDBACK_CODES) {
      expect(FEEDBACK_MESSAGES[code].en.length).toBeGreaterThan(5);
      expect(FEEDBACK_MESSAGES[code]['zh-CN'].length).toBeGreaterThan(3);
    }
  });

  it('a well-placed face has no issues; each fault maps to its code', () => {
    expect(faceIssues(syntheticMeasurement())).toEqual([]);
    expect(faceIssues(syntheticMeasurement({ brightness: 0.1 }))).toEqual(['too-dark']);
    expect(faceIssues(syntheticMeasurement({ brightness: 0.95 }))).toEqual(['too-bright']);
    expect(faceIssues(syntheticMeasurement({ guide: { dx: 0, dy: 0, size: 0.3 } }))).toEqual(['too-far']);
    expect(faceIssues(syntheticMeasurement({ guide: { dx: 0, dy: 0, size: 1.6 } }))).toEqual(['too-close']);
    expect(faceIssues(syntheticMeasurement({ guide: { dx: 0.9, dy: 0, size: 0.8 } }))).toEqual([
      'off-centre',
    ]);
    expect(faceIssues(syntheticMeasurement({ outOfFrame: 0.3 }))).toEqual(['face-occluded']);
    expect(faceIssues(syntheticMeasurement({ pose: { yaw: 30, pitch: 0, roll: 0 } }))).toEqual([
      'face-turned',
    ]);
  });

  it('no face and a second face come first, in priority order', () => {
    const q = new QualityMonitor();
    expect(q.push(frameOf(0, []))).toEqual(['no-face']);
    expect(q.push(frameOf(66, [syntheticMeasurement({ brightness: 0.1 }), syntheticMeasurement()]))).toEqual([
      'multiple-faces',
      'too-dark',
    ]);
  });

  it('fast movement and eyes shut for a second are noticed over time', () => {
    const q = new QualityMonitor();
    q.push(frameOf(0, [syntheticMeasurement()]));
    const moved = syntheticMeasurement({ box: { x: 0.45, y: 0.2, width: 0.4, height: 0.6 } });
    expect(q.push(frameOf(66, [moved]))).toContain('too-much-motion');
    const shut = { eyeClosure: 0.7, eyeOpenness: 0.05, box: moved.box };
    expect(q.push(frameOf(133, [syntheticMeasurement(shut)]))).toEqual([]);
    expect(q.push(frameOf(1200, [syntheticMeasurement(shut)]))).toEqual(['eyes-closed']);
  });
});
