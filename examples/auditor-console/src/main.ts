/**
 * The auditor console: pick a bundle and the lender's key files, see the verdict and the full
 * report. Everything runs in this browser tab (a Web Worker does the work); the CSP forbids any
 * network connection, so the private key cannot leave. zh-CN by default; the language switch (or
 * `?lang=en`) changes the console and re-renders the report from the evidence already verified.
 */
import {
  checkReportMessages,
  isReportLocale,
  type ReportLocale,
  type ReportMessageKey,
  reportTranslator,
  translateReport,
} from '@dualrec/report';
import { LENDER_MESSAGES } from './messages.js';
import type { ConsoleMessage, ConsoleRequest } from './worker.js';

const messages = checkReportMessages(LENDER_MESSAGES);
const STORAGE_KEY = 'dualrec.auditor-console.locale';

function initialLocale(): ReportLocale {
  const asked = new URLSearchParams(location.search).get('lang');
  if (isReportLocale(asked)) return asked;
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isReportLocale(stored)) return stored;
  } catch {
    // Storage may be unavailable (private mode, sandbox): the default is fine.
  }
  return 'zh-CN';
}

let locale = initialLocale();
const t = (key: ReportMessageKey, values?: Record<string, string | number>) =>
  translateReport(locale, key, values, messages);

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

/** A text node whose words follow the language switch. */
const words: { node: Text; key: ReportMessageKey }[] = [];
const word = (key: ReportMessageKey) => {
  const node = document.createTextNode('');
  words.push({ node, key });
  return node;
};

const language = element(
  'select',
  { id: 'lang' },
  // Each language named in itself, as language menus do.
  element('option', { value: 'zh-CN', textContent: '中文' }),
  element('option', { value: 'en', textContent: 'English' }),
);
const bundleInput = element('input', { type: 'file', accept: '.zip,application/zip', id: 'bundle' });
const keysInput = element('input', { type: 'file', accept: '.jwk,.json', multiple: true, id: 'keys' });
const timestampInput = element('input', {
  type: 'file',
  accept: '.tsr,.crt,.pem',
  multiple: true,
  id: 'timestamp',
});
/** What the picker shows beside its button: the chosen file names, or that none is chosen. */
const chosen: { input: HTMLInputElement; names: HTMLElement }[] = [];

/**
 * A file input with the console's own words: the browser's native control speaks the browser's
 * language ("Choose File", "No file chosen"), not the page's. The input stays in the page,
 * visually hidden but focusable, so keyboard and screen readers reach it through its label.
 */
function filePicker(key: ReportMessageKey, input: HTMLInputElement): HTMLElement {
  input.className = 'visually-hidden';
  const names = element('span', { className: 'chosen muted' });
  chosen.push({ input, names });
  input.addEventListener('change', paint);
  return element(
    'label',
    { className: 'picker' },
    element('span', { className: 'picker-label' }, word(key)),
    input,
    element('span', { className: 'picker-button', ariaHidden: 'true' }, word('console.choose')),
    names,
  );
}

const run = element('button', { type: 'button', id: 'verify' }, word('console.verify'));
const progress = element('progress', { id: 'progress', max: 1, value: 0, hidden: true });
const status = element('p', { id: 'status', role: 'status' });
const summary = element('p', { id: 'verdict-summary', hidden: true });
function reportFrame(): HTMLIFrameElement {
  const frame = element('iframe', { id: 'report', hidden: true });
  // The report's own script (click-to-seek) may run; it gets no access to this page.
  frame.setAttribute('sandbox', 'allow-scripts');
  return frame;
}
let frame = reportFrame();

document.body.append(
  element('p', { className: 'language' }, element('label', {}, word('console.language'), ' ', language)),
  element('h1', {}, word('console.title')),
  element('p', { className: 'muted' }, word('console.intro')),
  filePicker('console.bundle', bundleInput),
  filePicker('console.keys', keysInput),
  filePicker('console.timestamp', timestampInput),
  run,
  progress,
  status,
  summary,
  frame,
);

