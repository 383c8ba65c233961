/**
 * The report as one self-contained HTML file: no external resource of any kind (the media are
 * data: URLs, the style and the one small script inline), a Content-Security-Policy that forbids
 * loading anything else (the script is allowed by its SHA-256 only), and print CSS so "Print to
 * PDF" gives a clean document. Every value from the bundle is HTML-escaped.
 */
import { sha256 } from '@dualrec/evidence';
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

const STYLE = `
:root { --ok: #1b7f3b; --warn: #9a6400; --fail: #b3261e; --muted: #5f6368; font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; }
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
code { font-size: .85em; word-break: break-all; }
@media print { body { max-width: none; padding: 0; } video, button.seek { display: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
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

function seek(part: number | null, ms: number | null): string {
  if (part === null || ms === null || !Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  return ` <button class="seek" type="button" data-part="${part}" data-ms="${Math.round(ms)}" title="play from here">▶ ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}</button>`;
}

export async function renderReportHtml(model: ReportModel): Promise<string> {
  const scriptHash = base64(await sha256(new TextEncoder().encode(REPORT_SCRIPT)));
  const csp = `default-src 'none'; img-src data:; media-src data:; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  const e = escapeHtml;
  const recordings = model.media.filter((m) => m.role === 'recording');
  const stills = model.media.filter(
    (m) => m.role !== 'recording' && m.dataUrl && m.mediaType.startsWith('image/'),
  );
  const partOf = (name: string) => Number(/recording-(\d+)/.exec(name)?.[1] ?? 1);
  return `<!doctype html>
<html lang="en">
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
<p class="muted">Generated ${e(model.generatedAt)} by dualrec. ${model.opened ? 'Opened with the lender’s key: contains personal data — handle under your retention and access rules.' : 'Not decrypted: no personal data in this report.'}</p>
</header>
<section class="verdict ${model.valid ? 'valid' : 'invalid'}" id="verdict" data-valid="${model.valid}">
${model.valid ? '✔ VALID — the bundle is intact, signed by the device key and bound to the lender’s ticket.' : '✘ INVALID — do not rely on this bundle.'}
${model.reasons.length ? `<ul>${model.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : ''}
${model.notices.length ? `<ul class="muted">${model.notices.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : ''}
</section>
<h2>Checks</h2>
<table><tbody>${model.checks.map((c) => `<tr><td class="${c.level}">${MARK[c.level]}</td><th scope="row">${e(c.name)}</th><td>${e(c.detail)}</td></tr>`).join('')}</tbody></table>
<h2>Session, ticket and device key</h2>
<table><tbody>${model.facts.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td><code>${e(v)}</code></td></tr>`).join('')}</tbody></table>
${
  recordings.length
    ? `<h2>Recording</h2>${recordings
        .map((m) =>
          m.dataUrl
            ? `<p class="muted">${e(m.name)} (${e(m.mediaType)}, ${m.size} bytes sealed)</p><video id="recording-${partOf(m.name)}" controls preload="metadata" src="${m.dataUrl}"></video>`
            : `<p class="muted">${e(m.name)} — sealed, not decrypted</p>`,
        )
        .join('')}`
    : ''
}
${stills.length ? `<h2>Stills</h2><div class="images">${stills.map((m) => `<figure><img alt="${e(m.role)}" src="${m.dataUrl}"><figcaption class="muted">${e(m.role)} — ${e(m.name)}</figcaption></figure>`).join('')}</div>` : ''}
<h2>Steps</h2>
<table><thead><tr><th>step</th><th>status</th><th>summary</th></tr></thead><tbody>${model.steps.map((s) => `<tr><td>${e(s.name)}</td><td class="${s.status === 'passed' ? 'ok' : s.status === 'failed' ? 'fail' : 'warn'}">${e(s.status)}</td><td class="muted">${e(s.summary)}</td></tr>`).join('')}</tbody></table>
${
  model.segments.length
    ? `<h2>Disclosure script: as shown, as read, as confirmed</h2>
<table><thead><tr><th>segment</th><th>text shown</th><th>result</th></tr></thead><tbody>${model.segments
        .map(
          (
            s,
          ) => `<tr><td><strong>${e(s.id)}</strong><br><span class="muted">${e(s.kind)} · ${e(s.topic)}</span>${seek(s.part, s.recordingMs)}</td>
<td>${s.text === null ? '<span class="muted">(sealed)</span>' : e(s.text)}</td>
<td class="${s.outcome === 'not reached' ? 'fail' : ['passed', 'shown', 'confirmed'].includes(s.outcome) ? 'ok' : 'warn'}">${e(s.outcome)}${s.reasons.length ? ` — ${e(s.reasons.join(', '))}` : ''}
${[s.speech, s.lipSync, s.answer, s.presence]
  .filter(Boolean)
  .map((x) => `<br><span class="muted">${e(x)}</span>`)
  .join('')}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : ''
}
${model.liveness.length ? `<h2>Liveness</h2><ul>${model.liveness.map((l) => `<li>${e(l)}</li>`).join('')}</ul>` : ''}
${
  model.ocr.length
    ? `<h2>ID card (OCR, confirmed by the applicant)</h2>${model.ocr
        .map(
          (
            o,
          ) => `<p><strong>${e(o.side)}</strong>${o.idNumberValid === null ? '' : o.idNumberValid ? ' — ID number checksum valid (GB 11643)' : ' — <span class="fail">ID number checksum INVALID</span>'}</p>
<table><tbody>${o.fields.map((f) => `<tr><th scope="row">${e(f.name)}</th><td>${e(f.value)}</td><td class="muted">${e(f.status)}</td></tr>`).join('')}</tbody></table>`,
        )
        .join('')}`
    : ''
}
<h2>Interruptions</h2>
${model.interruptions.length ? `<ul>${model.interruptions.map((i) => `<li class="warn">${e(i)}</li>`).join('')}</ul>` : `<p class="ok">${model.opened ? 'None recorded.' : 'Not known (not decrypted).'}</p>`}
${
  model.timeline.length
    ? `<h2>Timeline</h2><table><thead><tr><th>time</th><th></th><th>event</th></tr></thead><tbody>${model.timeline
        .map(
          (t) =>
            `<tr><td class="muted">${(t.t / 1000).toFixed(1)} s</td><td class="${t.level}">${MARK[t.level]}</td><td>${e(t.text)} <span class="muted">${e(t.type)}</span>${seek(t.part, t.recordingMs)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : ''
}
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
