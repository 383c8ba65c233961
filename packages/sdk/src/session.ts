/**
 * The headless session controller: runs the steps in order through the state machine in
 * state.ts, turns each step's outcome into events for the UI, and owns every resource the steps
 * open (camera, models, workers), so `cancel()` and the end of the session release them all.
 */
import { DualrecError, type DualrecErrorCode, isDualrecError, type JsonValue } from '@dualrec/evidence';
import { Emitter, type SessionEventType, type SessionListener } from './events.js';
import { isUiLocale, type MessageKey, translate, type UiLocale } from './i18n.js';
import type { SessionOptions } from './options.js';
import { Preloader } from './preload.js';
import {
  currentStep,
  initialState,
  isFinal,
  normalizeSteps,
  type SessionInput,
  type SessionState,
  type StepName,
  transition,
} from './state.js';
import type { ActionType, SessionAction, SessionRuntime, StepContext, StepRunner } from './step.js';
import type { StepView } from './views.js';

/** Which module runs each step (loaded on demand, so the first screen carries none of them). */
const STEP_MODULES: Record<StepName, () => Promise<StepRunner>> = {
  support: async () => (await import('./steps/support.js')).runSupport,
  consent: async () => (await import('./steps/consent.js')).runConsent,
  'id-front': async () => (await import('./steps/id-card.js')).runIdFront,
  'id-back': async () => (await import('./steps/id-card.js')).runIdBack,
  liveness: async () => (await import('./steps/liveness.js')).runLiveness,
  recording: async () => (await import('./steps/recording.js')).runRecording,
  seal: async () => (await import('./steps/seal.js')).runSeal,
  upload: async () => (await import('./steps/upload.js')).runUpload,
};

/** Failures the applicant can do something about by trying the step again. */
const RETRYABLE: readonly DualrecErrorCode[] = [
  'SESSION_STEP_FAILED',
  'SESSION_TICKET_FAILED',
  // Face match with policy 'fail': the liveness step (and its comparison) runs again.
  'FACE_MATCH_MISMATCH',
  'FACE_MATCH_NO_FACE',
  'OCR_IMAGE_INVALID',
  'OCR_IMAGE_TOO_SMALL',
  'OCR_IMAGE_TOO_LARGE',
  'MODEL_LOAD_FAILED',
  'ASSET_FETCH_FAILED',
  // The recording step again starts a new part; the earlier part stays in the bundle.
  'CAMERA_ENDED',
  'CAMERA_IN_USE',
  'CAMERA_PERMISSION_DENIED',
  'RECORDER_FAILED',
  'STORAGE_QUOTA_EXCEEDED',
  // The bundle waits in the queue; a retry resumes from the server's offset.
  'UPLOAD_FAILED',
  'UPLOAD_RECEIPT_MISMATCH',
];

interface Waiter {
  types: readonly ActionType[];
  resolve: (action: SessionAction) => void;
  reject: (error: unknown) => void;
}

export class DualrecSession {
  private machine: SessionState;
  private readonly emitter = new Emitter();
  private readonly runtime: SessionRuntime;
  private readonly waiters = new Set<Waiter>();
  private readonly lifetime = new AbortController();
  private stepAbort: AbortController | null = null;
  private lastView: StepView | null = null;
  private running: Promise<void> | null = null;
  private resumeWaiter: (() => void) | null = null;
  private readonly externalAbort: (() => void) | null = null;
  private closed = false;

  constructor(private readonly options: SessionOptions) {
    if (!options || typeof options !== 'object')
      throw new DualrecError('BAD_USAGE', { detail: 'options are required' });
    if (!options.ticketUrl && !options.ticket)
      throw new DualrecError('BAD_USAGE', { detail: 'either ticketUrl or ticket is required' });
    if (typeof options.assetsBase !== 'string')
      throw new DualrecError('BAD_USAGE', { detail: 'assetsBase is required' });
    if (!options.lender?.name || !options.lender.retention)
      throw new DualrecError('BAD_USAGE', { detail: 'lender.name and lender.retention are required' });
    if (typeof options.applicationRef !== 'string' || options.applicationRef === '')
      throw new DualrecError('BAD_USAGE', { detail: 'applicationRef is required' });
    if (options.locale !== undefined && !isUiLocale(options.locale))
      throw new DualrecError('BAD_USAGE', {
        detail: `locale must be "zh-CN" or "en", not ${String(options.locale)}`,
      });
    let steps: StepName[];
    try {
      steps = normalizeSteps(options.steps);
    } catch (cause) {
      throw new DualrecError('BAD_USAGE', { detail: (cause as Error).message, cause });
    }
    if (steps.includes('upload') && !options.uploadUrl)
      throw new DualrecError('BAD_USAGE', { detail: 'uploadUrl is required when the steps include upload' });
    this.machine = initialState(steps);
    this.runtime = {
      options,
      stepsPlanned: steps,
      locale: options.locale ?? 'zh-CN',
      elderMode: options.elderMode ?? false,
      preload: new Preloader(),
      deviceKey: null,
      grant: null,
      capture: null,
      log: null,
      script: null,
      scriptSha256: null,
      camera: null,
      summaries: [],
      bundle: null,
      bundleSha256: null,
      live: null,
      receipt: null,
      lifetime: this.lifetime.signal,
      emitRecovered: (result) => this.emitter.emit('recovered', result),
    };
    if (options.signal) {
      const onAbort = () => this.cancel();
      options.signal.addEventListener('abort', onAbort, { once: true });
      this.externalAbort = () => options.signal?.removeEventListener('abort', onAbort);
    }
  }

