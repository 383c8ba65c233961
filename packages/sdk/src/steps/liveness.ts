/**
 * Liveness on the front camera with @dualrec/face: the face model loads in the background from
 * the support step on; here the applicant positions their face, a neutral baseline is measured,
 * the lender's randomised challenges run, and the passive checks must agree. Every face event goes
 * into the log (derived numbers only, never landmarks or pixels); the best frontal frame is sealed
 * into the bundle for the lender's own comparison with the ID photo.
 */
import { DualrecError, type JsonValue } from '@dualrec/evidence';
import type { AttemptLimiter, FaceAnalyzer, FaceEvent, LivenessConfig, LivenessState } from '@dualrec/face';
import type { StepContext, StepResult } from '../step.js';
import { ensureCamera, playingVideo } from './camera.js';

const ANALYZER_KEY = 'face-analyzer';

/** One limiter per session, so retries of the step count against the same failure budget. */
const limiters = new WeakMap<object, AttemptLimiter>();
function limiterFor(runtime: object, create: () => AttemptLimiter): AttemptLimiter {
  let limiter = limiters.get(runtime);
  if (!limiter) {
    limiter = create();
    limiters.set(runtime, limiter);
  }
  return limiter;
}

export function preloadFaceAnalyzer(context: Pick<StepContext, 'runtime'>): Promise<FaceAnalyzer> {
  const { runtime } = context;
  return runtime.preload.load(
    ANALYZER_KEY,
    async (report, signal) => {
      const { FaceAnalyzer } = await import('@dualrec/face');
      const analyzer = await FaceAnalyzer.create({
        assetsBase: runtime.options.assetsBase,
        onProgress: (p) => report(p.total ? p.loaded / p.total : null),
        signal,
      });
      report(1);
      return analyzer;
    },
    (analyzer) => analyzer.close(),
  );
}

/** Splits a face event into the log's type and payload (its `t` is the analyzer's clock, kept as `frameT`). */
export function faceEventPayload(event: FaceEvent): { type: string; payload: { [key: string]: JsonValue } } {
  const { type, t, ...rest } = event;
  return { type, payload: { ...rest, frameT: Math.round(t) } };
}

export async function runLiveness(context: StepContext): Promise<StepResult> {
  const { runtime, signal } = context;
  const { capture, log } = runtime;
  if (!capture || !log) throw new DualrecError('BAD_USAGE', { detail: 'the support step must run first' });
  const locale = runtime.locale;
  const camera = await ensureCamera(context);
  const show = (
    phase: 'loading' | 'positioning' | 'checking' | 'passed' | 'failed',
    prompt: string,
    progress = 0,
  ) => context.view({ step: 'liveness', phase, prompt, progress, stream: camera.stream });

  show('loading', context.t('liveness.loading'));
  const unsubscribe = runtime.preload.onProgress((e) => {
    if (e.key === ANALYZER_KEY) context.progress('liveness.loading', e.fraction);
  });
  let analyzer: FaceAnalyzer;
  try {
    context.progress('liveness.loading', runtime.preload.fraction(ANALYZER_KEY));
    analyzer = await preloadFaceAnalyzer(context);
  } finally {
    unsubscribe();
  }
  const face = await import('@dualrec/face');
  const video = await playingVideo(camera.stream, signal);
  const options = runtime.options.liveness ?? {};
  const config: LivenessConfig = {
    challenges:
      options.challenges && options.challenges.length === 0
        ? []
        : { pool: options.challenges ?? face.CHALLENGE_KINDS, count: options.count ?? 2 },
    limiter: limiterFor(
      runtime,
      () =>
        new face.AttemptLimiter({
          ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
          ...(options.failureWindowMs !== undefined ? { windowMs: options.failureWindowMs } : {}),
          ...(options.coolDownMs !== undefined ? { cooldownMs: options.coolDownMs } : {}),
        }),
    ),
    ...(runtime.elderMode ? { challengeTimeoutMs: 12_000, positioningTimeoutMs: 45_000 } : {}),
  };
  const describe = (state: LivenessState): void => {
    switch (state.name) {
      case 'positioning':
      case 'baseline':
      case 'observing':
      case 'passive-wait': {
        const code = state.feedback[0];
        const prompt = code ? face.FEEDBACK_MESSAGES[code][locale] : context.t('liveness.instruction');
        if (code) context.feedback(code, prompt);
        show(state.name === 'positioning' ? 'positioning' : 'checking', prompt);
        return;
      }
      case 'challenge': {
        const prompt = face.CHALLENGE_PROMPTS[state.kind][locale];
        context.feedback(`challenge.${state.kind}`, prompt);
        show('checking', prompt, state.index / Math.max(1, state.index + 1));
        return;
      }
      case 'passed':
        show('passed', context.t('liveness.passed'), 1);
        return;
      default:
        return;
    }
  };
  const session = new face.LivenessSession({
    analyzer,
    video,
    config,
    onState: describe,
    onEvent: (event) => {
      const { type, payload } = faceEventPayload(event);
      void context.log(type, payload).catch(() => undefined);
    },
    signal,
  });
  let result: Awaited<ReturnType<typeof session.run>>;
  try {
    result = await session.run();
  } finally {
    await session.close().catch(() => undefined);
    video.srcObject = null;
  }
  if (result.verdict !== 'passed') {
    show('failed', context.t('liveness.failed'));
    if (result.verdict === 'locked-out') throw new DualrecError('LIVENESS_LOCKED_OUT');
    throw new DualrecError('SESSION_STEP_FAILED', {
      detail: `liveness ${result.verdict}: ${result.reasons.join(', ')}`,
    });
  }
  let faceMatch: { [key: string]: JsonValue } = {};
  if (result.bestFrame) {
    // Sealed now and kept with the session: a reload during the recording does not lose it.
    const file = `media/best-frame-${context.attempt}.jpg`;
    await face.recordBestFrame({ log, writer: capture, bestFrame: result.bestFrame, file });
    // 1:1 face verification against the ID portrait (options.faceMatch; off by default).
    const { runFaceMatch } = await import('./face-match.js');
    faceMatch = await runFaceMatch(context, {
      jpeg: result.bestFrame.jpeg,
      file,
      sha256: result.bestFrame.sha256,
      frameT: result.bestFrame.event.t,
    });
  }
  return {
    status: 'passed',
    summary: {
      ...faceMatch,
      challenges: result.challenges,
      challengesPassed: result.challengesPassed,
      passiveLive: result.passive.live,
      durationMs: Math.round(result.durationMs),
      analyzer: analyzer.stats.mode,
      bestFrame: result.bestFrame !== undefined,
    },
  };
}
