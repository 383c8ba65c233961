/**
 * manifest.json: what the bundle contains and what it claims, signed by the device key.
 * docs/bundle-format.md §4 defines every member; `checkManifestShape` enforces exactly that
 * definition (unknown members are rejected, so nothing unsigned-by-meaning can ride along).
 */
import type { GeneralJWE } from 'jose';
import type { JsonValue } from './canonical-json.js';
import type { PublicJwk } from './keys.js';

export const BUNDLE_FORMAT = 'dualrec-bundle/1';
export const CONTENT_ENCODING = 'aes128gcm';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.jws';
export const EVENTS_FILE = 'events.jsonl';
export const TIMESTAMP_FILE = 'timestamp.tsr';
export const MEDIA_NAME_PATTERN = /^media\/[a-z0-9][a-z0-9._-]{0,99}$/;
export const ROLE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const WALL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STEP_STATUSES = ['passed', 'failed', 'skipped', 'fallback'] as const;

export interface FileEncryption {
  contentEncoding: typeof CONTENT_ENCODING;
  recordSize: number;
  records: number;
}

export interface ManifestFile {
  name: string;
  role: string;
  mediaType: string;
  /** Bytes stored in the ZIP entry. */
  size: number;
  /** Content hash (docs/bundle-format.md §3) of the stored bytes, lowercase hex. */
  contentHash: string;
  /** CRC-32 of the stored bytes, as in the ZIP headers. */
  crc32: number;
  /** null for events.jsonl (its personal fields are sealed per event instead). */
  encryption: FileEncryption | null;
}

export interface StepSummary {
  name: string;
  status: (typeof STEP_STATUSES)[number];
  /** Non-personal measurements (scores, durations, counts). */
  summary: { [key: string]: JsonValue };
}

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  sessionId: string;
  lenderId: string;
  ticket: string;
  deviceKey: PublicJwk;
  sdk: { name: string; version: string };
  device: { [key: string]: string | number | boolean };
  script: { id: string; sha256: string; segments: string[] };
  startedAt: string;
  endedAt: string;
  encryption: { contentEncoding: typeof CONTENT_ENCODING; contentKey: GeneralJWE };
  files: ManifestFile[];
  events: { count: number; lastHash: string };
  steps: StepSummary[];
  synthetic: boolean;
}

type Check = (value: unknown, path: string, problems: string[]) => void;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function exact(members: Record<string, Check>, optional: readonly string[] = []): Check {
  return (value, path, problems) => {
    if (!isObject(value)) {
      problems.push(`${path} must be an object`);
      return;
    }
    for (const key of Object.keys(value))
      if (!(key in members)) problems.push(`${path}.${key} is not allowed`);
    for (const [key, check] of Object.entries(members)) {
      if (!(key in value)) {
        if (!optional.includes(key)) problems.push(`${path}.${key} is missing`);
        continue;
      }
      check(value[key], `${path}.${key}`, problems);
    }
  };
}

const str =
  (pattern?: RegExp, max = 1024): Check =>
  (value, path, problems) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > max) {
      problems.push(`${path} must be a non-empty string of at most ${max} characters`);
    } else if (pattern && !pattern.test(value)) problems.push(`${path} has the wrong format`);
  };
const literal =
  (expected: string | boolean): Check =>
  (value, path, problems) => {
    if (value !== expected) problems.push(`${path} must be ${JSON.stringify(expected)}`);
  };
const uint =
  (max = Number.MAX_SAFE_INTEGER): Check =>
  (value, path, problems) => {
    if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) {
      problems.push(`${path} must be an integer from 0 to ${max}`);
    }
  };
const bool: Check = (value, path, problems) => {
  if (typeof value !== 'boolean') problems.push(`${path} must be true or false`);
};
const arrayOf =
  (item: Check, min = 0, max = 1000): Check =>
  (value, path, problems) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) {
      problems.push(`${path} must be an array of ${min} to ${max} items`);
      return;
    }
    value.forEach((v, i) => {
      item(v, `${path}[${i}]`, problems);
    });
  };
