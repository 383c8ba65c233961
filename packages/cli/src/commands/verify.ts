import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DualrecError, type RandomAccessSource, type Verdict, verify } from '@dualrec/evidence';
import { type Command, EXIT, parseCommandArgs } from '../io.js';
import { KEY_FILES, loadLenderKeys, requireKey } from './keygen.js';

/** A bundle file as a random-access source: verification reads it piece by piece. */
export async function openFileSource(path: string): Promise<RandomAccessSource & { close(): Promise<void> }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new DualrecError('FILE_UNREADABLE', { detail: `${path}: ${(cause as Error).message}`, cause });
  }
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const buffer = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0)
          throw new DualrecError('FILE_UNREADABLE', { detail: `${path} shrank while being read` });
        done += bytesRead;
      }
      return buffer;
    },
    close: () => handle.close(),
  };
}

export function formatVerdict(file: string, verdict: Verdict): string {
  const lines = [`${file}: ${verdict.valid ? 'VALID' : 'INVALID'}`];
  for (const reason of verdict.reasons)
    lines.push(`  ✗ ${reason.code}${reason.file ? ` [${reason.file}]` : ''}: ${reason.detail}`);
  for (const notice of verdict.notices)
    lines.push(`  i ${notice.code}${notice.file ? ` [${notice.file}]` : ''}: ${notice.detail}`);
  if (verdict.manifest) {
    const m = verdict.manifest;
    lines.push(
      `  session ${m.sessionId} · lender ${m.lenderId} · ${m.startedAt} → ${m.endedAt} · ${m.files.length} files`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const usage = `Usage: dualrec verify FILE --keys DIR [--json] [--nonce NONCE]

Verifies an evidence bundle offline (docs/bundle-format.md §10): ZIP safety, manifest, the device's
signature, the lender's ticket, every file's hash, the event chain. With ${KEY_FILES.encryptionPrivate}
in DIR it also decrypts every record and sealed event field; without it nothing is decrypted.

Options:
  --keys DIR      lender key folder (needs ${KEY_FILES.ticketSigningPublic})
  --json          print the verdict as JSON: { file, valid, reasons: [{code, file, detail}], notices }
  --nonce NONCE   also require the ticket's nonce to be this one

Exit status: 0 valid, 1 invalid (every reason is printed), 2 unreadable file, missing keys or bad usage.
`;

export const verifyCommand: Command = {
  summary: 'verify an evidence bundle (exit 0 valid, 1 invalid, 2 unreadable)',
  usage,
  async run(args, io) {
    const parsed: { values: { keys?: string; json?: boolean; nonce?: string }; positionals: string[] } =
      parseCommandArgs({
        args,
        options: { keys: { type: 'string' }, json: { type: 'boolean' }, nonce: { type: 'string' } },
        strict: true,
        allowPositionals: true,
      });
    const { values, positionals } = parsed;
    if (positionals.length !== 1)
      throw new DualrecError('BAD_USAGE', { detail: 'give exactly one bundle FILE' });
    if (!values.keys) throw new DualrecError('BAD_USAGE', { detail: '--keys DIR is required' });
    const file = positionals[0] as string;
    let verdict: Verdict;
    try {
      const keys = await loadLenderKeys(resolve(values.keys));
      const ticketKey = requireKey(keys.ticketSigningPublic, values.keys, KEY_FILES.ticketSigningPublic);
      const source = await openFileSource(resolve(file));
      try {
        verdict = await verify(source, {
          ticketKeys: [ticketKey],
          ...(keys.encryptionPrivate ? { decryptionKeys: [keys.encryptionPrivate] } : {}),
          ...(values.nonce ? { expectedNonce: values.nonce } : {}),
        });
      } finally {
        await source.close();
      }
    } catch (error) {
      // Unreadable input or keys is exit 2 ("could not judge"), distinct from 1 ("judged invalid").
      if (error instanceof DualrecError && ['FILE_UNREADABLE', 'KEY_INVALID'].includes(error.code)) {
        io.stderr.write(`dualrec verify: [${error.code}] ${error.message}\n`);
        return EXIT.usage;
      }
      throw error;
    }
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ file, valid: verdict.valid, reasons: verdict.reasons, notices: verdict.notices }, null, 2)}\n`,
      );
    } else {
      io.stdout.write(formatVerdict(file, verdict));
    }
    return verdict.valid ? EXIT.ok : EXIT.failed;
  },
};
