import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DualrecError, openBundle } from '@dualrec/evidence';
import { type Command, EXIT, parseCommandArgs } from '../io.js';
import { KEY_FILES, loadLenderKeys, requireKey } from './keygen.js';
import { openFileSource } from './verify.js';

const usage = `Usage: dualrec decrypt FILE --keys DIR --out DIR [--force]

Verifies the bundle, then decrypts it with DIR's ${KEY_FILES.encryptionPrivate}. Refuses a bundle
that fails verification (run "dualrec verify" to see why). Writes, with mode 0600 (this is personal
data):
  OUT/media/NAME          each recording/still, decrypted (the .enc suffix removed)
  OUT/events.json         the event log with sealed fields opened ("sealedFields")
  OUT/manifest.json       the manifest, pretty-printed

Options:
  --keys DIR   lender key folder (${KEY_FILES.encryptionPrivate}, ${KEY_FILES.ticketSigningPublic})
  --out DIR    output folder (created with mode 0700)
  --force      overwrite files already in OUT
`;

export const decryptCommand: Command = {
  summary: 'verify a bundle, then decrypt its media and sealed event fields',
  usage,
  async run(args, io) {
    const parsed: { values: { keys?: string; out?: string; force?: boolean }; positionals: string[] } =
      parseCommandArgs({
        args,
        options: { keys: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
        strict: true,
        allowPositionals: true,
      });
    const { values, positionals } = parsed;
    if (positionals.length !== 1)
      throw new DualrecError('BAD_USAGE', { detail: 'give exactly one bundle FILE' });
    if (!values.keys || !values.out)
      throw new DualrecError('BAD_USAGE', { detail: '--keys DIR and --out DIR are required' });
    const keys = await loadLenderKeys(resolve(values.keys));
    const decryptionKey = requireKey(keys.encryptionPrivate, values.keys, KEY_FILES.encryptionPrivate);
    const ticketKey = requireKey(keys.ticketSigningPublic, values.keys, KEY_FILES.ticketSigningPublic);
    const outDir = resolve(values.out);
    const flags = values.force ? 'w' : 'wx';
    const source = await openFileSource(resolve(positionals[0] as string));
    try {
      const bundle = await openBundle(source, { decryptionKey, ticketKeys: [ticketKey] });
      await mkdir(join(outDir, 'media'), { recursive: true, mode: 0o700 });
      const written: string[] = [];
      for (const file of bundle.manifest.files) {
        if (!file.encryption) continue;
        // Names were validated by the reader (media/[a-z0-9._-]); basename is a second guard.
        const target = join(outDir, 'media', basename(file.name).replace(/\.enc$/, ''));
        const stream = createWriteStream(target, { flags, mode: 0o600 });
        try {
          await new Promise<void>((resolveOpen, reject) => {
            stream.once('open', () => resolveOpen());
            stream.once('error', reject);
          });
          for await (const chunk of bundle.decryptFile(file.name)) {
            if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
          }
          await new Promise<void>((resolveEnd, reject) =>
            stream.end((e?: Error | null) => (e ? reject(e) : resolveEnd())),
          );
        } catch (error) {
          stream.destroy();
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
            throw new DualrecError('BAD_USAGE', { detail: `${target} exists; use --force`, cause: error });
          }
          await rm(target, { force: true });
          throw error;
        }
        written.push(target);
      }
      const events = join(outDir, 'events.json');
      const manifest = join(outDir, 'manifest.json');
      try {
        await writeFile(events, `${JSON.stringify(bundle.events, null, 2)}\n`, { flag: flags, mode: 0o600 });
        await writeFile(manifest, `${JSON.stringify(bundle.manifest, null, 2)}\n`, {
          flag: flags,
          mode: 0o600,
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new DualrecError('BAD_USAGE', {
            detail: `${outDir} already holds decrypted files; use --force`,
            cause: error,
          });
        }
        throw error;
      }
      written.push(events, manifest);
      io.stdout.write(
        `verified and decrypted ${bundle.manifest.sessionId}:\n${written.map((w) => `  ${w}\n`).join('')}`,
      );
      return EXIT.ok;
    } finally {
      await source.close();
    }
  },
};
