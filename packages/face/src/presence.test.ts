import { describe, expect, it } from 'vitest';
import { PresenceMonitor } from './presence.js';
import { frameOf, syntheticMeasurement } from './test-faces.js';

const one = () => [syntheticMeasurement()];
const turned = () => [syntheticMeasurement({ pose: { yaw: 40, pitch: 0, roll: 0 } })];

describe('PresenceMonitor', () => {
  it('reports per segment the share of time with one (frontal) face, and absence as a span', () => {
    const p = new PresenceMonitor();
    p.segmentStart('disclosure', 0);
    const events = [];
    for (let t = 0; t < 10_000; t += 100) {
      const faces = t >= 4000 && t < 5000 ? [] : t >= 8000 ? turned() : one();
      events.push(...p.push(frameOf(t, faces)));
    }
    events.push(p.segmentEnd(10_000));
    expect(events.find((e) => e?.type === 'face.absent')).toMatchObject({ t: 4000 });
    expect(events.find((e) => e?.type === 'face.absent.end')).toMatchObject({
      start: 4000,
      end: 5000,
      durationMs: 1000,
    });
    expect(events.at(-1)).toMatchObject({
      type: 'face.presence',
      segmentId: 'disclosure',
      onePresentPct: 90,
      oneFrontalPct: 70,
      noFacePct: 10,
      multiplePct: 0,
      unobservedPct: 0,
    });
  });

  it('time without frames beyond the gap limit is unobserved, not present', () => {
    const p = new PresenceMonitor({ maxFrameGapMs: 500 });
    p.segmentStart('s', 0);
    p.push(frameOf(0, one()));
    p.push(frameOf(4000, one()));
    expect(p.segmentEnd(4000)).toMatchObject({ onePresentPct: 12.5, unobservedPct: 87.5 });
  });

  it('a second face is an event with its span; it is persistent after a second', () => {
    const p = new PresenceMonitor();
    const events = [];
    for (let t = 0; t <= 3000; t += 100) {
      const faces = t >= 1000 && t < 2500 ? [...one(), ...one()] : one();
      events.push(...p.push(frameOf(t, faces)));
    }
    expect(events.find((e) => e.type === 'face.multiple')).toMatchObject({ t: 1000, count: 2 });
    expect(events.find((e) => e.type === 'face.multiple.end')).toMatchObject({
      durationMs: 1500,
      persistent: true,
    });
    expect(p.persistentMultiple).toBe(true);
  });

  it('finish closes open spans', () => {
    const p = new PresenceMonitor();
    p.push(frameOf(0, []));
    expect(p.finish(700).map((e) => e.type)).toEqual(['face.absent.end']);
  });
});
