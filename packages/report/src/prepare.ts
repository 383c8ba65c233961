/**
 * From a bundle (any random-access source: a file in node, a File in the browser) to the report:
 * verify first; open (decrypt) only a valid bundle and only with a recipient key; the media become
 * data: URLs so the report needs nothing else. Used by `dualrec report` and the auditor console.
 */
import {
  type OpenedEvent,
  openBundle,
  type PrivateJwk,
  type PublicJwk,
  type RandomAccessSource,
  readTicketUnverified,
  sha256Hex,
  verify,
} from '@dualrec/evidence';
import { renderReportHtml } from './html.js';
import { buildReport, type ReportMedia, type ReportModel, type ReportTimestamp } from './model.js';

export interface PrepareReportOptions {
  source: RandomAccessSource;
  /** Shown in the report (file name). */
  name: string;
  ticketKeys: readonly PublicJwk[];
  /** The lender's encryption private key: with it, media and sealed fields are in the report. */
  decryptionKey?: PrivateJwk;
  timestamp?: ReportTimestamp | null;
  /** Reports progress: 'verifying', 'decrypting', 'rendering' with a 0–1 fraction. */
  onProgress?: (phase: 'reading' | 'verifying' | 'decrypting' | 'rendering', fraction: number) => void;
  now?: () => Date;
}

function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

export async function prepareReport(
  options: PrepareReportOptions,
): Promise<{ model: ReportModel; html: string }> {
  const { source } = options;
  const progress = options.onProgress ?? (() => undefined);
  progress('reading', 0);
  const bytes = await source.read(0, source.size);
  const bundleSha256 = await sha256Hex(bytes);
  progress('verifying', 0.1);
  // With the key, exactly what `dualrec verify --keys` checks (every record authenticated too).
  let verdict = await verify(source, {
    ticketKeys: options.ticketKeys,
    ...(options.decryptionKey ? { decryptionKeys: [options.decryptionKey] } : {}),
  });
  let events: OpenedEvent[] | null = null;
  const media: ReportMedia[] = (verdict.manifest?.files ?? [])
    .filter((f) => f.role !== 'events')
    .map((f) => ({ name: f.name, role: f.role, mediaType: f.mediaType, dataUrl: null, size: f.size }));
  if (verdict.valid && options.decryptionKey) {
    progress('decrypting', 0.4);
    const opened = await openBundle(source, {
      ticketKeys: options.ticketKeys,
      decryptionKey: options.decryptionKey,
    });
    events = opened.events;
    verdict = opened.verdict;
    let done = 0;
    for (const m of media) {
      const parts: Uint8Array[] = [];
      for await (const chunk of opened.decryptFile(m.name)) parts.push(chunk);
      const plain = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const p of parts) {
        plain.set(p, offset);
        offset += p.length;
      }
      m.dataUrl = `data:${m.mediaType.split(';')[0]};base64,${toBase64(plain)}`;
      progress('decrypting', 0.4 + (0.5 * ++done) / media.length);
    }
  }
  progress('rendering', 0.9);
  const model = buildReport({
    source: options.name,
    bundleSha256,
    bundleSize: source.size,
    verdict,
    events,
    media,
    timestamp: options.timestamp ?? null,
    ticketClaims: verdict.manifest ? (readTicketUnverified(verdict.manifest.ticket)?.claims ?? null) : null,
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
  });
  const html = await renderReportHtml(model);
  progress('rendering', 1);
  return { model, html };
}
