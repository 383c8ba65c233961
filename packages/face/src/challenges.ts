/**
 * Active-liveness challenges and how each is detected, relative to the applicant's neutral
 * baseline. Defaults were set on the fixture clips (README "Measured"): head turns there reach
 * only about ±12–17° from a 3–5° rest, nods +20/−15°, mouth opening a jawOpen rise of 0.5.
 */
import type { NeutralBaseline } from './baseline.js';
import { BlinkDetector, type BlinkThresholds } from './blink.js';
import type { FaceMeasurement } from './types.js';

export const CHALLENGE_KINDS = ['blink', 'turn-left', 'turn-right', 'nod', 'open-mouth'] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

export const CHALLENGE_PROMPTS: Record<ChallengeKind, { en: string; 'zh-CN': string }> = {
  blink: { en: 'Blink your eyes.', 'zh-CN': '请眨眨眼。' },
  'turn-left': { en: 'Slowly turn your head to your left.', 'zh-CN': '请缓慢向左转头。' },
  'turn-right': { en: 'Slowly turn your head to your right.', 'zh-CN': '请缓慢向右转头。' },
  nod: { en: 'Nod your head.', 'zh-CN': '请点点头。' },
  'open-mouth': { en: 'Open your mouth.', 'zh-CN': '请张张嘴。' },
};

export interface ChallengeThresholds {
  /** Yaw change from baseline for a turn, degrees (default 10). */
  turnDeg: number;
  /** Pitch excursion from baseline for a nod, degrees (default 10); the head must come back half-way. */
  nodDeg: number;
  /** jawOpen rise above baseline (default 0.25). */
  mouthRise: number;
  blink: BlinkThresholds;
}

export const DEFAULT_CHALLENGE_THRESHOLDS: ChallengeThresholds = {
  turnDeg: 10,
  nodDeg: 10,
  mouthRise: 0.25,
  blink: {},
};

export interface ChallengeProgress {
  /** 0..1, for a progress indicator. */
  progress: number;
  done: boolean;
  /** The measurement that completed the challenge (for the evidence log). */
  measure?: Record<string, number>;
}

export interface ChallengeDetector {
  readonly kind: ChallengeKind;
  push(face: FaceMeasurement | undefined, t: number): ChallengeProgress;
}

const NONE: ChallengeProgress = { progress: 0, done: false };

export function createChallengeDetector(
  kind: ChallengeKind,
  baseline: NeutralBaseline,
  thresholds: ChallengeThresholds = DEFAULT_CHALLENGE_THRESHOLDS,
): ChallengeDetector {
  switch (kind) {
    case 'blink': {
      const blink = new BlinkDetector(baseline, thresholds.blink);
      return {
        kind,
        push(face, t) {
          const found = blink.push(face, t);
          if (found)
            return {
              progress: 1,
              done: true,
              measure: {
                peakRise: found.peakRise,
                minOpennessRatio: found.minOpennessRatio,
                durationMs: found.end - found.start,
              },
            };
          return NONE;
        },
      };
    }
    case 'turn-left':
    case 'turn-right': {
      const sign = kind === 'turn-left' ? 1 : -1;
      return {
        kind,
        push(face) {
          if (!face) return NONE;
          const delta = sign * (face.pose.yaw - baseline.yaw);
          const progress = Math.max(0, Math.min(1, delta / thresholds.turnDeg));
          return progress >= 1
            ? { progress, done: true, measure: { yawDelta: sign * delta } }
            : { progress, done: false };
        },
      };
    }
    case 'nod': {
      // Either direction counts (a nod starts down for most people, up for some); it must come
      // back towards neutral, so a head simply held tilted is not a nod.
      let peak = 0;
      return {
        kind,
        push(face) {
          if (!face) return NONE;
          const delta = face.pose.pitch - baseline.pitch;
          if (Math.abs(delta) > Math.abs(peak)) peak = delta;
          const reached = Math.abs(peak) >= thresholds.nodDeg;
          if (reached && Math.abs(delta) <= thresholds.nodDeg / 2)
            return { progress: 1, done: true, measure: { pitchPeak: peak } };
          return {
            progress: Math.min(reached ? 0.9 : 0.8, (0.8 * Math.abs(peak)) / thresholds.nodDeg),
            done: false,
          };
        },
      };
    }
    case 'open-mouth':
      return {
        kind,
        push(face) {
          if (!face) return NONE;
          const rise = face.jawOpen - baseline.jawOpen;
          const progress = Math.max(0, Math.min(1, rise / thresholds.mouthRise));
          return progress >= 1
            ? { progress, done: true, measure: { jawOpenRise: rise } }
            : { progress, done: false };
        },
      };
  }
}

/**
 * Picks `count` distinct challenges from `pool` in random order. Consecutive turns in opposite
 * directions are fine; the same challenge twice is not (no information gained).
 */
export function pickChallenges(
  pool: readonly ChallengeKind[],
  count: number,
  random: () => number,
): ChallengeKind[] {
  const remaining = [...new Set(pool)];
  const out: ChallengeKind[] = [];
  while (out.length < count && remaining.length) {
    const i = Math.floor(random() * remaining.length);
    out.push(...remaining.splice(i, 1));
  }
  return out;
}
