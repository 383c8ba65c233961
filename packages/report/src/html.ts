/**
 * The report as one self-contained HTML file: no external resource of any kind (the media are
 * data: URLs, the style and the one small script inline), a Content-Security-Policy that forbids
 * loading anything else (the script is allowed by its SHA-256 only), and print CSS so "Print to
 * PDF" gives a clean document. Every value from the bundle is HTML-escaped.
 */
import { sha256 } from '@dualrec/evidence';
import { type ReportMessageOverrides, type ReportTranslator, reportTranslator } from './i18n.js';
import type { Level, ReportModel } from './model.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

const MARK: Record<Level, string> = { ok: '✔', info: '•', warn: '▲', fail: '✘' };

/**
 * System fonts that carry Simplified Chinese on each platform (Linux/Android, macOS/iOS, Windows),
 * named on screen and in the print CSS: "Print to PDF" then embeds a CJK font instead of falling
 * back to one without the glyphs. Nothing is downloaded (the report loads no font file).
 */
export const CJK_FONTS =
  'system-ui, "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif';

const STYLE = `
:root { --ok: #1b7f3b; --warn: #9a6400; --fail: #b3261e; --muted: #5f6368; font-family: ${CJK_FONTS}; }
body { margin: 0 auto; max-width: 960px; padding: 24px; color: #1f1f1f; line-height: 1.5; }
h1 { font-size: 1.4rem; margin: 0 0 4px; } h2 { font-size: 1.1rem; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.muted { color: var(--muted); font-size: .9rem; }
.verdict { padding: 16px; border-radius: 8px; margin: 16px 0; font-weight: 600; }
.verdict.valid { background: #e6f4ea; color: var(--ok); } .verdict.invalid { background: #fce8e6; color: var(--fail); }
.verdict ul { font-weight: 400; margin: 8px 0 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; } th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eee; }
th { background: #f6f6f6; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .fail { color: var(--fail); } .info { color: var(--muted); }
video { width: 100%; max-height: 420px; background: #000; border-radius: 6px; }
.images { display: flex; gap: 12px; flex-wrap: wrap; } .images figure { margin: 0; } .images img { max-width: 300px; max-height: 200px; border: 1px solid #ddd; }
button.seek { font: inherit; font-size: .85rem; border: 1px solid #ccc; background: #fff; border-radius: 4px; cursor: pointer; padding: 0 6px; }
code { font-size: .85em; word-break: break-all; font-family: ui-monospace, "Noto Sans Mono CJK SC", "Sarasa Mono SC", monospace, ${CJK_FONTS}; }
.code { color: var(--muted); font-size: .85em; }
.technical { display: block; color: var(--muted); font-weight: 400; }
.why { display: block; font-weight: 400; }
details.technical summary { cursor: pointer; }
@media print {
  :root, body, code { font-family: ${CJK_FONTS}; }
  body { max-width: none; padding: 0; }
  video, button.seek { display: none; }
  h2 { break-after: avoid; } tr { break-inside: avoid; }
  @page { margin: 15mm; }
}
`;

/**
 * Click-to-seek: buttons carry the part and the recording time; no other behaviour. Exported so a
 * page that frames the report (the auditor console) can allow exactly this script by its hash.
 */
