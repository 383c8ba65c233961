/**
 * <dualrec-flow> against a real lender server (the spec forwards /v1/tickets and /v1/uploads/ to
 * it): support, consent, recording, seal, upload — with the live upload on (the default), so the
 * recording's sealed records reach the server while the script runs.
 */
import '@dualrec/sdk/ui/define';
import { sha256Hex } from '@dualrec/evidence';
import scriptEn from '@dualrec/speech/scripts-examples/consumer-loan.en.json' with { type: 'json' };
import { shortScript, storedSessions, TERMS, watchFlow } from './flow-page.js';

const flow = document.querySelector('dualrec-flow') as HTMLElementTagNameMap['dualrec-flow'];
const { events, complete } = watchFlow(flow);

const page = {
  start(config: { liveUpload?: boolean } = {}) {
    flow.locale = 'en';
    const script = shortScript(scriptEn);
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
  events,
  complete,
  async bundleSha256(): Promise<string | null> {
    const blob = flow.currentSession?.bundle;
    return blob ? sha256Hex(new Uint8Array(await blob.arrayBuffer())) : null;
  },
  storedSessions,
};

declare global {
  interface Window {
    liveUpload: typeof page;
  }
}
window.liveUpload = page;
document.body.dataset.ready = '1';
