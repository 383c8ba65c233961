/**
 * The liveness step as an explicit state machine, with no DOM, timers or model inside: the
 * controller feeds it frames and clock ticks, and it answers with its new state and the events to
 * record. Time comes only from the inputs and randomness only from the injected `random`, so a
 * run is reproducible from its inputs.
 *
 *   idle ─start→ positioning ─quality ok for N frames→ baseline ─steady neutral face→
 *     challenge[0] → challenge[1] → … → (passive-wait) → passed
 *   observing (passive-only mode) → passed
 *   any active state → failed (reason) · start while over the failure limit → locked-out
 *
 * Failure reasons: `positioning-timeout`, `challenge-timeout`, `face-lost`, `multiple-faces`,
 * `passive-failed`, `cancelled`.
 */
import { DualrecError } from '@dualrec/evidence';
import { BaselineCollector, type BaselineOptions, type NeutralBaseline } from './baseline.js';
import {
  CHALLENGE_KINDS,
  type ChallengeDetector,
  type ChallengeKind,
  type ChallengeThresholds,
  createChallengeDetector,
  DEFAULT_CHALLENGE_THRESHOLDS,
  pickChallenges,
} from './challenges.js';
import { type FaceEvent, faceEvent } from './events.js';
import { AttemptLimiter } from './limiter.js';
import { PassiveLivenessMonitor, type PassiveOptions, type PassiveResult } from './passive.js';
import { PresenceMonitor } from './presence.js';
import { type FeedbackCode, QualityMonitor, type QualityThresholds } from './quality.js';
import type { FrameMeasurement } from './types.js';

