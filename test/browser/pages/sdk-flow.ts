/**
 * <dualrec-flow> with the real steps and the spec as the lender: the spec answers /v1/tickets
 * (Playwright route) with a ticket from keys it holds, so the bundle can be verified in node.
 * The flow runs without the upload step here (the server end-to-end spec covers upload).
 */
import type { SessionEventMap, SessionOptions, UiLocale } from '@dualrec/sdk';
import '@dualrec/sdk/ui/define';
import { toBase64Url } from '@dualrec/evidence';
import scriptEn from '@dualrec/speech/scripts-examples/consumer-loan.en.json' with { type: 'json' };
import scriptZh from '@dualrec/speech/scripts-examples/consumer-loan.zh-CN.json' with { type: 'json' };

const TERMS = {
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

const flow = document.querySelector('dualrec-flow') as HTMLElementTagNameMap['dualrec-flow'];
const events: { type: string; detail: unknown }[] = [];
for (const type of ['dualrec-step', 'dualrec-error', 'dualrec-complete']) {
  flow.addEventListener(type, (e) => {
    const detail = (e as CustomEvent).detail as Record<string, unknown>;
    events.push({
      type,
      detail: type === 'dualrec-error' ? { code: detail.code, step: detail.step } : detail,
    });
  });
}

const page = {
  start(config: {
    locale: UiLocale;
    elderMode: boolean;
    steps: string[];
    passive: boolean;
    short?: boolean;
  }) {
    flow.locale = config.locale;
    flow.elderMode = config.elderMode;
    const full = config.locale === 'en' ? scriptEn : scriptZh;
    // Layout runs: every key term still presented (the script validator insists), but each prompt
    // cut to its first sentence and the welcome and second question left out, so a run is short.
    const firstSentence = (text: string) => /^[^。.!！?？]*[。.!！?？]?/.exec(text)?.[0] ?? text;
    const script = config.short
      ? {
          ...full,
          segments: full.segments
            .filter((s) => s.id !== 'welcome' && s.id !== 'confirm-voluntary')
            .map((s) => (s.kind === 'prompt' ? { ...s, text: firstSentence(s.text) } : s)),
        }
      : full;
    const options: SessionOptions = {
      ticketUrl: '/v1/tickets',
      assetsBase: '/dualrec-assets',
      script,
      terms: TERMS,
      applicationRef: 'APP-TEST-1',
      lender: { name: TERMS.lenderName, retention: '5 years' },
      steps: config.steps,
      ...(config.passive ? { liveness: { challenges: [] } } : {}),
    };
    flow.start(options);
  },
  events: () => events,
  complete: () => events.find((e) => e.type === 'dualrec-complete')?.detail as SessionEventMap['complete'],
  async bundle(): Promise<string | null> {
    const blob = flow.currentSession?.bundle;
    return blob ? toBase64Url(new Uint8Array(await blob.arrayBuffer())) : null;
  },
  /** What the capture database still holds (the upload step would discard it; without it, it stays). */
  async storedSessions(): Promise<number> {
    const { recoverSessions } = await import('@dualrec/capture');
    return (await recoverSessions({ includeEnded: true })).length;
  },
};

declare global {
  interface Window {
    sdkFlow: typeof page;
  }
}
window.sdkFlow = page;
document.body.dataset.ready = '1';
