/**
 * The lender's key folder (what `dualrec keygen` writes, `dualrec serve` and the auditor tools
 * read): EC P-256 JWK files, private ones created with mode 0600 and never widened.
 */
import { realpathSync } from 'node:fs';
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  DualrecError,
  generateKeyPairJwk,
  type KeyPairJwk,
  type PrivateJwk,
  type PublicJwk,
  toPublicJwk,
} from '@dualrec/evidence';

/** The files of a lender key directory (the layout `keygen` writes and the other commands read). */
export const KEY_FILES = {
  encryptionPrivate: 'encryption.private.jwk',
  encryptionPublic: 'encryption.public.jwk',
  ticketSigningPrivate: 'ticket-signing.private.jwk',
  ticketSigningPublic: 'ticket-signing.public.jwk',
} as const;

export interface LenderKeys {
  encryptionPublic: PublicJwk | null;
  encryptionPrivate: PrivateJwk | null;
  ticketSigningPublic: PublicJwk | null;
  ticketSigningPrivate: PrivateJwk | null;
}

async function readJwk(dir: string, file: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DualrecError('FILE_UNREADABLE', {
      detail: `${join(dir, file)}: ${(cause as Error).message}`,
      cause,
    });
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new TypeError('not a JSON object');
    return value as Record<string, unknown>;
  } catch (cause) {
    throw new DualrecError('KEY_INVALID', {
      detail: `${join(dir, file)} is not a JWK: ${(cause as Error).message}`,
      cause,
    });
  }
}

/**
 * Reads whichever key files exist in DIR. The public halves fall back to the private files (a JWK
 * private key contains its public point), so a directory with only private keys works too.
 */
export async function loadLenderKeys(dir: string): Promise<LenderKeys> {
  const encryptionPrivate = await readJwk(dir, KEY_FILES.encryptionPrivate);
  const ticketPrivate = await readJwk(dir, KEY_FILES.ticketSigningPrivate);
  const encryptionPublic = (await readJwk(dir, KEY_FILES.encryptionPublic)) ?? encryptionPrivate;
  const ticketPublic = (await readJwk(dir, KEY_FILES.ticketSigningPublic)) ?? ticketPrivate;
  const publicOf = (jwk: Record<string, unknown> | null) => (jwk ? toPublicJwk(jwk) : null);
  const privateOf = (jwk: Record<string, unknown> | null, file: string): PrivateJwk | null => {
    if (!jwk) return null;
    if (typeof jwk.d !== 'string')
      throw new DualrecError('KEY_INVALID', { detail: `${file} has no private part "d"` });
    return { ...toPublicJwk(jwk), d: jwk.d };
  };
  return {
    encryptionPublic: publicOf(encryptionPublic),
    encryptionPrivate: privateOf(encryptionPrivate, KEY_FILES.encryptionPrivate),
    ticketSigningPublic: publicOf(ticketPublic),
    ticketSigningPrivate: privateOf(ticketPrivate, KEY_FILES.ticketSigningPrivate),
  };
}

/** Narrows a key to non-null or fails with a message naming the file that is missing. */
export function requireKey<T>(key: T | null, dir: string, file: string): T {
  if (key === null) {
    throw new DualrecError('KEY_INVALID', {
      detail: `${join(dir, file)} not found (create a key set with "dualrec keygen --out ${dir}")`,
    });
  }
  return key;
}

async function writeKeyFile(path: string, jwk: object, secret: boolean, force: boolean): Promise<void> {
  // Created with the final mode, never widened afterwards: a private key is never world-readable,
  // not even for a moment. chmod as well, in case the file existed (--force) with a wider mode.
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, force ? 'w' : 'wx', secret ? 0o600 : 0o644);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new DualrecError('BAD_USAGE', {
        detail: `${path} exists; use --force to replace the key set`,
        cause,
      });
    }
    throw new DualrecError('FILE_UNREADABLE', { detail: `${path}: ${(cause as Error).message}`, cause });
  }
  try {
    await handle.writeFile(`${JSON.stringify(jwk, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  await chmod(path, secret ? 0o600 : 0o644);
}

export interface CreatedKeySet {
  dir: string;
  encryptionKid: string;
  ticketSigningKid: string;
}

/** Creates a key set in `dir` (mode 0700 when created). Refuses to replace one unless `force`. */
export async function createKeySet(dir: string, options: { force?: boolean } = {}): Promise<CreatedKeySet> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true, mode: 0o700 });
  const [encryption, ticketSigning]: KeyPairJwk[] = await Promise.all([
    generateKeyPairJwk('encryption'),
    generateKeyPairJwk('ticket-signing'),
  ]);
  if (!encryption || !ticketSigning) throw new Error('key generation returned nothing');
  const force = options.force ?? false;
  await writeKeyFile(join(out, KEY_FILES.encryptionPrivate), encryption.privateJwk, true, force);
  await writeKeyFile(join(out, KEY_FILES.encryptionPublic), encryption.publicJwk, false, force);
  await writeKeyFile(join(out, KEY_FILES.ticketSigningPrivate), ticketSigning.privateJwk, true, force);
  await writeKeyFile(join(out, KEY_FILES.ticketSigningPublic), ticketSigning.publicJwk, false, force);
  return {
    dir: out,
    encryptionKid: encryption.publicJwk.kid as string,
    ticketSigningKid: ticketSigning.publicJwk.kid as string,
  };
}

/** The deepest existing ancestor of `path`, resolved through symbolic links, plus the rest. */
function realish(path: string): string {
  const absolute = resolve(path);
  let head = absolute;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return absolute;
      tail.push(head.slice(parent.length).replace(/^[\\/]+/, ''));
      head = parent;
    }
  }
}

/**
 * True when `keysDir` is `dataDir` or a folder inside it (symbolic links resolved). The data
 * folder holds what the server receives and is backed up, shared with operators and sometimes
 * copied to object storage; the lender's private keys must not travel with it. `createServer`
 * and `dualrec serve` refuse such a key folder.
 *
 * @example
 * ```ts
 * keysInsideData('/srv/dualrec/data/keys', '/srv/dualrec/data'); // true: refused
 * keysInsideData('/srv/dualrec/keys', '/srv/dualrec/data'); // false
 * ```
 */
export function keysInsideData(keysDir: string, dataDir: string): boolean {
  const rel = relative(realish(dataDir), realish(keysDir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The key folder `dualrec serve` uses when none is given: `dualrec-keys` beside the data folder
 * (never inside it).
 *
 * @example
 * ```ts
 * defaultKeysDir('/srv/dualrec/data'); // "/srv/dualrec/dualrec-keys"
 * ```
 */
export function defaultKeysDir(dataDir: string): string {
  return join(dirname(resolve(dataDir)), 'dualrec-keys');
}