  get state(): SessionState {
    return this.machine;
  }

  get step(): StepName | null {
    return currentStep(this.machine);
  }

  /** The current step's view (what the UI shows), or null between steps. */
  get view(): StepView | null {
    return this.lastView;
  }

  get locale(): UiLocale {
    return this.runtime.locale;
  }

  get elderMode(): boolean {
    return this.runtime.elderMode;
  }

  /** The sealed bundle, once the seal step has run (the lender's copy is on the server). */
  get bundle(): Blob | null {
    return this.runtime.bundle;
  }

  on<K extends SessionEventType>(type: K, listener: SessionListener<K>): () => void {
    return this.emitter.on(type, listener);
  }

  t(key: MessageKey, values: Record<string, string | number> = {}): string {
    return translate(this.runtime.locale, key, values, { elderMode: this.runtime.elderMode });
  }

  /** Changes the language for what is still to come (the evidence log records the switch). */
  setLocale(locale: UiLocale): void {
    if (!isUiLocale(locale))
      throw new DualrecError('BAD_USAGE', { detail: `unknown locale ${String(locale)}` });
    if (locale === this.runtime.locale) return;
    this.runtime.locale = locale;
    void this.runtime.log?.append('ui.locale', { locale }).catch(() => undefined);
    if (this.lastView) this.emitter.emit('view', this.lastView);
  }

  /**
   * Switches elder mode (larger type, simpler wording) for what is still to come; a step already
   * under way keeps its timing. The log records the switch.
   */
  setElderMode(on: boolean): void {
    if (on === this.runtime.elderMode) return;
    this.runtime.elderMode = on;
    void this.runtime.log?.append('ui.elder-mode', { on }).catch(() => undefined);
    if (this.lastView) this.emitter.emit('view', this.lastView);
  }

  /** Starts the session; resolves when it is complete, cancelled or failed without retry. */
  start(): Promise<void> {
    if (this.running) return this.running;
    this.apply({ type: 'start' });
    this.running = this.loop();
    return this.running;
  }

  /** The applicant's input (buttons, photos); ignored when no step is waiting for it. */
  act(action: SessionAction): boolean {
    for (const waiter of this.waiters) {
      if (waiter.types.includes(action.type)) {
        this.waiters.delete(waiter);
        waiter.resolve(action);
        return true;
      }
    }
    return false;
  }

  /**
   * Holds the session at the next step boundary. A recording in progress is not paused: a
   * continuous recording is the evidence; leaving the page mid-recording is logged as an
   * interruption by the recorder instead.
   */
  pause(): void {
    this.apply({ type: 'pause' });
  }

  resume(): void {
    this.apply({ type: 'resume' });
    this.resumeWaiter?.();
  }

  /** Tries the failed step again (when its failure is retryable). */
  retry(): void {
    const before = this.machine;
    this.apply({ type: 'retry' });
    if (this.machine !== before) {
      this.running = this.loop();
    }
  }

  /** Stops the session and releases the camera, microphone, workers and models. */
  cancel(): void {
    if (isFinal(this.machine)) return;
    this.apply({ type: 'cancel' });
    this.stepAbort?.abort(new DualrecError('ABORTED', { detail: 'the session was cancelled' }));
    for (const waiter of this.waiters) waiter.reject(new DualrecError('ABORTED', { detail: 'cancelled' }));
    this.waiters.clear();
    this.resumeWaiter?.();
    void this.release();
  }

  /** Releases everything; the session cannot be used afterwards. */
  async close(): Promise<void> {
    if (!isFinal(this.machine)) this.cancel();
    await this.release();
    this.emitter.clear();
  }

  private apply(input: SessionInput): void {
    const next = transition(this.machine, input);
    if (next === this.machine) return;
    this.machine = next;
    this.emitter.emit('state', next);
  }

