/**
 * Verification and the report, off the UI thread. The bundle (a File) is read in slices; the
 * key files are parsed here; nothing is sent anywhere (the page's CSP has connect-src 'none').
 */
import { blobSource, type PrivateJwk, type PublicJwk, toPublicJwk } from '@dualrec/evidence';
import { prepareReport } from '@dualrec/report';

export interface ConsoleRequest {
  bundle: File;
  keyFiles: { name: string; text: string }[];
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

self.addEventListener('message', async (event: MessageEvent<ConsoleRequest>) => {
  try {
    const { ticketKeys, decryptionKey } = sortKeys(event.data.keyFiles);
    const { model, html } = await prepareReport({
      source: blobSource(event.data.bundle),
      name: event.data.bundle.name,
      ticketKeys,
      ...(decryptionKey ? { decryptionKey } : {}),
      onProgress: (phase, fraction) => post({ type: 'progress', phase, fraction }),
    });
    post({ type: 'done', valid: model.valid, reasons: model.reasons, html, opened: model.opened });
  } catch (error) {
    post({ type: 'failed', message: (error as Error).message });
  }
});
