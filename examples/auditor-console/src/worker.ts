/**
 * Verification and the report, off the UI thread. The bundle (a File) is read in slices; the
 * key files are parsed here; nothing is sent anywhere (the page's CSP has connect-src 'none').
 * An RFC 3161 token (`<id>.tsr`, as the lender server stores it) is checked here too, over the
 * bundle's signature, against the TSA certificate when one is given. The last verified evidence
 * stays here so the language switch re-renders the report without verifying again.
 */
import { blobSource, type PrivateJwk, type PublicJwk, toPublicJwk } from '@dualrec/evidence';
import {
  prepareReport,
  type ReportInput,
  type ReportLocale,
  type ReportMessageKey,
  type ReportMessageOverrides,
  type ReportModel,
  renderReport,
} from '@dualrec/report';

export type ConsoleRequest =
  | {
      type: 'verify';
      bundle: File;
      keyFiles: { name: string; text: string }[];
      /** Optional: the bundle's RFC 3161 token (.tsr) and the TSA certificate (PEM) to check it with. */
      timestamp?: { token: Uint8Array; certificatePem?: string };
      locale: ReportLocale;
      messages?: ReportMessageOverrides;
    }
  /** The last verified bundle's report again, in another language. */
  | { type: 'render'; locale: ReportLocale; messages?: ReportMessageOverrides };

export type ConsoleMessage =
  | { type: 'progress'; phase: string; fraction: number }
  | {
      type: 'done';
      valid: boolean;
      reasons: { code: string; text: string }[];
      html: string;
      opened: boolean;
      locale: ReportLocale;
    }
  /** `key`: a console message to show in the page's language; otherwise `message` as it came. */
  | {
      type: 'failed';
      message: string;
      key?: ReportMessageKey;
      values?: Record<string, string>;
      errorCode?: string;
    };

/** A failure the page words itself (in its language), from the shared catalogue. */
export class ConsoleError extends Error {
  constructor(
    readonly key: ReportMessageKey,
    readonly values: Record<string, string> = {},
  ) {
    super(`${key} ${JSON.stringify(values)}`);
  }
}

/** Sorts the lender's JWK files into the ticket-signing public key and the encryption private key. */
export function sortKeys(files: { name: string; text: string }[]): {
  ticketKeys: PublicJwk[];
  decryptionKey?: PrivateJwk;
} {
  const ticketKeys: PublicJwk[] = [];
  let decryptionKey: PrivateJwk | undefined;
  for (const file of files) {
    let jwk: Record<string, unknown>;
    try {
      jwk = JSON.parse(file.text) as Record<string, unknown>;
    } catch {
      throw new ConsoleError('console.error.notJwk', { file: file.name });
    }
    const isEncryption =
      jwk.use === 'enc' || String(jwk.alg ?? '').startsWith('ECDH') || /encryption/.test(file.name);
    if (isEncryption) {
      if (typeof jwk.d === 'string') decryptionKey = jwk as unknown as PrivateJwk;
    } else {
      // A private ticket-signing key also works: its public half is what verification needs.
      ticketKeys.push(toPublicJwk(jwk));
    }
  }
  if (ticketKeys.length === 0) throw new ConsoleError('console.error.noTicketKey');
  return { ticketKeys, ...(decryptionKey ? { decryptionKey } : {}) };
}

const post = (message: ConsoleMessage) => (self as unknown as Worker).postMessage(message);

let last: ReportInput | null = null;

function done(model: ReportModel, html: string): void {
  post({
    type: 'done',
    valid: model.valid,
    reasons: model.reasons.map((r) => ({ code: r.code, text: r.text })),
    html,
    opened: model.opened,
    locale: model.locale,
  });
}

self.addEventListener('message', async (event: MessageEvent<ConsoleRequest>) => {
  const request = event.data;
  try {
    if (request.type === 'render') {
      if (!last) return;
      const { model, html } = await renderReport(last, {
        locale: request.locale,
        ...(request.messages ? { messages: request.messages } : {}),
      });
      done(model, html);
      return;
    }
    last = null;
    const { ticketKeys, decryptionKey } = sortKeys(request.keyFiles);
    const source = blobSource(request.bundle);
    // Checked by verify() itself (VerifyOptions.timestamp), as `dualrec verify/report --tsa-cert` do.
    const timestamp = request.timestamp
      ? {
          token: request.timestamp.token,
          ...(request.timestamp.certificatePem ? { trust: request.timestamp.certificatePem } : {}),
        }
      : null;
    const { model, html, input } = await prepareReport({
      source,
      name: request.bundle.name,
      ticketKeys,
      ...(decryptionKey ? { decryptionKey } : {}),
      timestamp,
      locale: request.locale,
      ...(request.messages ? { messages: request.messages } : {}),
      onProgress: (phase, fraction) => post({ type: 'progress', phase, fraction }),
    });
    last = input;
    done(model, html);
  } catch (error) {
    post(
      error instanceof ConsoleError
        ? { type: 'failed', message: error.message, key: error.key, values: error.values }
        : {
            type: 'failed',
            message: (error as Error).message,
            // A DualrecError: the page words it from its code (ERROR_MESSAGES, zh-CN and en).
            ...(typeof (error as { code?: unknown }).code === 'string'
              ? { errorCode: (error as { code: string }).code }
              : {}),
          },
    );
  }
});
