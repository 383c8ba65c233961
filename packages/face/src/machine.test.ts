import { isDualrecError } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';
import { pickChallenges } from './challenges.js';
import { AttemptLimiter } from './limiter.js';
import { LivenessMachine } from './machine.js';
import { seededRandom } from './stats.js';
import { frameOf, syntheticLandmarks, syntheticMeasurement } from './test-faces.js';
import type { FaceMeasurement } from './types.js';

const DT = 1000 / 15;

/** Drives a machine with one face per frame from `face(i)` until done or `maxFrames`. */
function drive(
  m: LivenessMachine,
  face: (i: number) => Partial<FaceMeasurement> | null,
  maxFrames = 600,
  count = 1,
) {
  const events = m.send({ type: 'start', t: 0 });
  for (let i = 1; i <= maxFrames && !m.done; i++) {
    const f = face(i);
    const faces = f === null ? [] : Array.from({ length: count }, () => syntheticMeasurement(f));
    events.push(...m.send({ type: 'frame', frame: frameOf(i * DT, faces, i) }));
  }
  return events;
}

/** A live-looking face: small expression wobble and head parallax, and a blink every 3 s. */
function live(i: number, extra: Partial<FaceMeasurement> = {}): Partial<FaceMeasurement> {
  const blink = i % 45 === 20 || i % 45 === 21;
  return {
    landmarks: syntheticLandmarks({ yaw: 2 * Math.sin(i / 7) }),
    blendshapes: { mouthSmileLeft: 0.1 + 0.06 * Math.sin(i / 3), browInnerUp: 0.1 + 0.06 * Math.cos(i / 4) },
    ...(blink ? { eyeClosure: 0.7, eyeOpenness: 0.03 } : {}),
    ...extra,
  };
}

