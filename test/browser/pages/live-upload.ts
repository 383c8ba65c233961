/**
 * <dualrec-flow> against a real lender server (the spec forwards /v1/tickets and /v1/uploads/ to
 * it): support, consent, recording, seal, upload — with the live upload on (the default), so the
 * recording's sealed records reach the server while the script runs.
 */
import type { SessionEventMap } from '@dualrec/sdk';
import '@dualrec/sdk/ui/define';
import { sha256Hex } from '@dualrec/evidence';
import scriptEn from '@dualrec/speech/scripts-examples/consumer-loan.en.json' with { type: 'json' };

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
const events: { type: string; at: number; detail: unknown }[] = [];
for (const type of ['dualrec-step', 'dualrec-error', 'dualrec-complete', 'dualrec-recovered']) {
  flow.addEventListener(type, (e) => {
    const detail = (e as CustomEvent).detail as Record<string, unknown>;
    events.push({
      type,
      at: Date.now(),
      detail: type === 'dualrec-error' ? { code: detail.code, step: detail.step } : detail,
    });
  });
}

const page = {
  start(config: { liveUpload?: boolean } = {}) {
    flow.locale = 'en';
    // Short run: the welcome and the second question left out, each prompt cut to one sentence.
    const firstSentence = (text: string) => /^[^.!?]*[.!?]?/.exec(text)?.[0] ?? text;
    const script = {
      ...scriptEn,
      segments: scriptEn.segments
        .filter((s) => s.id !== 'welcome' && s.id !== 'confirm-voluntary')
        .map((s) => (s.kind === 'prompt' ? { ...s, text: firstSentence(s.text) } : s)),
    };
    flow.start({
      ticketUrl: '/v1/tickets',
      uploadUrl: '/v1/uploads/',
      assetsBase: '/dualrec-assets',
      script,
      terms: TERMS,
      applicationRef: 'APP-LIVE-1',
      lender: { name: TERMS.lenderName, retention: '5 years' },
      steps: ['support', 'consent', 'recording', 'seal', 'upload'],
      ...(config.liveUpload === undefined ? {} : { liveUpload: config.liveUpload }),
    });
  },
  events: () => events,
  complete: () => events.find((e) => e.type === 'dualrec-complete')?.detail as SessionEventMap['complete'],
  async bundleSha256(): Promise<string | null> {
    const blob = flow.currentSession?.bundle;
    return blob ? sha256Hex(new Uint8Array(await blob.arrayBuffer())) : null;
  },
  /** Sessions still in the capture database. */
  async storedSessions(): Promise<number> {
    const { recoverSessions } = await import('@dualrec/capture');
    return (await recoverSessions({ includeEnded: true })).length;
  },
};

declare global {
  interface Window {
    liveUpload: typeof page;
  }
}
window.liveUpload = page;
document.body.dataset.ready = '1';
