/**
 * From a bundle (any random-access source: a file in node, a File in the browser) to the report:
 * verify first; open (decrypt) only a valid bundle and only with a recipient key; the media become
 * data: URLs so the report needs nothing else. Used by `dualrec report` and the auditor console.
 */
import {
  concatBytes,
  EVENTS_FILE,
  type OpenedEvent,
  openBundle,
  type PrivateJwk,
  type PublicJwk,
  type RandomAccessSource,
  readTicketUnverified,
  sha256Hex,
  type VerifiedTimestamp,
  verify,
  ZipArchive,
} from '@dualrec/evidence';
import { renderReportHtml } from './html.js';
import { isReportLocale, type ReportLocale, type ReportMessageOverrides } from './i18n.js';
import {
  buildReport,
  type ReportInput,
  type ReportMedia,
  type ReportModel,
  type ReportTimestamp,
} from './model.js';

export interface PrepareReportOptions {
  source: RandomAccessSource;
  /** Shown in the report (file name). */
  name: string;
  ticketKeys: readonly PublicJwk[];
  /** The lender's encryption private key: with it, media and sealed fields are in the report. */
  decryptionKey?: PrivateJwk;
  /**
   * The bundle's RFC 3161 token (`<id>.tsr` beside it, DER TimeStampToken) and the TSA certificate
   * (PEM) to trust, checked by verify() itself (`VerifyOptions.timestamp`): a token that fails is a
   * reason in the verdict like any other. Absent or null: no token was found (the report says so),
   * though a `timestamp.tsr` inside the bundle is still checked.
   */
  timestamp?: { token: Uint8Array; trust?: string } | null;
  /** Reports progress: 'verifying', 'decrypting', 'rendering' with a 0–1 fraction. */
  onProgress?: (phase: 'reading' | 'verifying' | 'decrypting' | 'rendering', fraction: number) => void;
  now?: () => Date;
  /** The report's language; default: the bundle's (session.start's locale), else zh-CN. */
  locale?: ReportLocale;
  /** IANA time zone for the dates (default: this machine's or browser's). */
  timeZone?: string;
  /** The lender's own wording (see checkReportMessages). */
  messages?: ReportMessageOverrides;
}

/**
 * The language the applicant's session ran in (session.start's `locale`, a clear field of the
 * first event), or null. Read without the key and without trusting it for anything but the
 * choice of language: a damaged bundle simply gives null.
 *
 * @example
 * ```ts
 * const locale = (await bundleLocale(source)) ?? 'zh-CN';
 * ```
 */
export async function bundleLocale(source: RandomAccessSource): Promise<ReportLocale | null> {
  try {
    const archive = await ZipArchive.open(source);
    const entry = archive.get(EVENTS_FILE);
    if (!entry) return null;
    for await (const chunk of archive.stream(entry)) {
      const text = new TextDecoder().decode(chunk);
      const newline = text.indexOf('\n');
      const first = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as {
        type?: unknown;
        payload?: { locale?: unknown };
      };
      return first.type === 'session.start' && isReportLocale(first.payload?.locale)
        ? first.payload.locale
        : null;
    }
  } catch {
    // Not readable: the caller falls back to its default language.
  }
  return null;
}

function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

/** The report's time-stamp row: the token beside the bundle, else a `timestamp.tsr` entry. */
function reportTimestamp(checked: readonly VerifiedTimestamp[]): ReportTimestamp | null {
  const stamp = checked.find((t) => t.source === 'beside') ?? checked[0];
  if (!stamp) return null;
  return {
    genTime: stamp.genTime ?? '?',
    tsa: stamp.tsa ?? '?',
    // Sound without a certificate only means "internally consistent": shown as not checked.
    verified: !stamp.valid ? false : stamp.trusted ? true : null,
    ...(stamp.detail ? { detail: stamp.detail } : {}),
  };
}

export async function prepareReport(
  options: PrepareReportOptions,
): Promise<{ model: ReportModel; html: string; input: ReportInput }> {
  const { source } = options;
  const progress = options.onProgress ?? (() => undefined);
  progress('reading', 0);
  const bytes = await source.read(0, source.size);
  const bundleSha256 = await sha256Hex(bytes);
  progress('verifying', 0.1);
  // With the key, exactly what `dualrec verify --keys` checks (every record authenticated too).
  const verdict = await verify(source, {
    ticketKeys: options.ticketKeys,
    ...(options.decryptionKey ? { decryptionKeys: [options.decryptionKey] } : {}),
    ...(options.timestamp
      ? {
          timestamp: {
            token: options.timestamp.token,
            ...(options.timestamp.trust !== undefined ? { trust: options.timestamp.trust } : {}),
          },
        }
      : {}),
  });
  // A failing time-stamp says nothing against the bundle's own integrity: its content is still
  // shown (the verdict stays invalid, with the time-stamp's reason).
  const intact = verdict.reasons.every((r) => r.code.startsWith('TIMESTAMP_'));
  let events: OpenedEvent[] | null = null;
  const media: ReportMedia[] = (verdict.manifest?.files ?? [])
    .filter((f) => f.role !== 'events')
    .map((f) => ({ name: f.name, role: f.role, mediaType: f.mediaType, dataUrl: null, size: f.size }));
  if (intact && options.decryptionKey) {
    progress('decrypting', 0.4);
    const opened = await openBundle(source, {
      ticketKeys: options.ticketKeys,
      decryptionKey: options.decryptionKey,
    });
    events = opened.events;
    let done = 0;
    for (const m of media) {
      const parts: Uint8Array[] = [];
      for await (const chunk of opened.decryptFile(m.name)) parts.push(chunk);
      const plain = concatBytes(parts);
      m.dataUrl = `data:${m.mediaType.split(';')[0]};base64,${toBase64(plain)}`;
      progress('decrypting', 0.4 + (0.5 * ++done) / media.length);
    }
  }
  progress('rendering', 0.9);
  const fromEvents = events?.find((e) => e.type === 'session.start')?.payload.locale;
  const locale =
    options.locale ?? (isReportLocale(fromEvents) ? fromEvents : ((await bundleLocale(source)) ?? 'zh-CN'));
  const input: ReportInput = {
    source: options.name,
    bundleSha256,
    bundleSize: source.size,
    verdict,
    events,
    media,
    timestamp: reportTimestamp(verdict.timestamps),
    ticketClaims: verdict.manifest ? (readTicketUnverified(verdict.manifest.ticket)?.claims ?? null) : null,
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  const model = buildReport(input, {
    locale,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...(options.messages ? { messages: options.messages } : {}),
  });
  const html = await renderReportHtml(model, options.messages ? { messages: options.messages } : {});
  progress('rendering', 1);
  // `input` lets a caller render the same evidence in another language without verifying again.
  return { model, html, input };
}

/**
 * The same evidence (prepareReport's `input`) as a model and a page in another language or time
 * zone, without verifying or decrypting again: the auditor console's language switch.
 *
 * @example
 * ```ts
 * const { input } = await prepareReport({ source, name, ticketKeys, locale: 'zh-CN' });
 * const { html } = await renderReport(input, { locale: 'en' });
 * ```
 */
export async function renderReport(
  input: ReportInput,
  options: { locale: ReportLocale; timeZone?: string; messages?: ReportMessageOverrides },
): Promise<{ model: ReportModel; html: string }> {
  const model = buildReport(input, options);
  return {
    model,
    html: await renderReportHtml(model, options.messages ? { messages: options.messages } : {}),
  };
}
