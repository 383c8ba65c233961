/**
 * What the test pages that run <dualrec-flow> share: the loan terms, a short version of a
 * disclosure script, a log of the element's events, and a count of what the capture database
 * still holds.
 */
import type { SessionEventMap } from '@dualrec/sdk';

export const TERMS = {
  amount: '10000',
  apr: '18',
  termMonths: 12,
  installments: 12,
  monthlyPayment: '916.80',
  firstDueDate: '2026-12-15',
  totalInterest: '1001.60',
  totalFees: '0',
  totalCost: '1001.60',
  coolingOffDays: 7,
  lenderName: 'Example Consumer Finance',
};

interface Script {
  segments: { id: string; kind: string; text: string }[];
}

/**
 * Short runs: every key term still presented (the script validator insists), but each prompt cut
 * to its first sentence and the welcome and the second question left out.
 */
export function shortScript<S extends Script>(full: S): S {
  const firstSentence = (text: string) => /^[^。.!！?？]*[。.!！?？]?/.exec(text)?.[0] ?? text;
  return {
    ...full,
    segments: full.segments
      .filter((s) => s.id !== 'welcome' && s.id !== 'confirm-voluntary')
      .map((s) => (s.kind === 'prompt' ? { ...s, text: firstSentence(s.text) } : s)),
  };
}

export interface FlowEvent {
  type: string;
  at: number;
  detail: unknown;
}

/** Records the element's step, error, complete and recovered events (errors as code, step and detail). */
export function watchFlow(flow: HTMLElement) {
  const events: FlowEvent[] = [];
  for (const type of ['dualrec-step', 'dualrec-error', 'dualrec-complete', 'dualrec-recovered']) {
    flow.addEventListener(type, (e) => {
      const detail = (e as CustomEvent).detail as Record<string, unknown>;
      events.push({
        type,
        at: Date.now(),
        // Errors as code, step and the error's detail (the reasons: e.g. which liveness or
        // speech check failed), so a failed test says why.
        detail:
          type === 'dualrec-error'
            ? {
                code: detail.code,
                step: detail.step,
                detail: (detail.error as { detail?: string } | undefined)?.detail ?? '',
              }
            : detail,
      });
    });
  }
  return {
    events: () => events,
    complete: () => events.find((e) => e.type === 'dualrec-complete')?.detail as SessionEventMap['complete'],
  };
}

/** Sessions still in the capture database (the upload step discards them after the receipt). */
export async function storedSessions(): Promise<number> {
  const { recoverSessions } = await import('@dualrec/capture');
  return (await recoverSessions({ includeEnded: true })).length;
}