export const REPORT_SCRIPT = `document.addEventListener('click', function (e) {
  var b = e.target.closest('button.seek'); if (!b) return;
  var v = document.getElementById('recording-' + b.dataset.part); if (!v) return;
  v.currentTime = Number(b.dataset.ms) / 1000; v.scrollIntoView({ block: 'center' }); v.play();
});`;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function seek(tr: ReportTranslator, part: number | null, ms: number | null): string {
  if (part === null || ms === null || !Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  return ` <button class="seek" type="button" data-part="${part}" data-ms="${Math.round(ms)}" title="${escapeHtml(tr.t('seek.title'))}">▶ ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}</button>`;
}

/**
 * The model as one HTML page in the model's language (`model.locale`), with the lender's wording
 * when given (the same overrides as `buildReport`'s).
 *
 * @example
 * ```ts
 * const html = await renderReportHtml(buildReport(input, { locale: 'en' }));
 * ```
 */
export async function renderReportHtml(
  model: ReportModel,
  options: { messages?: ReportMessageOverrides } = {},
): Promise<string> {
  const tr = reportTranslator(model.locale, {
    timeZone: model.timeZone,
    ...(options.messages ? { messages: options.messages } : {}),
  });
  const { t } = tr;
  const scriptHash = base64(await sha256(new TextEncoder().encode(REPORT_SCRIPT)));
  const csp = `default-src 'none'; img-src data:; media-src data:; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  const e = escapeHtml;
  const recordings = model.media.filter((m) => m.role === 'recording');
  const stills = model.media.filter(
    (m) => m.role !== 'recording' && m.dataUrl && m.mediaType.startsWith('image/'),
  );
  const partOf = (name: string) => Number(/recording-(\d+)/.exec(name)?.[1] ?? 1);
  const reasonItem = (r: ReportModel['reasons'][number]) =>
    r.explained
      ? // Worded in the report's language; the verifier's own English stays one click away, for search.
        `<li data-code="${e(r.code)}">${e(r.text)}<span class="why">${e(r.explained)}</span><details class="technical"><summary>${e(t('reason.technical'))}</summary><code lang="en">${e(r.detail)}</code></details></li>`
      : `<li data-code="${e(r.code)}">${e(r.text)}<code class="technical" lang="en" title="${e(t('reason.technical'))}">${e(r.detail)}</code></li>`;
  const outcomeClass = (outcome: string) =>
    outcome === 'not-reached' ? 'fail' : ['passed', 'shown', 'confirmed'].includes(outcome) ? 'ok' : 'warn';
  return `<!doctype html>
<html lang="${e(model.locale)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(model.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${e(model.title)}</h1>
<p class="muted">${e(t('report.generated', { time: model.generatedAtText }))} ${e(model.timeZoneLabel)} ${e(model.opened ? t('report.opened') : t('report.notOpened'))}</p>
</header>
<section class="verdict ${model.valid ? 'valid' : 'invalid'}" id="verdict" data-valid="${model.valid}">
${e(model.valid ? t('verdict.valid') : t('verdict.invalid'))}
${model.reasons.length ? `<ul>${model.reasons.map(reasonItem).join('')}</ul>` : ''}
${model.notices.length ? `<ul class="muted">${model.notices.map(reasonItem).join('')}</ul>` : ''}
</section>
<h2>${e(t('section.checks'))}</h2>
<table><tbody>${model.checks.map((c) => `<tr data-check="${e(c.id)}" data-level="${c.level}"><td class="${c.level}">${MARK[c.level]}</td><th scope="row">${e(c.name)}</th><td>${e(c.detail)}${c.technical ? `<details class="technical"><summary>${e(t('reason.technical'))}</summary><code lang="en">${e(c.technical)}</code></details>` : ''}</td></tr>`).join('')}</tbody></table>
<h2>${e(t('section.facts'))}</h2>
<table><tbody>${model.facts.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td><code>${e(v)}</code></td></tr>`).join('')}</tbody></table>
${
  recordings.length
    ? `<h2>${e(t('section.recording'))}</h2>${recordings
        .map((m) =>
          m.dataUrl
            ? `<p class="muted">${e(t('recording.caption', { name: m.name, type: m.mediaType, size: m.size }))}</p><video id="recording-${partOf(m.name)}" controls preload="metadata" src="${m.dataUrl}"></video>`
            : `<p class="muted">${e(t('recording.sealed', { name: m.name }))}</p>`,
        )
        .join('')}`
    : ''
}
${stills.length ? `<h2>${e(t('section.stills'))}</h2><div class="images">${stills.map((m) => `<figure><img alt="${e(tr.word('mediaRole', m.role))}" data-role="${e(m.role)}" src="${m.dataUrl}"><figcaption class="muted">${e(tr.term('mediaRole', m.role))} — <code>${e(m.name)}</code></figcaption></figure>`).join('')}</div>` : ''}
<h2>${e(t('section.steps'))}</h2>
<table><thead><tr><th>${e(t('column.step'))}</th><th>${e(t('column.status'))}</th><th>${e(t('column.summary'))}</th></tr></thead><tbody>${model.steps.map((s) => `<tr data-step="${e(s.name)}"><td>${e(s.nameText)}</td><td class="${s.status === 'passed' ? 'ok' : s.status === 'failed' ? 'fail' : 'warn'}">${e(s.statusText)}</td><td class="muted">${e(s.summary)}</td></tr>`).join('')}</tbody></table>
${
  model.segments.length
    ? `<h2>${e(t('section.script'))}</h2>
<table><thead><tr><th>${e(t('column.segment'))}</th><th>${e(t('column.textShown'))}</th><th>${e(t('column.result'))}</th></tr></thead><tbody>${model.segments
        .map(
          (
            s,
          ) => `<tr data-segment="${e(s.id)}"><td><strong>${e(s.id)}</strong><br><span class="muted">${e([s.kindText, s.topic].filter(Boolean).join(' · '))}</span>${seek(tr, s.part, s.recordingMs)}</td>
<td>${s.text === null ? `<span class="muted">${e(t('script.sealed'))}</span>` : e(s.text)}</td>
<td class="${outcomeClass(s.outcome)}" data-outcome="${e(s.outcome)}">${e(s.outcomeText)}${s.reasonsText.length ? ` — ${e(s.reasonsText.join(t('list.separator')))}` : ''}
${[s.speech, s.lipSync, s.answer, s.presence]
  .filter(Boolean)
  .map((x) => `<br><span class="muted">${e(x)}</span>`)
  .join('')}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : ''
}
${model.liveness.length ? `<h2>${e(t('section.liveness'))}</h2><ul>${model.liveness.map((l) => `<li class="${l.level}" data-type="${e(l.type)}">${e(l.text)} <code class="code">${e(l.type)}</code></li>`).join('')}</ul>` : ''}
${
  model.ocr.length
    ? `<h2>${e(t('section.ocr'))}</h2>${model.ocr
        .map(
          (
            o,
          ) => `<p><strong>${e(o.sideText)}</strong>${o.idNumberValid === null ? '' : o.idNumberValid ? ` — ${e(t('ocr.checksumValid'))}` : ` — <span class="fail">${e(t('ocr.checksumInvalid'))}</span>`}</p>
<table><tbody>${o.fields.map((f) => `<tr data-field="${e(f.name)}"><th scope="row">${e(f.label)}</th><td>${e(f.value)}</td><td class="muted">${e(f.statusText)}</td></tr>`).join('')}</tbody></table>`,
        )
        .join('')}`
    : ''
}
<h2>${e(t('section.interruptions'))}</h2>
${model.interruptions.length ? `<ul>${model.interruptions.map((i) => `<li class="warn">${e(i)}</li>`).join('')}</ul>` : `<p class="ok">${e(model.opened ? t('interruptions.none') : t('interruptions.unknown'))}</p>`}
${
  model.timeline.length
    ? `<h2>${e(t('section.timeline'))}</h2><table><thead><tr><th>${e(t('column.time'))}</th><th></th><th>${e(t('column.event'))}</th></tr></thead><tbody>${model.timeline
        .map(
          (x) =>
            `<tr data-type="${e(x.type)}"><td class="muted">${e(t('time.seconds', { s: (x.t / 1000).toFixed(1) }))}<br>${e(x.localTime)}</td><td class="${x.level}">${MARK[x.level]}</td><td>${e(x.text)} <code class="code">${e(x.type)}</code>${seek(tr, x.part, x.recordingMs)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : ''
}
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
