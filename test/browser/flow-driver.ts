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
      return { status: 'error', steps, errorCode: 'ABORTED', error: null, ms: Date.now() - started };
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
      return { status: 'complete', steps, errorCode: null, error: null, ms: Date.now() - started };
    if (s.phase === 'error') {
      const error = await lastError();
      if (error)
        log(
          `error ${error.code} in ${error.step ?? 'the session'}: ${error.message}${error.detail ? ` (${error.detail})` : ''}`,
        );
      return { status: 'error', steps, errorCode: s.errorCode, error, ms: Date.now() - started };
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
  throw new Error(`the flow did not finish within ${options.timeoutMs ?? 360_000} ms (last view ${lastKey})`);
}
