/**
 * <dualrec-flow> with the real steps and the spec as the lender: the spec answers /v1/tickets
 * (Playwright route) with a ticket from keys it holds, so the bundle can be verified in node.
 * The flow runs without the upload step here (the server end-to-end spec covers upload).
 */
import type { SessionOptions, UiLocale } from '@dualrec/sdk';
import '@dualrec/sdk/ui/define';
import { toBase64Url } from '@dualrec/evidence';
import scriptEn from '@dualrec/speech/scripts-examples/consumer-loan.en.json' with { type: 'json' };
import scriptZh from '@dualrec/speech/scripts-examples/consumer-loan.zh-CN.json' with { type: 'json' };
import { shortScript, storedSessions, TERMS, watchFlow } from './flow-page.js';

const flow = document.querySelector('dualrec-flow') as HTMLElementTagNameMap['dualrec-flow'];
const { events, complete } = watchFlow(flow);

const page = {
  start(config: {
    locale: UiLocale;
    elderMode: boolean;
    steps: string[];
    passive: boolean;
    short?: boolean;
    faceMatch?: SessionOptions['faceMatch'];
  }) {
    flow.locale = config.locale;
    flow.elderMode = config.elderMode;
    const full = config.locale === 'en' ? scriptEn : scriptZh;
    const script = config.short ? shortScript(full) : full;
    const options: SessionOptions = {
      ticketUrl: '/v1/tickets',
      assetsBase: '/dualrec-assets',
      script,
      terms: TERMS,
      applicationRef: 'APP-TEST-1',
      lender: { name: TERMS.lenderName, retention: '5 years' },
      steps: config.steps,
      ...(config.passive ? { liveness: { challenges: [] } } : {}),
      ...(config.faceMatch ? { faceMatch: config.faceMatch } : {}),
    };
    flow.start(options);
  },
  events,
  complete,
  async bundle(): Promise<string | null> {
    const blob = flow.currentSession?.bundle;
    return blob ? toBase64Url(new Uint8Array(await blob.arrayBuffer())) : null;
  },
  storedSessions,
};

declare global {
  interface Window {
    sdkFlow: typeof page;
  }
}
window.sdkFlow = page;
document.body.dataset.ready = '1';
