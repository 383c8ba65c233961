import { describe, expect, it } from 'vitest';
import { baselineOf } from './baseline.js';
import { createChallengeDetector } from './challenges.js';
import { syntheticMeasurement } from './test-faces.js';

const rest = baselineOf([syntheticMeasurement({ pose: { yaw: 4, pitch: 6, roll: 0 }, jawOpen: 0.05 })]);
const at = (yaw: number, pitch = 6, jawOpen = 0.05) =>
  syntheticMeasurement({ pose: { yaw, pitch, roll: 0 }, jawOpen });

describe('challenge detectors (head-move-webcam rests near yaw 4°, pitch 6°)', () => {
  it('turn left needs +10° from rest, turn right −10°; the other direction does nothing', () => {
    const left = createChallengeDetector('turn-left', rest);
    expect(left.push(at(12), 0).done).toBe(false);
    expect(left.push(at(-12), 1).progress).toBe(0);
    expect(left.push(at(17), 2)).toMatchObject({ done: true, measure: { yawDelta: 13 } });
    const right = createChallengeDetector('turn-right', rest);
    expect(right.push(at(-5), 0).done).toBe(false);
    expect(right.push(at(-6.5), 1).done).toBe(true);
  });

  it('a nod must go at least 10° and come back half-way, in either direction', () => {
    const nod = createChallengeDetector('nod', rest);
    expect(nod.push(at(4, 26), 0).done).toBe(false);
    expect(nod.push(at(4, 20), 1).done).toBe(false);
    expect(nod.push(at(4, 9), 2)).toMatchObject({ done: true, measure: { pitchPeak: 20 } });
    const held = createChallengeDetector('nod', rest);
    for (let i = 0; i < 10; i++) expect(held.push(at(4, -8), i).done).toBe(false);
  });

  it('open mouth is a jawOpen rise of 0.25 over rest', () => {
    const mouth = createChallengeDetector('open-mouth', rest);
    expect(mouth.push(at(4, 6, 0.25), 0).done).toBe(false);
    expect(mouth.push(at(4, 6, 0.5), 1).done).toBe(true);
    expect(mouth.push(undefined, 2).done).toBe(false);
  });
});
