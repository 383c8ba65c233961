import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { bytesSource, DualrecError, MANIFEST_FILE, ZipArchive } from '@dualrec/evidence';
import { uploadBundle } from '@dualrec/upload';
import { fileUrlStorage } from '@dualrec/upload/node';
import { type Command, EXIT, parseCommandArgs } from '../io.js';

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
    });
    io.stdout.write(`${JSON.stringify(receipt, null, 2)}\n`);
    return receipt.verdict === 'valid' ? EXIT.ok : EXIT.failed;
  },
};
