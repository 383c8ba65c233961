/**
 * The nightly compliance job: `dualrec verify FOLDER` over 100 sample bundles (~1 MB each, with
 * a recording), reported as bundles/s and MB/s; also with each bundle's RFC 3161 token checked
 * (--tsa-cert). Baseline, same run, same files: reading each bundle and one SHA-256 over it (the
 * least any integrity check must do).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bytesSource,
  generateKeyPairJwk,
  MemorySink,
  type PrivateJwk,
  type PublicJwk,
  SIGNATURE_FILE,
  writeSampleBundle,
  ZipArchive,
} from '@dualrec/evidence';
import { LocalTsa } from '@dualrec/server';
import type { BenchSuite } from '../../../test/bench/harness.js';
import { verifyFolder } from '../src/commands/verify.js';

const COUNT = 100;
const RECORDING_BYTES = 1_000_000;
let dir = '';
let ticketPublic: PublicJwk;
let encryptionPrivate: PrivateJwk;
let tsaCertificate = '';

let prepared: Promise<number> | null = null;

/** 100 sample bundles in a temp folder, made once for both cases; resolves with their total size. */
function prepare(): Promise<number> {
  prepared ??= (async () => {
    dir = await mkdtemp(join(tmpdir(), 'dualrec-bench-verify-'));
    const ticket = await generateKeyPairJwk('ticket-signing');
    const enc = await generateKeyPairJwk('encryption');
    ticketPublic = ticket.publicJwk;
    encryptionPrivate = enc.privateJwk;
    await mkdir(join(dir, 'bundles'), { recursive: true });
    const recording = new Uint8Array(RECORDING_BYTES);
    for (let i = 0; i < recording.length; i += 65536)
      globalThis.crypto.getRandomValues(recording.subarray(i, Math.min(recording.length, i + 65536)));
    let total = 0;
    for (let i = 0; i < COUNT; i++) {
      const sink = new MemorySink();
      await writeSampleBundle({
        sink,
        ticketSigningKey: ticket.privateJwk,
        recipients: [enc.publicJwk],
        recording: [recording],
        recordingType: 'video/webm',
      });
      const bytes = await sink.bytes();
      total += bytes.length;
      await writeFile(join(dir, 'bundles', `${String(i).padStart(3, '0')}.zip`), bytes);
    }
    // What the server stores beside each bundle: an RFC 3161 token over its signature.
    const tsa = await LocalTsa.open(join(dir, 'tsa'));
    tsaCertificate = tsa.certificatePath;
    for (const name of (await readdir(join(dir, 'bundles'))).filter((n) => n.endsWith('.zip'))) {
      const source = bytesSource(new Uint8Array(await readFile(join(dir, 'bundles', name))));
      const archive = await ZipArchive.open(source);
      const entry = archive.get(SIGNATURE_FILE);
      if (!entry) throw new Error(`${name} has no signature`);
      const { token } = await tsa.stamp(await archive.read(entry, 65536));
      await writeFile(join(dir, 'bundles', name.replace(/\.zip$/, '.tsr')), token);
    }
    return total;
  })();
  return prepared;
}

export const suite: BenchSuite = {
  name: 'cli: dualrec verify folder',
  cases: [
    {
      name: `verify folder of ${COUNT} bundles (no decryption key: what a nightly job on the archive does)`,
      iterations: 3,
      warmup: 1,
      async setup() {
        this.bytes = await prepare();
      },
      baseline: {
        label: 'read + SHA-256 of every file',
        async run() {
          for (const name of (await readdir(join(dir, 'bundles'))).filter((n) => n.endsWith('.zip'))) {
            const path = join(dir, 'bundles', name);
            await stat(path);
            createHash('sha256')
              .update(await readFile(path))
              .digest();
          }
        },
      },
      subject: {
        label: 'verifyFolder() (dualrec verify FOLDER)',
        async run() {
          const { results, seconds } = await verifyFolder(join(dir, 'bundles'), {
            ticketKeys: [ticketPublic],
          });
          if (results.some((r) => !r.valid)) throw new Error('a sample bundle did not verify');
          return { bundlesPerSecond: Math.round(results.length / seconds) };
        },
      },
    },
    {
      name: `verify folder of ${COUNT} bundles and their RFC 3161 tokens (--tsa-cert, checked in process)`,
      iterations: 3,
      warmup: 1,
      async setup() {
        this.bytes = await prepare();
      },
      baseline: {
        label: 'read + SHA-256 of every file',
        async run() {
          for (const name of (await readdir(join(dir, 'bundles'))).filter((n) => n.endsWith('.zip')))
            createHash('sha256')
              .update(await readFile(join(dir, 'bundles', name)))
              .digest();
        },
      },
      subject: {
        label: 'verifyFolder() with tsaCertificate',
        async run() {
          const { results, seconds } = await verifyFolder(join(dir, 'bundles'), {
            ticketKeys: [ticketPublic],
            tsaCertificate,
          });
          if (results.some((r) => !r.valid || !r.timestamp)) throw new Error('a token did not verify');
          return { bundlesPerSecond: Math.round(results.length / seconds) };
        },
      },
    },
    {
      name: `verify folder of ${COUNT} bundles with the decryption key (every record authenticated)`,
      iterations: 3,
      warmup: 1,
      async setup() {
        this.bytes = await prepare();
      },
      async teardown() {
        await rm(dir, { recursive: true, force: true });
      },
      baseline: {
        label: 'read + SHA-256 of every file',
        async run() {
          for (const name of (await readdir(join(dir, 'bundles'))).filter((n) => n.endsWith('.zip')))
            createHash('sha256')
              .update(await readFile(join(dir, 'bundles', name)))
              .digest();
        },
      },
      subject: {
        label: 'verifyFolder() with encryption.private.jwk',
        async run() {
          const { results, seconds } = await verifyFolder(join(dir, 'bundles'), {
            ticketKeys: [ticketPublic],
            decryptionKeys: [encryptionPrivate],
          });
          if (results.some((r) => !r.valid)) throw new Error('a sample bundle did not verify');
          return { bundlesPerSecond: Math.round(results.length / seconds) };
        },
      },
    },
  ],
};
