import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { DualrecError, type Verdict, verify } from '@dualrec/evidence';
import { openFileSource } from '@dualrec/server';
import { type Command, EXIT, parseCommandArgs } from '../io.js';
import { KEY_FILES, loadLenderKeys, requireKey } from './keygen.js';

/** A bundle file as a random-access source: verification reads it piece by piece. */
// One implementation of a file as a random-access bundle source, shared with the server.
export { openFileSource } from '@dualrec/server';

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

const usage = `Usage: dualrec verify FILE --keys DIR [--json] [--nonce NONCE] [--tsa-cert PEM]
       dualrec verify FOLDER --keys DIR [--json] [--tsa-cert PEM]

Verifies an evidence bundle offline (docs/bundle-format.md §10): ZIP safety, manifest, the device's
signature, the lender's ticket, every file's hash, the event chain. With ${KEY_FILES.encryptionPrivate}
in DIR it also decrypts every record and sealed event field; without it nothing is decrypted.

Options:
  --keys DIR      lender key folder (needs ${KEY_FILES.ticketSigningPublic})
  --json          print the verdict as JSON: { file, valid, reasons: [{code, file, detail}], notices }
  --nonce NONCE   also require the ticket's nonce to be this one
  --tsa-cert PEM  also require the bundle's (each bundle's) RFC 3161 token (<id>.tsr beside <id>.zip,
                  as the server stores it) to exist and to verify over the bundle's signature with
                  this TSA certificate (the server's <data>/tsa/tsa.crt for its local TSA):
                  TIMESTAMP_MISSING / TIMESTAMP_INVALID / TIMESTAMP_UNTRUSTED otherwise; checked by
                  verify() itself, in process (pkijs), no OpenSSL needed. A timestamp.tsr entry
                  inside a bundle is always checked

With a FOLDER, every *.zip under it (e.g. the server's bundles/) is verified: a summary table
(or JSON with every verdict), the throughput, and exit 1 when any bundle is invalid or unreadable —
for a nightly compliance job. A folder with no bundle at all exits 2.

Exit status: 0 valid, 1 invalid (every reason is printed), 2 unreadable file, missing keys or bad usage.
`;

async function zipFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await zipFiles(path)));
    else if (entry.isFile() && entry.name.endsWith('.zip')) out.push(path);
  }
  return out.sort();
}

interface FolderResult {
  file: string;
  valid: boolean;
  size: number;
  reasons: { code: string; file: string | null; detail: string }[];
  /** The RFC 3161 time when the token was checked (--tsa-cert) and verified. */
  timestamp?: { genTime: string; tsa: string };
}

/** The server stores `<id>.tsr` beside `<id>.zip`; `<file>.zip.tsr` is accepted too. */
function tokenPathFor(bundle: string): string | null {
  for (const path of [bundle.replace(/\.zip$/, '.tsr'), `${bundle}.tsr`]) if (existsSync(path)) return path;
  return null;
}

/**
 * What verify() needs to check the bundle's RFC 3161 token (docs/bundle-format.md §1): the token
 * beside it, or null when there is none (then `TIMESTAMP_MISSING`), and the TSA certificate.
 */
async function timestampOption(
  bundle: string,
  certificatePem: string,
): Promise<{ token: Uint8Array | null; trust: string }> {
  const tokenPath = tokenPathFor(bundle);
  return { token: tokenPath ? new Uint8Array(await readFile(tokenPath)) : null, trust: certificatePem };
}

/** Verifies every bundle under a folder, one after another (verification is CPU-bound). */
export async function verifyFolder(
  dir: string,
  options: {
    ticketKeys: Parameters<typeof verify>[1]['ticketKeys'];
    decryptionKeys?: Parameters<typeof verify>[1]['decryptionKeys'];
    /** Also require and check each bundle's RFC 3161 token with this TSA certificate (PEM path). */
    tsaCertificate?: string;
  },
): Promise<{ results: FolderResult[]; seconds: number; bytes: number }> {
  const started = performance.now();
  const certificatePem = options.tsaCertificate ? await readFile(options.tsaCertificate, 'utf8') : null;
  const results: FolderResult[] = [];
  let bytes = 0;
  for (const file of await zipFiles(dir)) {
    try {
      const source = await openFileSource(file);
      bytes += source.size;
      try {
        const verdict = await verify(source, {
          ticketKeys: options.ticketKeys,
          ...(options.decryptionKeys ? { decryptionKeys: options.decryptionKeys } : {}),
          ...(certificatePem !== null ? { timestamp: await timestampOption(file, certificatePem) } : {}),
        });
        const result: FolderResult = {
          file: relative(dir, file),
          valid: verdict.valid,
          size: source.size,
          reasons: [...verdict.reasons],
        };
        const stamp = verdict.timestamps.find((t) => t.source === 'beside');
        if (stamp?.valid && stamp.trusted)
          result.timestamp = { genTime: stamp.genTime ?? '?', tsa: stamp.tsa ?? '?' };
        results.push(result);
      } finally {
        await source.close();
      }
    } catch (error) {
      results.push({
        file: relative(dir, file),
        valid: false,
        size: 0,
        reasons: [{ code: 'UNREADABLE', file: null, detail: (error as Error).message }],
      });
    }
  }
  return { results, seconds: (performance.now() - started) / 1000, bytes };
}

