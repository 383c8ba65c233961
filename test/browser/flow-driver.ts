/**
 * Drives a <dualrec-flow> the way an applicant would: accept the consent, pick the ID card
 * photos, face the camera, tap "finished reading" and "yes" in the recording, and wait for the
 * end. Used by the end-to-end specs and by `pnpm demo --headless` (scripts/demo.mjs), so the
 * unattended demo and the tests exercise the same path. It only clicks what the element shows
 * (no calls into the controller), so a button that never appears fails the run.
 */
import type { Page } from '@playwright/test';

export interface DriveOptions {
  /** JPEG/PNG files for the ID card steps (skipped when the flow has no such step). */
  cardFront?: string;
  cardBack?: string;
  /** Called once per step view (step + phase) the first time it shows, e.g. to take screenshots. */
  onView?: (step: string, phase: string) => Promise<void>;
  /** Overall limit (default 6 minutes: model loading, OCR and the recording take most of it). */
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Stops driving (e.g. before the test reloads the page); the result is then an error 'ABORTED'. */
  signal?: AbortSignal;
}

export interface DriveResult {
  status: 'complete' | 'error';
  /** Steps in the order they were shown. */
  steps: string[];
  errorCode: string | null;
  /** When the flow failed: the step, the error's message and its detail (the reasons), for the log. */
  error: { step: string | null; code: string; message: string; detail: string } | null;
  ms: number;
  /** The element's last events (step, progress, feedback, error, state), oldest first, for the log. */
  trail: string[];
}

/** How many of the element's events a result keeps: enough to see what led to a failure. */
const TRAIL_LENGTH = 20;

/**
 * A failed run in a few lines, for a test's failure message and the demo's log: the error's code,
 * step, message and detail, then the last events. `scripts/test-all.mjs` repeats the first lines
 * of each failure above its summary, so the reason is never cut off by a long event dump.
 *
 * @example
 * ```ts
 * expect(result.status, describeRun(result)).toBe('complete');
 * ```
 */
export function describeRun(result: DriveResult): string {
  const head =
    result.status === 'complete'
      ? `the flow completed in ${(result.ms / 1000).toFixed(1)} s`
      : result.error
        ? `the flow failed with ${result.error.code} in ${result.error.step ?? 'the session'}: ${result.error.message}${result.error.detail ? ` (${result.error.detail})` : ''}`
        : `the flow ended with ${result.errorCode ?? 'an error'} and no error event`;
  return [
    head,
    `steps: ${result.steps.join(' → ') || 'none'}`,
    'last events:',
    ...result.trail.map((l) => `  ${l}`),
  ].join('\n');
}

interface Snapshot {
  step: string;
  phase: string;
  actions: string[];
  errorCode: string | null;
  readThrough: boolean;
}

async function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    const root = document.querySelector('dualrec-flow')?.shadowRoot;
    const main = root?.querySelector('main');
    const actions = [...(root?.querySelectorAll<HTMLElement>('[data-action]') ?? [])]
      .filter((el) => !(el as HTMLButtonElement).disabled && el.offsetParent !== null)
      .map((el) => el.dataset.action ?? '');
    return {
      step: main?.dataset.step ?? '',
      phase: main?.dataset.phase ?? '',
      actions,
      errorCode: root?.querySelector<HTMLElement>('.error[data-code]')?.dataset.code ?? null,
      // The teleprompter has highlighted the whole text: read at the expected pace.
      readThrough: (() => {
        const prompter = root?.querySelector('.teleprompter');
        const mark = prompter?.querySelector('mark');
        return !!prompter && !!mark && mark.textContent?.length === prompter.textContent?.length;
      })(),
    };
  });
}