  private async loop(): Promise<void> {
    while (this.machine.status === 'running' || this.machine.status === 'paused') {
      if (this.machine.status === 'paused') {
        await new Promise<void>((resolve) => {
          this.resumeWaiter = resolve;
        });
        this.resumeWaiter = null;
        continue;
      }
      const step = currentStep(this.machine);
      if (!step) break;
      const ok = await this.runStep(step);
      // runStep awaited: cancel() may have moved the machine meanwhile (TS cannot see that).
      if (!ok || (this.machine as SessionState).status === 'cancelled') return;
      this.apply({ type: 'step-done' });
    }
    if (this.machine.status === 'complete') {
      const { grant, bundle, bundleSha256, receipt } = this.runtime;
      this.emitter.emit('complete', {
        sessionId: grant?.sessionId ?? '',
        bundleSha256: bundleSha256 ?? '',
        bundleSize: bundle?.size ?? 0,
        receipt,
      });
      await this.release();
    }
  }

  /** Runs one step; true when it passed (or was skipped), false when the session stopped or failed. */
  private async runStep(step: StepName): Promise<boolean> {
    const abort = new AbortController();
    this.stepAbort = abort;
    const { index, attempt, steps } = this.machine;
    this.emitter.emit('step', { step, index, total: steps.length, attempt });
    const context = this.context(step, abort.signal);
    try {
      const run = this.options.stepRunners?.[step] ?? (await STEP_MODULES[step]());
      const result = await run(context);
      if (this.machine.status === 'cancelled') return false;
      this.runtime.summaries = this.runtime.summaries.filter((s) => s.name !== step);
      this.runtime.summaries.push({ name: step, status: result.status, summary: result.summary });
      return true;
    } catch (caught) {
      if (this.machine.status === 'cancelled') return false;
      const error = isDualrecError(caught)
        ? caught
        : new DualrecError('SESSION_STEP_FAILED', { detail: `${step}: ${String(caught)}`, cause: caught });
      const retryable = RETRYABLE.includes(error.code) && step !== 'seal';
      await context
        .log('session.step.failed', { step, code: error.code, attempt, retryable })
        .catch(() => undefined);
      this.apply({
        type: 'step-failed',
        failure: { code: error.code, detail: error.detail ?? '', retryable },
      });
      this.emitter.emit('error', {
        step,
        code: error.code,
        message: error.localizedMessage(this.runtime.locale),
        retryable,
        error,
      });
      this.options.onError?.(error);
      if (!retryable) await this.release();
      return false;
    } finally {
      abort.abort();
      for (const waiter of this.waiters) waiter.reject(new DualrecError('ABORTED', { detail: 'step ended' }));
      this.waiters.clear();
      if (this.stepAbort === abort) this.stepAbort = null;
    }
  }

  private context(step: StepName, signal: AbortSignal): StepContext {
    const session = this;
    return {
      step,
      runtime: this.runtime,
      signal,
      attempt: this.machine.attempt,
      get mode() {
        return session.machine.mode;
      },
      view: (view) => {
        if (signal.aborted) return;
        this.lastView = view;
        this.emitter.emit('view', view);
      },
      progress: (label, fraction, detail) => {
        if (signal.aborted) return;
        this.emitter.emit('progress', { step, label, fraction, ...(detail ? { detail } : {}) });
      },
      feedback: (code, message) => {
        if (signal.aborted) return;
        this.emitter.emit('feedback', { step, code, message });
      },
      waitFor: <K extends ActionType>(...types: K[]) =>
        new Promise<Extract<SessionAction, { type: K }>>((resolve, reject) => {
          signal.throwIfAborted();
          const waiter: Waiter = {
            types,
            resolve: resolve as (action: SessionAction) => void,
            reject,
          };
          this.waiters.add(waiter);
          signal.addEventListener(
            'abort',
            () => {
              this.waiters.delete(waiter);
              reject(signal.reason);
            },
            { once: true },
          );
        }),
      setMode: (mode) => this.apply({ type: 'mode', mode }),
      t: (key, values) => this.t(key, values),
      log: async (type, payload = {}, sealed) => {
        const log = this.runtime.log;
        if (!log || log.isEnded) return;
        await log.append(type, payload as { [key: string]: JsonValue }, sealed ? { sealed } : {});
      },
    };
  }

  private async release(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.externalAbort?.();
    this.lifetime.abort(new DualrecError('ABORTED', { detail: 'the session was released' }));
    this.runtime.camera?.close();
    this.runtime.camera = null;
    // The live upload stays on the server (and its URL on the device): recovery finishes it.
    await this.runtime.live?.upload.stop(0).catch(() => undefined);
    this.runtime.live = null;
    // Stops a running recording (its part stays stored for recovery) and closes the database.
    await this.runtime.capture?.closeAsync().catch(() => undefined);
    await this.runtime.preload.close();
  }
}

/** Creates a session; call `start()` (or let `<dualrec-flow>` do it) to begin. */
export function createSession(options: SessionOptions): DualrecSession {
  return new DualrecSession(options);
}