export const verifyCommand: Command = {
  summary: 'verify an evidence bundle (exit 0 valid, 1 invalid, 2 unreadable)',
  usage,
  async run(args, io) {
    const parsed: {
      values: { keys?: string; json?: boolean; nonce?: string; 'tsa-cert'?: string };
      positionals: string[];
    } = parseCommandArgs({
      args,
      options: {
        keys: { type: 'string' },
        json: { type: 'boolean' },
        nonce: { type: 'string' },
        'tsa-cert': { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    const { values, positionals } = parsed;
    if (positionals.length !== 1)
      throw new DualrecError('BAD_USAGE', { detail: 'give exactly one bundle FILE' });
    const folder = (await stat(resolve(positionals[0] as string)).catch(() => null))?.isDirectory() === true;
    if (!values.keys) throw new DualrecError('BAD_USAGE', { detail: '--keys DIR is required' });
    const file = positionals[0] as string;
    if (folder) {
      const keys = await loadLenderKeys(resolve(values.keys));
      const ticketKey = requireKey(keys.ticketSigningPublic, values.keys, KEY_FILES.ticketSigningPublic);
      const tsaCertificate = values['tsa-cert'] ? resolve(values['tsa-cert']) : undefined;
      if (tsaCertificate && !existsSync(tsaCertificate))
        throw new DualrecError('BAD_USAGE', { detail: `--tsa-cert ${values['tsa-cert']}: no such file` });
      const { results, seconds, bytes } = await verifyFolder(resolve(file), {
        ticketKeys: [ticketKey],
        ...(keys.encryptionPrivate ? { decryptionKeys: [keys.encryptionPrivate] } : {}),
        ...(tsaCertificate ? { tsaCertificate } : {}),
      });
      if (results.length === 0) {
        // A nightly job pointed at the wrong folder must not pass on nothing.
        io.stderr.write(`dualrec verify: no *.zip under ${file}\n`);
        return EXIT.usage;
      }
      const invalid = results.filter((r) => !r.valid).length;
      const throughput = {
        bundlesPerSecond: Number((results.length / Math.max(seconds, 1e-9)).toFixed(1)),
        megabytesPerSecond: Number((bytes / 1e6 / Math.max(seconds, 1e-9)).toFixed(1)),
      };
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({ folder: file, total: results.length, valid: results.length - invalid, invalid, seconds: Number(seconds.toFixed(2)), ...throughput, results }, null, 2)}\n`,
        );
      } else {
        for (const r of results)
          io.stdout.write(
            `${r.valid ? 'VALID  ' : 'INVALID'}  ${r.file}${r.timestamp ? `  time-stamped ${r.timestamp.genTime}` : ''}${r.valid ? '' : `  ${r.reasons[0]?.code ?? ''}: ${r.reasons[0]?.detail ?? ''}`}\n`,
          );
        io.stdout.write(
          `${results.length} bundle(s): ${results.length - invalid} valid, ${invalid} invalid — ${seconds.toFixed(1)} s, ${throughput.bundlesPerSecond} bundles/s, ${throughput.megabytesPerSecond} MB/s\n`,
        );
      }
      return invalid === 0 ? EXIT.ok : EXIT.failed;
    }
    let verdict: Verdict;
    try {
      const keys = await loadLenderKeys(resolve(values.keys));
      const ticketKey = requireKey(keys.ticketSigningPublic, values.keys, KEY_FILES.ticketSigningPublic);
      const certificate = values['tsa-cert'] ? resolve(values['tsa-cert']) : null;
      if (certificate && !existsSync(certificate))
        throw new DualrecError('BAD_USAGE', { detail: `--tsa-cert ${values['tsa-cert']}: no such file` });
      const timestamp = certificate
        ? await timestampOption(resolve(file), await readFile(certificate, 'utf8'))
        : null;
      const source = await openFileSource(resolve(file));
      try {
        verdict = await verify(source, {
          ticketKeys: [ticketKey],
          ...(keys.encryptionPrivate ? { decryptionKeys: [keys.encryptionPrivate] } : {}),
          ...(values.nonce ? { expectedNonce: values.nonce } : {}),
          ...(timestamp ? { timestamp } : {}),
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