const jsonObject: Check = (value, path, problems) => {
  if (!isObject(value)) problems.push(`${path} must be an object`);
};
const flatFacts: Check = (value, path, problems) => {
  if (!isObject(value)) {
    problems.push(`${path} must be an object`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof v))
      problems.push(`${path}.${k} must be a string, number or boolean`);
  }
};
const B64 = /^[A-Za-z0-9_-]+$/;
const jweRecipient = exact({
  header: (value, path, problems) => {
    if (!isObject(value)) return void problems.push(`${path} must be an object`);
    if (value.alg !== 'ECDH-ES+A256KW') problems.push(`${path}.alg must be "ECDH-ES+A256KW"`);
    if (typeof value.kid !== 'string') problems.push(`${path}.kid must be a string`);
    // jose puts `epk` in the shared protected header when there is a single recipient.
    if (value.epk !== undefined && !isObject(value.epk)) problems.push(`${path}.epk must be an object`);
    // Exactly the members of §7: nothing a JOSE library might act on that a verifier ignores.
    for (const member of Object.keys(value))
      if (!['alg', 'kid', 'epk'].includes(member)) problems.push(`${path}.${member} is not allowed`);
  },
  encrypted_key: str(B64, 1000),
});
const generalJwe = exact({
  protected: str(B64, 4096),
  iv: str(B64, 100),
  ciphertext: str(B64, 1000),
  tag: str(B64, 100),
  recipients: arrayOf(jweRecipient, 1, 32),
});
const publicJwk = exact({
  kty: literal('EC'),
  crv: literal('P-256'),
  x: str(/^[A-Za-z0-9_-]{43}$/),
  y: str(/^[A-Za-z0-9_-]{43}$/),
});
const fileEncryption: Check = (value, path, problems) => {
  if (value === null) return;
  exact({ contentEncoding: literal(CONTENT_ENCODING), recordSize: uint(16 * 1024 * 1024), records: uint() })(
    value,
    path,
    problems,
  );
};
const manifestFile = exact({
  name: str(/^(?:events\.jsonl|media\/[a-z0-9][a-z0-9._-]{0,99})$/, 106),
  role: str(ROLE_PATTERN, 32),
  mediaType: str(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(?:;[ -~]*)?$/i, 255),
  size: uint(0xffffffff),
  contentHash: str(HEX64),
  crc32: uint(0xffffffff),
  encryption: fileEncryption,
});

const manifestShape = exact({
  format: literal(BUNDLE_FORMAT),
  sessionId: str(/^[A-Za-z0-9._~-]+$/, 128),
  lenderId: str(undefined, 256),
  ticket: str(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 8192),
  deviceKey: publicJwk,
  sdk: exact({ name: str(undefined, 128), version: str(undefined, 64) }),
  device: flatFacts,
  script: exact({
    id: str(undefined, 128),
    sha256: str(HEX64),
    segments: arrayOf(str(undefined, 128), 0, 200),
  }),
  startedAt: str(WALL),
  endedAt: str(WALL),
  encryption: exact({ contentEncoding: literal(CONTENT_ENCODING), contentKey: generalJwe }),
  files: arrayOf(manifestFile, 1, 60),
  events: exact({ count: uint(), lastHash: str(HEX64) }),
  steps: arrayOf(
    exact({
      name: str(ROLE_PATTERN, 32),
      status: (v, p, pr) => {
        if (!STEP_STATUSES.includes(v as never)) pr.push(`${p} must be one of ${STEP_STATUSES.join(', ')}`);
      },
      summary: jsonObject,
    }),
    0,
    100,
  ),
  synthetic: bool,
});

/** Problems with the manifest's shape (empty when it matches docs/bundle-format.md §4 exactly). */
export function checkManifestShape(value: unknown): string[] {
  const problems: string[] = [];
  manifestShape(value, 'manifest', problems);
  if (problems.length === 0) {
    const manifest = value as Manifest;
    const names = manifest.files.map((f) => f.name);
    if (new Set(names).size !== names.length) problems.push('manifest.files lists a name twice');
    const events = manifest.files.filter((f) => f.name === EVENTS_FILE);
    if (events.length !== 1) problems.push(`manifest.files must list ${EVENTS_FILE} exactly once`);
    for (const file of manifest.files) {
      const shouldEncrypt = file.name !== EVENTS_FILE;
      if (shouldEncrypt !== (file.encryption !== null)) {
        problems.push(`manifest.files: ${file.name} must ${shouldEncrypt ? '' : 'not '}be encrypted`);
      }
    }
    if (Number.isNaN(Date.parse(manifest.startedAt)) || Number.isNaN(Date.parse(manifest.endedAt))) {
      problems.push('manifest.startedAt / endedAt must be real dates');
    }
  }
  return problems;
}
