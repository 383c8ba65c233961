/**
 * RFC 3161 time-stamps over each received bundle's manifest signature, so the lender can later
 * show the bundle existed, unchanged, at that time (the device clock proves nothing).
 *
 * The ASN.1 work is done by OpenSSL's `ts` tool (Debian's openssl, always present where node
 * runs): request building, the reply's status check, token extraction and verification. That is
 * a well-kept, standard implementation rather than a home-made encoder. A real deployment points
 * `tsa` at its qualified TSA's URL; the demo and the tests run a local TSA (`LocalTsa`): OpenSSL
 * `ts -reply` with a self-signed time-stamping certificate made on first start in the data folder.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DualrecError, sha256Hex } from '@dualrec/evidence';

export interface TimestampToken {
  /** DER TimeStampToken (CMS SignedData with TSTInfo); stored as `<bundle>.tsr`. */
  token: Uint8Array;
  /** TSTInfo genTime, ISO 8601. */
  genTime: string;
  /** The TSA's name as the token gives it. */
  tsa: string;
}

export interface Timestamper {
  /** Time-stamps `data` (its SHA-256 goes to the TSA, never the data). */
  stamp(data: Uint8Array): Promise<TimestampToken>;
  /** PEM certificate to verify tokens with (local TSA), or null for an external one. */
  readonly certificatePath: string | null;
}

function openssl(args: string[], options: { input?: Uint8Array } = {}): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      'openssl',
      args,
      { encoding: 'buffer', maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new DualrecError('TIMESTAMP_FAILED', {
              detail: `openssl ${args[0]} ${args[1] ?? ''}: ${stderr.toString().trim() || error.message}`,
              cause: error,
            }),
          );
        } else resolvePromise(stdout);
      },
    );
    if (options.input) child.stdin?.end(options.input);
  });
}

async function withTemp<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dualrec-ts-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads genTime and the TSA name from a token (OpenSSL's text form). */
export async function describeToken(token: Uint8Array): Promise<{ genTime: string; tsa: string }> {
  return withTemp(async (dir) => {
    const file = join(dir, 'token.der');
    await writeFile(file, token);
    const text = (await openssl(['ts', '-reply', '-in', file, '-token_in', '-text'])).toString();
    const time = /Time stamp:\s*(.+)/.exec(text)?.[1]?.trim();
    const tsa = /TSA:\s*(.+)/.exec(text)?.[1]?.trim() ?? 'unspecified';
    const genTime = time ? new Date(time.replace(/\s+GMT$/, ' UTC')) : null;
    if (!genTime || Number.isNaN(genTime.getTime()))
      throw new DualrecError('TIMESTAMP_FAILED', { detail: 'the token has no readable genTime' });
    return { genTime: genTime.toISOString(), tsa };
  });
}

/**
 * Checks that `token` is a valid time-stamp over `data` from the TSA whose certificate is at
 * `certificatePath` (OpenSSL `ts -verify`: signature, ESS certificate binding, message imprint).
 */
export async function verifyTimestampToken(
  token: Uint8Array,
  data: Uint8Array,
  certificatePath: string,
): Promise<{ valid: true; genTime: string; tsa: string } | { valid: false; reason: string }> {
  const digest = await sha256Hex(data);
  try {
    await withTemp(async (dir) => {
      const file = join(dir, 'token.der');
      await writeFile(file, token);
      await openssl([
        'ts',
        '-verify',
        '-digest',
        digest,
        '-in',
        file,
        '-token_in',
        '-CAfile',
        certificatePath,
      ]);
    });
  } catch (error) {
    return { valid: false, reason: (error as DualrecError).detail ?? String(error) };
  }
  return { valid: true, ...(await describeToken(token)) };
}

async function buildQuery(dir: string, data: Uint8Array): Promise<string> {
  const query = join(dir, 'request.tsq');
  await openssl(['ts', '-query', '-digest', await sha256Hex(data), '-sha256', '-cert', '-out', query]);
  return query;
}

/** Asks an RFC 3161 TSA over HTTP (`application/timestamp-query`). */
export function httpTsa(url: string, options: { timeoutMs?: number } = {}): Timestamper {
  return {
    certificatePath: null,
    stamp: (data) =>
      withTemp(async (dir) => {
        const query = await readFile(await buildQuery(dir, data));
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/timestamp-query' },
            body: query,
            signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
          });
        } catch (cause) {
          throw new DualrecError('TIMESTAMP_FAILED', {
            detail: `${url}: ${(cause as Error).message}`,
            cause,
          });
        }
        if (!response.ok)
          throw new DualrecError('TIMESTAMP_FAILED', { detail: `${url} answered HTTP ${response.status}` });
        const reply = join(dir, 'reply.tsr');
        await writeFile(reply, new Uint8Array(await response.arrayBuffer()));
        const status = (await openssl(['ts', '-reply', '-in', reply, '-text'])).toString();
        if (!/Status:\s*Granted/i.test(status))
          throw new DualrecError('TIMESTAMP_FAILED', {
            detail: `the TSA did not grant the request: ${status.slice(0, 200)}`,
          });
        const tokenFile = join(dir, 'token.der');
        await openssl(['ts', '-reply', '-in', reply, '-token_out', '-out', tokenFile]);
        const token = new Uint8Array(await readFile(tokenFile));
        return { token, ...(await describeToken(token)) };
      }),
  };
}

const TSA_CONFIG = (dir: string) => `[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

/**
 * A local TSA for the demo and the tests (not for production: its certificate is self-signed).
 * Replies are serialised, because `openssl ts -reply` increments the serial file.
 */
export class LocalTsa implements Timestamper {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly dir: string) {}

  get certificatePath(): string {
    return join(this.dir, 'tsa.crt');
  }

  /** Creates (first time) or reuses the TSA key, certificate and serial in `dir`. */
  static async open(dir: string): Promise<LocalTsa> {
    const root = resolve(dir);
    await mkdir(root, { recursive: true, mode: 0o700 });
    if (!existsSync(join(root, 'tsa.crt'))) {
      await openssl([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(root, 'tsa.key'),
        '-out',
        join(root, 'tsa.crt'),
        '-days',
        '3650',
        '-subj',
        '/O=dualrec/CN=dualrec local TSA (not for production)',
        '-addext',
        'extendedKeyUsage=critical,timeStamping',
        '-addext',
        'keyUsage=critical,digitalSignature',
      ]);
      await writeFile(join(root, 'serial'), '01\n');
    }
    await writeFile(join(root, 'tsa.cnf'), TSA_CONFIG(root));
    // OpenSSL writes with the umask; the TSA key above all must be the server user's alone.
    for (const entry of await readdir(root, { withFileTypes: true }))
      if (entry.isFile()) await chmod(join(root, entry.name), 0o600);
    return new LocalTsa(root);
  }

  stamp(data: Uint8Array): Promise<TimestampToken> {
    const run = this.queue.then(() =>
      withTemp(async (dir) => {
        const query = await buildQuery(dir, data);
        const tokenFile = join(dir, 'token.der');
        await openssl([
          'ts',
          '-reply',
          '-config',
          join(this.dir, 'tsa.cnf'),
          '-queryfile',
          query,
          '-token_out',
          '-out',
          tokenFile,
        ]);
        const token = new Uint8Array(await readFile(tokenFile));
        return { token, ...(await describeToken(token)) };
      }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }
}