describe('LivenessMachine', () => {
  it('rejects bad configuration with LIVENESS_CONFIG_INVALID', () => {
    for (const config of [
      { challenges: ['wink' as never] },
      { challenges: { pool: [], count: 1 } },
      { challenges: { count: 9 } },
      { challengeTimeoutMs: -1 },
      { challenges: [], requirePassive: false },
    ]) {
      let error: unknown;
      try {
        new LivenessMachine(config);
      } catch (e) {
        error = e;
      }
      expect(isDualrecError(error, 'LIVENESS_CONFIG_INVALID'), JSON.stringify(config)).toBe(true);
    }
  });

  it('draws the challenges from the injected random source', () => {
    const a = new LivenessMachine({ random: seededRandom(1), challenges: { count: 3 } }).challenges;
    const b = new LivenessMachine({ random: seededRandom(1), challenges: { count: 3 } }).challenges;
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(3);
    const orders = new Set(
      Array.from({ length: 20 }, (_, s) =>
        pickChallenges(['blink', 'nod', 'open-mouth'], 3, seededRandom(s)).join(),
      ),
    );
    expect(orders.size).toBeGreaterThan(3);
  });

  it('positioning → baseline → challenges → passed, each step in the log', () => {
    const m = new LivenessMachine({ challenges: ['turn-left', 'open-mouth'] });
    const events = drive(m, (i) => {
      // Frames 1–30: neutral; 31–40 head turned 14° to the left; then the mouth opens.
      if (i > 30 && i <= 40) return live(i, { pose: { yaw: 14, pitch: 0, roll: 0 } });
      if (i > 50 && i <= 55) return live(i, { jawOpen: 0.4 });
      return live(i);
    });
    expect(m.state.name).toBe('passed');
    const types = events.map((e) => e.type);
    expect(types.indexOf('face.baseline')).toBeLessThan(types.indexOf('face.challenge.start'));
    expect(events.filter((e) => e.type === 'face.challenge.passed').map((e) => e.kind)).toEqual([
      'turn-left',
      'open-mouth',
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'face.liveness.result',
      verdict: 'passed',
      challengesPassed: 2,
    });
  });

  it("a turn is measured from the applicant's own rest pose, not from zero", () => {
    const m = new LivenessMachine({ challenges: ['turn-right'], requirePassive: false });
    // Rest pose yaw +6° (camera off to one side); a turn to -2° is only 8° and does not count.
    drive(m, (i) => live(i, { pose: { yaw: i > 30 ? -2 : 6, pitch: 0, roll: 0 } }), 400);
    expect(m.state).toMatchObject({ name: 'failed', reason: 'challenge-timeout' });
  });

  it('a timed-out challenge is retried once, then fails and counts against the limit', () => {
    const limiter = new AttemptLimiter({ maxFailures: 2 });
    const m = new LivenessMachine({
      challenges: ['blink'],
      challengeTimeoutMs: 2000,
      limiter,
      requirePassive: false,
    });
    const events = drive(m, () => ({}));
    expect(events.filter((e) => e.type === 'face.challenge.failed').map((e) => e.retry)).toEqual([
      true,
      false,
    ]);
    expect(m.outcome).toMatchObject({ verdict: 'failed', reasons: ['challenge-timeout'] });
    const t = (m.state as { at: number }).at;
    expect(limiter.lockedUntil(t)).toBeUndefined();
    limiter.recordFailure(t + 1);
    const locked = new LivenessMachine({ challenges: ['blink'], limiter });
    locked.send({ type: 'start', t: t + 2 });
    expect(locked.state).toMatchObject({ name: 'locked-out', until: t + 1 + 300_000 });
  });

  it('a second face that stays fails the step; a lost face fails a challenge', () => {
    const two = new LivenessMachine({ challenges: ['blink'] });
    const events = drive(two, (i) => live(i), 100, 2);
    expect(two.outcome?.reasons).toEqual(['multiple-faces']);
    expect(events.some((e) => e.type === 'face.multiple')).toBe(true);
    expect(events.find((e) => e.type === 'face.multiple.end')).toMatchObject({ persistent: true });

    const lost = new LivenessMachine({ challenges: ['nod'] });
    drive(lost, (i) => (i > 40 ? null : live(i)));
    expect(lost.outcome?.reasons).toEqual(['face-lost']);
  });

  it('passive-only: a live face passes, a still photo fails after the passive time limit', () => {
    const ok = new LivenessMachine({ challenges: [] });
    drive(ok, (i) => live(i));
    expect(ok.outcome).toMatchObject({ verdict: 'passed' });
    const photo = new LivenessMachine({ challenges: [] });
    drive(photo, () => ({}));
    expect(photo.outcome).toMatchObject({ verdict: 'failed', reasons: ['passive-failed'] });
    expect(photo.outcome?.durationMs).toBeGreaterThanOrEqual(8000);
  });

  it('passive-only on a slow device: too few frames by the time limit means observe longer, not fail', () => {
    // 2 analysed frames a second: 16 frames at 8 s, fewer than the 30 the passive check needs.
    const slow = new LivenessMachine({ challenges: [] });
    slow.send({ type: 'start', t: 0 });
    for (let i = 1; i <= 200 && !slow.done; i++)
      slow.send({ type: 'frame', frame: frameOf(i * 500, [syntheticMeasurement(live(i))], i) });
    expect(slow.outcome).toMatchObject({ verdict: 'passed' });
    expect(slow.outcome?.durationMs).toBeGreaterThan(8000);
    // A still photo at that rate still fails, once the hard limit (3 × 8 s) has passed.
    const photo = new LivenessMachine({ challenges: [] });
    photo.send({ type: 'start', t: 0 });
    for (let i = 1; i <= 200 && !photo.done; i++)
      photo.send({ type: 'frame', frame: frameOf(i * 500, [syntheticMeasurement({})], i) });
    expect(photo.outcome).toMatchObject({ verdict: 'failed', reasons: ['passive-failed'] });
    // Rejected on the measure as soon as it could be judged (30 frames ≈ 15 s), before the 24 s limit.
    expect(photo.outcome?.durationMs).toBeLessThan(24_000);
    expect(() => new LivenessMachine({ challenges: [], passiveMaxMs: 0 })).toThrow();
  });

  it('active challenges passed by a photo-like face still fail on the passive check', () => {
    const m = new LivenessMachine({ challenges: ['turn-left'] });
    drive(m, (i) => (i > 30 ? { pose: { yaw: 15, pitch: 0, roll: 0 } } : {}));
    expect(m.outcome).toMatchObject({ verdict: 'failed', reasons: ['passive-failed'], challengesPassed: 1 });
  });

  it('cancel ends the step without counting a failure', () => {
    const limiter = new AttemptLimiter({ maxFailures: 1 });
    const m = new LivenessMachine({ limiter });
    m.send({ type: 'start', t: 0 });
    m.send({ type: 'cancel', t: 10 });
    expect(m.outcome?.verdict).toBe('cancelled');
    expect(limiter.lockedUntil(20)).toBeUndefined();
  });

  it('positioning times out on ticks alone when no usable face ever comes', () => {
    const m = new LivenessMachine({ positioningTimeoutMs: 5000 });
    m.send({ type: 'start', t: 0 });
    m.send({ type: 'tick', t: 4999 });
    expect(m.done).toBe(false);
    m.send({ type: 'tick', t: 5000 });
    expect(m.outcome?.reasons).toEqual(['positioning-timeout']);
  });
});