/** What the status line and the verdict summary say, kept as keys so a switch re-words them. */
let statusText:
  | { key: ReportMessageKey; values?: Record<string, string | number> }
  | { raw: string }
  | { failed: Extract<ConsoleMessage, { type: 'failed' }> }
  | null = null;

/** A failure in the page's language: a console message, a DualrecError by its code, or as it came. */
function failureText(failed: Extract<ConsoleMessage, { type: 'failed' }>): string {
  return t('console.failed', {
    message: failed.key
      ? t(failed.key, failed.values)
      : failed.errorCode
        ? reportTranslator(locale, { messages }).term('error', failed.errorCode)
        : failed.message,
  });
}
let verdict: { valid: boolean; reasons: { code: string; text: string }[] } | null = null;

function paint(): void {
  document.documentElement.lang = locale;
  document.title = t('console.title');
  language.value = locale;
  frame.title = t('console.reportTitle');
  for (const { node, key } of words) node.textContent = t(key);
  for (const { input, names } of chosen) {
    const files = [...(input.files ?? [])].map((f) => f.name);
    names.textContent = files.length ? files.join(t('list.separator')) : t('console.noFile');
  }
  status.textContent = !statusText
    ? ''
    : 'raw' in statusText
      ? statusText.raw
      : 'failed' in statusText
        ? failureText(statusText.failed)
        : t(statusText.key, statusText.values);
  if (verdict) {
    summary.textContent = verdict.valid
      ? t('console.summary.valid')
      : t('console.summary.invalid', { reason: verdict.reasons[0]?.text ?? '' });
  }
}

let worker: Worker | null = null;

function onMessage(event: MessageEvent<ConsoleMessage>): void {
  const message = event.data;
  if (message.type === 'progress') {
    progress.value = message.fraction;
    statusText = isPhase(message.phase) ? { key: `console.phase.${message.phase}` } : { raw: message.phase };
    paint();
    status.textContent += '…';
    return;
  }
  run.disabled = false;
  progress.hidden = true;
  if (message.type === 'failed') {
    statusText = { failed: message };
    paint();
    return;
  }
  statusText = { key: message.opened ? 'console.done.opened' : 'console.done.notOpened' };
  verdict = { valid: message.valid, reasons: message.reasons };
  summary.hidden = false;
  summary.dataset.valid = String(message.valid);
  summary.dataset.code = message.reasons[0]?.code ?? '';
  summary.className = message.valid ? 'valid' : 'invalid';
  // A new frame for each report: Chromium (156) did not lay out a sandboxed frame whose srcdoc was
  // replaced after it had been hidden (the report stayed blank).
  const next = reportFrame();
  next.srcdoc = message.html;
  next.dataset.locale = message.locale;
  next.hidden = false;
  frame.replaceWith(next);
  frame = next;
  paint();
}

const PHASES = ['reading', 'verifying', 'decrypting', 'rendering'] as const;
const isPhase = (phase: string): phase is (typeof PHASES)[number] =>
  (PHASES as readonly string[]).includes(phase);

language.addEventListener('change', () => {
  if (!isReportLocale(language.value)) return;
  locale = language.value;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered: the switch still applies to this page.
  }
  paint();
  // The report on show follows the switch, rendered from the evidence the worker already verified.
  if (worker && verdict) worker.postMessage({ type: 'render', locale, messages } satisfies ConsoleRequest);
});

run.addEventListener('click', async () => {
  const bundle = bundleInput.files?.[0];
  if (!bundle) {
    statusText = { key: 'console.chooseBundle' };
    paint();
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
  worker.addEventListener('message', onMessage);
  run.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  summary.hidden = true;
  verdict = null;
  frame.hidden = true;
  worker.postMessage({
    type: 'verify',
    bundle,
    keyFiles,
    locale,
    messages,
    ...(timestamp ? { timestamp } : {}),
  } satisfies ConsoleRequest);
});

paint();
