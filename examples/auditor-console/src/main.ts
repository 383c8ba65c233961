/**
 * The auditor console: pick a bundle and the lender's key files, see the verdict and the full
 * report. Everything runs in this browser tab (a Web Worker does the work); the CSP forbids any
 * network connection, so the private key cannot leave.
 */
import type { ConsoleMessage, ConsoleRequest } from './worker.js';

const PHASES: Record<string, string> = {
  reading: 'Reading the bundle',
  verifying: 'Verifying signatures, hashes and the event chain',
  decrypting: 'Decrypting the recording and personal fields',
  rendering: 'Writing the report',
};

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  Object.assign(el, props);
  el.append(...children);
  return el;
}

const bundleInput = element('input', { type: 'file', accept: '.zip,application/zip', id: 'bundle' });
const keysInput = element('input', { type: 'file', accept: '.jwk,.json', multiple: true, id: 'keys' });
const timestampInput = element('input', {
  type: 'file',
  accept: '.tsr,.crt,.pem',
  multiple: true,
  id: 'timestamp',
});
const run = element('button', { type: 'button', id: 'verify', textContent: 'Verify and show the report' });
const progress = element('progress', { id: 'progress', max: 1, value: 0, hidden: true });
const status = element('p', { id: 'status', role: 'status' });
const summary = element('p', { id: 'verdict-summary', hidden: true });
const frame = element('iframe', { id: 'report', title: 'Audit report', hidden: true });
// The report's own script (click-to-seek) may run; it gets no access to this page.
frame.setAttribute('sandbox', 'allow-scripts');

document.body.append(
  element('h1', { textContent: 'dualrec auditor console' }),
  element(
    'p',
    { className: 'muted' },
    'Verify an evidence bundle and read its report. The bundle and the key stay in this browser: nothing is uploaded.',
  ),
  element('label', {}, 'Bundle (.zip) ', bundleInput),
  element(
    'label',
    {},
    'Lender key files (ticket-signing.public.jwk; encryption.private.jwk to decrypt) ',
    keysInput,
  ),
  element(
    'label',
    {},
    'Optional: the bundle’s time-stamp token (.tsr) and the TSA certificate (tsa.crt) ',
    timestampInput,
  ),
  run,
  progress,
  status,
  summary,
  frame,
);

let worker: Worker | null = null;

run.addEventListener('click', async () => {
  const bundle = bundleInput.files?.[0];
  if (!bundle) {
    status.textContent = 'Choose a bundle first.';
    return;
  }
  const keyFiles = await Promise.all(
    [...(keysInput.files ?? [])].map(async (f) => ({ name: f.name, text: await f.text() })),
  );
  const timestampFiles = [...(timestampInput.files ?? [])];
  const token = timestampFiles.find((f) => f.name.endsWith('.tsr'));
  const certificate = timestampFiles.find((f) => !f.name.endsWith('.tsr'));
  const timestamp = token
    ? {
        token: new Uint8Array(await token.arrayBuffer()),
        ...(certificate ? { certificatePem: await certificate.text() } : {}),
      }
    : undefined;
  worker?.terminate();
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  run.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  summary.hidden = true;
  frame.hidden = true;
  worker.addEventListener('message', (event: MessageEvent<ConsoleMessage>) => {
    const message = event.data;
    if (message.type === 'progress') {
      progress.value = message.fraction;
      status.textContent = `${PHASES[message.phase] ?? message.phase}…`;
      return;
    }
    run.disabled = false;
    progress.hidden = true;
    worker?.terminate();
    worker = null;
    if (message.type === 'failed') {
      status.textContent = `Could not verify: ${message.message}`;
      return;
    }
    status.textContent = message.opened ? 'Verified and decrypted.' : 'Verified (not decrypted).';
    summary.hidden = false;
    summary.dataset.valid = String(message.valid);
    summary.className = message.valid ? 'valid' : 'invalid';
    summary.textContent = message.valid ? 'VALID' : `INVALID — ${message.reasons[0] ?? ''}`;
    frame.srcdoc = message.html;
    frame.hidden = false;
  });
  worker.postMessage({ bundle, keyFiles, ...(timestamp ? { timestamp } : {}) } satisfies ConsoleRequest);
});
