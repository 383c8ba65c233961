/**
 * Verification and the report, off the UI thread. The bundle (a File) is read in slices; the
 * key files are parsed here; nothing is sent anywhere (the page's CSP has connect-src 'none').
 * An RFC 3161 token (`<id>.tsr`, as the lender server stores it) is checked here too, over the
 * bundle's signature, against the TSA certificate when one is given.
 */
import {
  blobSource,
  checkTimestampToken,
  type PrivateJwk,
  type PublicJwk,
  type RandomAccessSource,
  SIGNATURE_FILE,
  toPublicJwk,
  ZipArchive,
} from '@dualrec/evidence';
import { prepareReport, type ReportTimestamp } from '@dualrec/report';

export interface ConsoleRequest {
  bundle: File;
  keyFiles: { name: string; text: string }[];
  /** Optional: the bundle's RFC 3161 token (.tsr) and the TSA certificate (PEM) to check it with. */
  timestamp?: { token: Uint8Array; certificatePem?: string };
}

export type ConsoleMessage =
  | { type: 'progress'; phase: string; fraction: number }
  | { type: 'done'; valid: boolean; reasons: string[]; html: string; opened: boolean }
  | { type: 'failed'; message: string };

/** Sorts the lender's JWK files into the ticket-signing public key and the encryption private key. */
export function sortKeys(files: ConsoleRequest['keyFiles']): {
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
      throw new Error(`${file.name} is not a JWK (JSON) file`);
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
  if (ticketKeys.length === 0)
    throw new Error('no ticket-signing key among the files (ticket-signing.public.jwk)');
  return { ticketKeys, ...(decryptionKey ? { decryptionKey } : {}) };
}

const post = (message: ConsoleMessage) => (self as unknown as Worker).postMessage(message);

/** The token checked over the bundle's signature file, in the report's terms. */
async function timestampFor(
  source: RandomAccessSource,
  timestamp: NonNullable<ConsoleRequest['timestamp']>,
): Promise<ReportTimestamp> {
  let signature: Uint8Array;
  try {
    const archive = await ZipArchive.open(source);
    const entry = archive.get(SIGNATURE_FILE);
    if (!entry) throw new Error('the bundle has no signature');
    signature = await archive.read(entry, 65536);
  } catch (error) {
    return { genTime: '?', tsa: '?', verified: false, detail: (error as Error).message };
  }
  const checked = await checkTimestampToken(timestamp.token, signature, {
    ...(timestamp.certificatePem ? { trustedCertPem: timestamp.certificatePem } : {}),
  });
  return {
    genTime: checked.genTime ?? '?',
    tsa: checked.tsaName ?? '?',
    // Valid without a certificate only means "internally consistent": shown as not checked.
    verified: !checked.valid ? false : checked.trusted ? true : null,
    ...(checked.reason ? { detail: checked.reason } : {}),
  };
}

self.addEventListener('message', async (event: MessageEvent<ConsoleRequest>) => {
  try {
    const { ticketKeys, decryptionKey } = sortKeys(event.data.keyFiles);
    const source = blobSource(event.data.bundle);
    const timestamp = event.data.timestamp ? await timestampFor(source, event.data.timestamp) : null;
    const { model, html } = await prepareReport({
      source,
      name: event.data.bundle.name,
      ticketKeys,
      ...(decryptionKey ? { decryptionKey } : {}),
      timestamp,
      onProgress: (phase, fraction) => post({ type: 'progress', phase, fraction }),
    });
    post({ type: 'done', valid: model.valid, reasons: model.reasons, html, opened: model.opened });
  } catch (error) {
    post({ type: 'failed', message: (error as Error).message });
  }
});