export async function driveFlow(page: Page, options: DriveOptions = {}): Promise<DriveResult> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 360_000);
  const log = options.log ?? (() => undefined);
  const steps: string[] = [];
  const seen = new Set<string>();
  const flow = page.locator('dualrec-flow');
  let lastKey = '';
  // The element's `dualrec-error` events (they bubble out of its shadow root) carry the error's
  // detail, which the page does not show: kept so a failed run says why, not only that it failed.
  const listen = () =>
    page.evaluate(() => {
      const w = window as unknown as { __dualrecErrors?: unknown[] };
      if (w.__dualrecErrors) return;
      w.__dualrecErrors = [];
      document.addEventListener('dualrec-error', (e) => {
        const d = (e as CustomEvent).detail as {
          step: string | null;
          code: string;
          message: string;
          error?: { detail?: string };
        };
        w.__dualrecErrors?.push({
          step: d.step,
          code: d.code,
          message: d.message,
          detail: d.error?.detail ?? '',
        });
      });
    });
  await listen().catch(() => undefined);
  // The element's other events, kept short, so a failure shows what led to it.
  const listenTrail = () =>
    page.evaluate((length) => {
      const w = window as unknown as { __dualrecTrail?: string[] };
      if (w.__dualrecTrail) return;
      const trail: string[] = [];
      w.__dualrecTrail = trail;
      const began = performance.now();
      const brief = (type: string, d: Record<string, unknown>): string => {
        if (type === 'dualrec-step') return `step ${d.step} (attempt ${d.attempt})`;
        if (type === 'dualrec-progress')
          return `progress ${d.step} ${d.label}${typeof d.fraction === 'number' ? ` ${Math.round(d.fraction * 100)}%` : ''}`;
        if (type === 'dualrec-feedback') return `feedback ${d.step} ${d.code}`;
        if (type === 'dualrec-error') return `error ${d.code} in ${d.step}: ${d.message}`;
        if (type === 'dualrec-state')
          return `state ${d.status}${d.failure ? ` ${JSON.stringify(d.failure)}` : ''}`;
        return type;
      };
      for (const type of [
        'dualrec-step',
        'dualrec-progress',
        'dualrec-feedback',
        'dualrec-error',
        'dualrec-state',
      ])
        document.addEventListener(type, (e) => {
          const line = brief(type, ((e as CustomEvent).detail ?? {}) as Record<string, unknown>);
          // Progress and state repeat a lot: keep a line only when it says something new.
          const last = trail[trail.length - 1]?.replace(/^\S+ s {2}/, '');
          if (line === last) return;
          if (type === 'dualrec-progress' && last?.startsWith(line.replace(/ \d+%$/, ''))) trail.pop();
          trail.push(`${((performance.now() - began) / 1000).toFixed(1)} s  ${line}`);
          if (trail.length > length) trail.shift();
        });
    }, TRAIL_LENGTH);
  await listenTrail().catch(() => undefined);
  const trail = async (): Promise<string[]> =>
    page
      .evaluate(() => [...((window as unknown as { __dualrecTrail?: string[] }).__dualrecTrail ?? [])])
      .catch(() => []);
  const lastError = async (): Promise<DriveResult['error']> =>
    page
      .evaluate(() => {
        const list =
          (window as unknown as { __dualrecErrors?: DriveResult['error'][] }).__dualrecErrors ?? [];
        return list[list.length - 1] ?? null;
      })
      .catch(() => null);
  while (Date.now() < deadline) {
    if (options.signal?.aborted)
      return {
        status: 'error',
        steps,
        errorCode: 'ABORTED',
        error: null,
        ms: Date.now() - started,
        trail: await trail(),
      };
    const s = await snapshot(page);
    const key = `${s.step}:${s.phase}`;
    if (key !== lastKey) {
      log(
        `${((Date.now() - started) / 1000).toFixed(1)} s  ${key}${s.actions.length ? ` [${s.actions.join(', ')}]` : ''}`,
      );
      lastKey = key;
    }
    if (s.step && !steps.includes(s.step)) steps.push(s.step);
    if (!seen.has(key) && s.phase !== 'between') {
      seen.add(key);
      await options.onView?.(s.step, s.phase);
    }
    if (s.phase === 'complete')
      return {
        status: 'complete',
        steps,
        errorCode: null,
        error: null,
        ms: Date.now() - started,
        trail: await trail(),
      };
    if (s.phase === 'error') {
      const error = await lastError();
      if (error)
        log(
          `error ${error.code} in ${error.step ?? 'the session'}: ${error.message}${error.detail ? ` (${error.detail})` : ''}`,
        );
      return {
        status: 'error',
        steps,
        errorCode: s.errorCode,
        error,
        ms: Date.now() - started,
        trail: await trail(),
      };
    }
    const click = (action: string) => flow.locator(`[data-action="${action}"]`).first().click();
    if (s.actions.includes('consent-accept')) await click('consent-accept');
    else if (s.actions.includes('card-confirm')) await click('card-confirm');
    else if (s.actions.includes('card-pick') && (s.phase === 'waiting' || s.phase === 'not-found')) {
      const file = s.step === 'id-back' ? options.cardBack : options.cardFront;
      if (!file) throw new Error(`no card image for ${s.step}`);
      await flow.locator('[data-action="card-pick"] input[type="file"]').setInputFiles(file);
      // The photo is being read now; wait for the view to change before looking again.
      await page.waitForFunction(
        (before) => {
          const main = document.querySelector('dualrec-flow')?.shadowRoot?.querySelector('main');
          return `${main?.dataset.step}:${main?.dataset.phase}` !== before;
        },
        key,
        { timeout: 120_000 },
      );
      continue;
    } else if (s.actions.includes('speech-confirm')) await click('speech-confirm');
    else if (s.actions.includes('speech-done') && s.readThrough) await click('speech-done');
    await page.waitForTimeout(250);
  }
  const last = (await trail()).map((l) => `  ${l}`).join('\n');
  throw new Error(
    `the flow did not finish within ${options.timeoutMs ?? 360_000} ms (last view ${lastKey})\nlast events:\n${last}`,
  );
}