export const FAILURE_REASONS = [
  'positioning-timeout',
  'challenge-timeout',
  'face-lost',
  'multiple-faces',
  'passive-failed',
  'cancelled',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface LivenessConfig {
  /**
   * Which challenges: a fixed list (in that order), or `{ pool, count }` drawn at random
   * (default: 2 from all five). An empty list means passive-only.
   */
  challenges?: readonly ChallengeKind[] | { pool?: readonly ChallengeKind[]; count?: number };
  /** The passive check must also pass (default true). */
  requirePassive?: boolean;
  /** Per-challenge time limit, ms (default 8000). */
  challengeTimeoutMs?: number;
  /** Extra attempts of a timed-out challenge before the step fails (default 1). */
  retriesPerChallenge?: number;
  /** Time to get a usable face in the oval, ms (default 30 000). */
  positioningTimeoutMs?: number;
  /** Consecutive good frames needed to leave positioning (default 5). */
  goodFramesToStart?: number;
  /** Passive-only mode, or waiting for the passive verdict after the challenges: give up after, ms (default 8000). */
  passiveTimeoutMs?: number;
  /**
   * When the passive time limit comes with too few frames to judge (a slow phone analyses fewer
   * frames per second), keep observing up to this long before failing, ms (default 3 × the
   * passive time limit). Judged by what was measured, never by a frame count a slow device cannot
   * reach in time.
   */
  passiveMaxMs?: number;
  /** No face this long during a challenge fails the step, ms (default 2000). */
  faceLostMs?: number;
  /** A second face this long fails the step, ms (default 1000). */
  multipleFacesMs?: number;
  thresholds?: Partial<ChallengeThresholds>;
  quality?: Partial<QualityThresholds>;
  baseline?: BaselineOptions;
  passive?: PassiveOptions;
  limiter?: AttemptLimiter;
  random?: () => number;
}

export type LivenessState =
  | { name: 'idle' }
  | { name: 'positioning'; since: number; feedback: FeedbackCode[] }
  | { name: 'baseline'; since: number; feedback: FeedbackCode[] }
  | { name: 'observing'; since: number; feedback: FeedbackCode[] }
  | {
      name: 'challenge';
      index: number;
      kind: ChallengeKind;
      attempt: number;
      startedAt: number;
      progress: number;
      feedback: FeedbackCode[];
    }
  | { name: 'passive-wait'; since: number; feedback: FeedbackCode[] }
  | { name: 'passed'; at: number }
  | { name: 'failed'; at: number; reason: FailureReason }
  | { name: 'locked-out'; at: number; until: number };

export type LivenessInput =
  | { type: 'start'; t: number }
  | { type: 'frame'; frame: FrameMeasurement }
  | { type: 'tick'; t: number }
  | { type: 'cancel'; t: number };

export interface LivenessOutcome {
  verdict: 'passed' | 'failed' | 'locked-out' | 'cancelled';
  reasons: string[];
  challenges: ChallengeKind[];
  challengesPassed: number;
  passive: PassiveResult;
  baseline: NeutralBaseline | undefined;
  durationMs: number;
}

function validate(config: LivenessConfig): void {
  const bad = (detail: string) => new DualrecError('LIVENESS_CONFIG_INVALID', { detail });
  const list = Array.isArray(config.challenges)
    ? config.challenges
    : ((config.challenges as { pool?: readonly ChallengeKind[] } | undefined)?.pool ?? []);
  for (const k of list)
    if (!(CHALLENGE_KINDS as readonly string[]).includes(k)) throw bad(`unknown challenge "${String(k)}"`);
  if (!Array.isArray(config.challenges) && config.challenges) {
    const { pool, count } = config.challenges as { pool?: readonly ChallengeKind[]; count?: number };
    if (pool && pool.length === 0) throw bad('the challenge pool is empty');
    if (
      count !== undefined &&
      (!Number.isInteger(count) || count < 1 || count > (pool ?? CHALLENGE_KINDS).length)
    )
      throw bad(`challenge count ${count} must be 1..${(pool ?? CHALLENGE_KINDS).length}`);
  }
  for (const key of [
    'challengeTimeoutMs',
    'positioningTimeoutMs',
    'passiveTimeoutMs',
    'passiveMaxMs',
    'faceLostMs',
    'multipleFacesMs',
  ] as const) {
    const v = config[key];
    if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw bad(`${key} must be a positive number`);
  }
  const r = config.retriesPerChallenge;
  if (r !== undefined && !(Number.isInteger(r) && r >= 0 && r <= 10))
    throw bad('retriesPerChallenge must be 0..10');
  if (config.requirePassive === false && Array.isArray(config.challenges) && config.challenges.length === 0)
    throw bad('no challenges and no passive check: nothing would be checked');
}

export class LivenessMachine {
  state: LivenessState = { name: 'idle' };
  readonly challenges: ChallengeKind[];
  readonly passive: PassiveLivenessMonitor;
  readonly presence: PresenceMonitor;
  readonly quality: QualityMonitor;
  private readonly limiter: AttemptLimiter;
  private readonly thresholds: ChallengeThresholds;
  private readonly baselineCollector: BaselineCollector;
  private baseline: NeutralBaseline | undefined;
  private detector: ChallengeDetector | undefined;
  private goodFrames = 0;
  private lastFaceAt = 0;
  private startedAt = 0;
  private passed = 0;
  private lastFeedback = '';
  private outcomeValue: LivenessOutcome | undefined;

  constructor(private readonly config: LivenessConfig = {}) {
    validate(config);
    const random = config.random ?? Math.random;
    const c = config.challenges;
    this.challenges = Array.isArray(c)
      ? [...(c as readonly ChallengeKind[])]
      : pickChallenges(
          (c as { pool?: readonly ChallengeKind[] } | undefined)?.pool ?? CHALLENGE_KINDS,
          (c as { count?: number } | undefined)?.count ?? 2,
          random,
        );
    this.passive = new PassiveLivenessMonitor(config.passive);
    this.presence = new PresenceMonitor({ multiplePersistMs: config.multipleFacesMs ?? 1000 });
    this.quality = new QualityMonitor(config.quality);
    this.limiter = config.limiter ?? new AttemptLimiter();
    this.thresholds = {
      ...DEFAULT_CHALLENGE_THRESHOLDS,
      ...config.thresholds,
      blink: { ...DEFAULT_CHALLENGE_THRESHOLDS.blink, ...config.thresholds?.blink },
    };
    this.baselineCollector = new BaselineCollector(config.baseline);
  }

  /** The neutral baseline, once measured. */
  get currentBaseline(): NeutralBaseline | undefined {
    return this.baseline;
  }

  get done(): boolean {
    return ['passed', 'failed', 'locked-out'].includes(this.state.name);
  }

  /** Set once the step has ended. */
  get outcome(): LivenessOutcome | undefined {
    return this.outcomeValue;
  }

  send(input: LivenessInput): FaceEvent[] {
    const events: FaceEvent[] = [];
    if (this.done) return events;
    switch (input.type) {
      case 'start':
        this.start(input.t, events);
        break;
      case 'frame':
        if (this.state.name !== 'idle') this.frame(input.frame, events);
        break;
      case 'tick':
        if (this.state.name !== 'idle') this.timeouts(input.t, events);
        break;
      case 'cancel':
        this.finish(input.t, 'cancelled', events);
        break;
    }
    return events;
  }

  private start(t: number, events: FaceEvent[]): void {
    if (this.state.name !== 'idle') return;
    this.startedAt = t;
    this.lastFaceAt = t;
    const until = this.limiter.lockedUntil(t);
    events.push(
      faceEvent('face.liveness.start', t, {
        mode: this.challenges.length === 0 ? 'passive' : this.requirePassive ? 'active+passive' : 'active',
        challenges: this.challenges,
        challengeTimeoutMs: this.config.challengeTimeoutMs ?? 8000,
        retriesPerChallenge: this.config.retriesPerChallenge ?? 1,
      }),
    );
    if (until !== undefined) {
      this.state = { name: 'locked-out', at: t, until };
      this.setOutcome(t, 'locked-out', ['locked-out'], events);
      return;
    }
    this.state =
      this.challenges.length === 0
        ? { name: 'observing', since: t, feedback: [] }
        : { name: 'positioning', since: t, feedback: [] };
  }

  private get requirePassive(): boolean {
    return this.config.requirePassive ?? true;
  }

  private frame(frame: FrameMeasurement, events: FaceEvent[]): void {
    const t = frame.t;
    events.push(...this.presence.push(frame));
    this.passive.push(frame);
    const feedback = this.quality.push(frame);
    const key = feedback.join(',');
    if (key !== this.lastFeedback) {
      this.lastFeedback = key;
      events.push(faceEvent('face.feedback', t, { codes: feedback }));
    }
    if (frame.faces.length > 0) this.lastFaceAt = t;
    const face = frame.faces.length === 1 ? frame.faces[0] : undefined;
    const s = this.state;
    if ('feedback' in s) s.feedback = feedback;

    switch (s.name) {
      case 'positioning':
        this.goodFrames = feedback.length === 0 ? this.goodFrames + 1 : 0;
        if (this.goodFrames >= (this.config.goodFramesToStart ?? 5))
          this.state = { name: 'baseline', since: t, feedback };
        break;
      case 'baseline': {
        const blocking = feedback.filter((c) => c !== 'eyes-closed');
        if (!face || blocking.length) {
          this.baselineCollector.reset();
          break;
        }
        const baseline = this.baselineCollector.push(face);
        if (baseline) {
          this.baseline = baseline;
          events.push(faceEvent('face.baseline', t, { baseline: { ...baseline } }));
          this.startChallenge(0, 1, t, events);
        }
        break;
      }
      case 'challenge': {
        const progress = this.detector?.push(face, t);
        if (progress) s.progress = progress.progress;
        if (progress?.done) {
          this.passed++;
          events.push(
            faceEvent('face.challenge.passed', t, {
              index: s.index,
              kind: s.kind,
              attempt: s.attempt,
              elapsedMs: t - s.startedAt,
              measure: progress.measure ?? {},
            }),
          );
          if (s.index + 1 < this.challenges.length) this.startChallenge(s.index + 1, 1, t, events);
          else this.afterChallenges(t, events);
        }
        break;
      }
      case 'observing':
      case 'passive-wait': {
        const r = this.passive.result();
        if (r.decided && r.live) this.finish(t, undefined, events);
        break;
      }
      default:
        break;
    }
    this.timeouts(t, events);
  }

  private startChallenge(index: number, attempt: number, t: number, events: FaceEvent[]): void {
    const kind = this.challenges[index] as ChallengeKind;
    this.detector = createChallengeDetector(kind, this.baseline as NeutralBaseline, this.thresholds);
    this.state = { name: 'challenge', index, kind, attempt, startedAt: t, progress: 0, feedback: [] };
    events.push(faceEvent('face.challenge.start', t, { index, kind, attempt }));
  }

  private afterChallenges(t: number, events: FaceEvent[]): void {
    const r = this.passive.result();
    if (!this.requirePassive || (r.decided && r.live)) this.finish(t, undefined, events);
    else this.state = { name: 'passive-wait', since: t, feedback: [] };
  }

  private timeouts(t: number, events: FaceEvent[]): void {
    if (this.done) return;
    const s = this.state;
    const since = this.presence.multipleSince();
    if (since !== undefined && t - since >= this.presence.multiplePersistMs && s.name !== 'idle') {
      this.finish(t, 'multiple-faces', events);
      return;
    }
    switch (s.name) {
      case 'positioning':
      case 'baseline':
        if (t - s.since >= (this.config.positioningTimeoutMs ?? 30_000))
          this.finish(t, 'positioning-timeout', events);
        return;
      case 'challenge': {
        if (t - this.lastFaceAt >= (this.config.faceLostMs ?? 2000)) {
          this.finish(t, 'face-lost', events);
          return;
        }
        if (t - s.startedAt < (this.config.challengeTimeoutMs ?? 8000)) return;
        const retry = s.attempt <= (this.config.retriesPerChallenge ?? 1);
        events.push(
          faceEvent('face.challenge.failed', t, {
            index: s.index,
            kind: s.kind,
            attempt: s.attempt,
            reason: 'timeout',
            retry,
          }),
        );
        if (retry) this.startChallenge(s.index, s.attempt + 1, t, events);
        else this.finish(t, 'challenge-timeout', events);
        return;
      }
      case 'observing':
      case 'passive-wait':
        if (t - s.since >= (this.config.passiveTimeoutMs ?? 8000)) {
          const r = this.passive.result();
          const limit = this.config.passiveMaxMs ?? 3 * (this.config.passiveTimeoutMs ?? 8000);
          // Too few frames yet to judge: wait for more, up to the hard limit.
          if (!r.decided && t - s.since < limit) return;
          this.finish(t, r.decided && r.live ? undefined : 'passive-failed', events);
        }
        return;
      default:
        return;
    }
  }

  private finish(t: number, reason: FailureReason | undefined, events: FaceEvent[]): void {
    if (this.done) return;
    if (reason === undefined) {
      this.state = { name: 'passed', at: t };
      this.setOutcome(t, 'passed', [], events);
      return;
    }
    this.state = { name: 'failed', at: t, reason };
    // A cancelled step is not an attack signal; everything else counts towards the limit.
    if (reason !== 'cancelled') this.limiter.recordFailure(t);
    this.setOutcome(t, reason === 'cancelled' ? 'cancelled' : 'failed', [reason], events);
  }

  private setOutcome(
    t: number,
    verdict: LivenessOutcome['verdict'],
    reasons: string[],
    events: FaceEvent[],
  ): void {
    const passive = this.passive.result();
    events.push(...this.presence.finish(t));
    events.push(faceEvent('face.passive', t, { ...passive }));
    this.outcomeValue = {
      verdict,
      reasons,
      challenges: this.challenges,
      challengesPassed: this.passed,
      passive,
      baseline: this.baseline,
      durationMs: t - this.startedAt,
    };
    events.push(
      faceEvent('face.liveness.result', t, {
        verdict,
        reasons,
        challenges: this.challenges,
        challengesPassed: this.passed,
        passiveScore: passive.score,
        passiveLive: passive.live,
        durationMs: t - this.startedAt,
        ...(this.state.name === 'locked-out' ? { lockedUntil: this.state.until } : {}),
      }),
    );
  }
}
