import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { bytesSource, DualrecError, isDualrecError, MANIFEST_FILE, ZipArchive } from '@dualrec/evidence';
import { uploadBundle } from '@dualrec/upload';
import { fileUrlStorage } from '@dualrec/upload/node';
import { type Command, EXIT, forCliUser, parseCommandArgs } from '../io.js';

const usage = `Usage: dualrec upload FILE --to URL [--state FILE] [--json]

Sends a sealed bundle to a lender server by tus (resumable: run it again after a failure and it
continues where the server stopped), then prints the server's receipt. The session id and ticket
come from the bundle's own manifest.
  --to URL      the tus endpoint, e.g. https://lender.example/v1/uploads/
  --state FILE  where upload URLs are kept for resuming (default FILE.upload-state.json)
Exit status: 0 when the receipt says valid, 1 when the bundle was quarantined or the upload failed.
`;

export const uploadCommand: Command = {
  summary: 'send a bundle to a lender server (tus, resumable) and print the receipt',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: { to: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    const [file] = positionals;
    if (!file || !values.to)
      throw new DualrecError('BAD_USAGE', { detail: 'FILE and --to URL are required' });
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(resolve(file)));
    } catch (cause) {
      throw new DualrecError('FILE_UNREADABLE', { detail: `${file}: ${(cause as Error).message}`, cause });
    }
    const archive = await ZipArchive.open(bytesSource(bytes));
    const entry = archive.get(MANIFEST_FILE);
    if (!entry) throw new DualrecError('BUNDLE_INVALID', { detail: `${file} has no ${MANIFEST_FILE}` });
    const manifest = JSON.parse(new TextDecoder().decode(await archive.read(entry, 1 << 20))) as {
      sessionId?: unknown;
      ticket?: unknown;
    };
    if (typeof manifest.sessionId !== 'string' || typeof manifest.ticket !== 'string')
      throw new DualrecError('BUNDLE_INVALID', { detail: 'the manifest has no sessionId or ticket' });
    let last = -1;
    const receipt = await uploadBundle({
      endpoint: values.to,
      source: bytes,
      sessionId: manifest.sessionId,
      ticket: manifest.ticket,
      urlStorage: fileUrlStorage(resolve(values.state ?? `${file}.upload-state.json`)),
      onProgress: (sent, total) => {
        const percent = Math.floor((sent / total) * 100);
        if (!values.json && percent >= last + 10) {
          last = percent;
          io.stderr.write(`  ${percent}% (${sent} of ${total} bytes)\n`);
        }
      },
      onRetry: (attempt, error) => io.stderr.write(`  retry ${attempt}: ${error.message}\n`),
    }).catch((error: unknown) => {
      throw isDualrecError(error)
        ? forCliUser(error, explainUploadFailure(error, values.to as string, file))
        : error;
    });
    io.stdout.write(`${JSON.stringify(receipt, null, 2)}\n`);
    return receipt.verdict === 'valid' ? EXIT.ok : EXIT.failed;
  },
};

/**
 * What an upload failure means for the person running the command. The upload package words its
 * errors for the applicant's phone; here the user typed a URL and holds the file.
 */
export function explainUploadFailure(error: DualrecError, endpoint: string, file: string): string {
  const status = typeof error.context.status === 'number' ? error.context.status : 0;
  const again = `run the same command again to resume from where the server stopped`;
  if (error.code === 'UPLOAD_RECEIPT_MISMATCH')
    return `the server at ${endpoint} holds different bytes from ${file}: it is not this bundle's upload. Delete ${file}.upload-state.json (or pass another --state) and upload again.`;
  if (error.code !== 'UPLOAD_FAILED') return error.message;
  if (status === 404 || status === 405)
    return `${endpoint} is not a tus upload endpoint (HTTP ${status}). --to must be the server's tus endpoint, e.g. https://lender.example/v1/uploads/ (dualrec serve prints its URL; the endpoint is that URL plus /v1/uploads/).`;
  if (status === 401 || status === 403)
    return `the server refused the bundle's ticket (HTTP ${status}). A ticket is good for one bundle and until it expires: this one is used, expired, for another session or from another server. The bundle cannot be sent with it; make a new one with a fresh ticket from that server.`;
  if (status === 413)
    return `the server refused ${file} as too large (HTTP 413): check its size limit (dualrec serve --max-bundle-mb).`;
  if (status >= 400 && status < 500)
    return `the server at ${endpoint} refused the upload (HTTP ${status}). Nothing was changed on the server; check --to and the bundle.`;
  if (status >= 500)
    return `the server at ${endpoint} failed (HTTP ${status}) after every retry. ${file} is unchanged; ${again}.`;
  return `could not reach ${endpoint}: check the address and that the server is running. ${file} is unchanged; ${again}.`;
}
