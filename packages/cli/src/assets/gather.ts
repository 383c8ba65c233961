/**
 * `dualrec assets`: gathers every file the SDK loads at run time into one folder that a lender
 * serves from its own origin, verifying each against the pinned SHA-256 in the asset manifest.
 *
 * Sources are tried in the manifest's order (npm package, then the shared models folder, then the
 * official URL). A source that is absent is skipped; a source that is present but has the wrong
 * bytes is an error, never silently passed over, because that means corruption or tampering.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DualrecError } from '@dualrec/evidence';
import type { AssetEntry, AssetManifest, AssetSource } from './manifest.js';
import { applyTransform } from './transform.js';

export interface GatherOptions {
  /** The folder to fill (created if missing). */
  outDir: string;
  manifest: AssetManifest;
  /** Folder holding files no registry ships (`../shared/models` in this repository); null to skip. */
  modelsDir?: string | null;
  /** Allow the last-resort download from the official URL. */
  allowDownload?: boolean;
  /** Replace files in `outDir` whose hash is wrong instead of failing. */
  force?: boolean;
  /** Verify `outDir` only; write nothing. */
  checkOnly?: boolean;
  /** Finds an installed npm package's folder (injectable for tests). */
  resolvePackageDir?: (name: string) => string | undefined;
  fetch?: typeof globalThis.fetch;
  /** Per-download time limit. */
  timeoutMs?: number;
  onProgress?: (event: GatherProgress) => void;
  signal?: AbortSignal;
}

export type GatherStatus = 'unchanged' | 'written' | 'missing';

export interface GatherProgress {
  path: string;
  status: GatherStatus;
  /** Where the bytes came from when written. */
  from?: string;
  index: number;
  total: number;
}

export interface GatherReport {
  files: { path: string; status: GatherStatus; size: number; sha256: string; from?: string }[];
  written: number;
  unchanged: number;
  /** Total bytes of the gathered folder. */
  bytes: number;
}

export const ASSET_INDEX_FILE = 'asset-index.json';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Walks up from this module looking for `node_modules/NAME` (works with pnpm's symlinked layout). */
export function findPackageDir(
  name: string,
  from = dirname(fileURLToPath(import.meta.url)),
): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function describe(source: AssetSource): string {
  switch (source.kind) {
    case 'npm':
      return `npm ${source.package}@${source.version}/${source.file}`;
    case 'models':
      return `models/${source.file}`;
    case 'url':
      return source.url;
    case 'npm-tarball':
      return `${source.url}#${source.file}`;
  }
}

/** Extracts one regular file from a gzipped ustar archive (as npm publishes), or undefined. */
export function extractFromTgz(tgz: Uint8Array, wanted: string): Uint8Array | undefined {
  const tar = gunzipSync(tgz);
  const text = new TextDecoder();
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (from: number, len: number) =>
      text.decode(header.subarray(from, from + len)).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const start = at + 512;
    if ((type === '0' || type === '') && name === wanted) return tar.slice(start, start + size);
    at = start + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function mismatch(file: string, expected: string, actual: string, hint: string): DualrecError {
  return new DualrecError('ASSET_HASH_MISMATCH', {
    detail: `${file}: expected sha256 ${expected}, got ${actual}. ${hint}`,
    context: { file, expected, actual },
  });
}

async function readIfExists(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function download(url: string, options: GatherOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await doFetch(url, { signal, redirect: 'follow' });
  } catch (cause) {
    throw new DualrecError('ASSET_FETCH_FAILED', {
      detail: `${url}: ${String(cause)}`,
      cause,
      context: { url },
    });
  }
  if (!response.ok) {
    throw new DualrecError('ASSET_FETCH_FAILED', {
      detail: `${url}: HTTP ${response.status}`,
      context: { url, status: response.status },
    });
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Reads one source's bytes, or returns why it is not available (absent, not an error). */
async function readSource(
  source: AssetSource,
  options: GatherOptions,
): Promise<{ bytes: Uint8Array } | { skipped: string }> {
  switch (source.kind) {
    case 'npm': {
      const dir = (options.resolvePackageDir ?? findPackageDir)(source.package);
      if (!dir) return { skipped: `npm package ${source.package} is not installed` };
      const bytes = await readIfExists(join(dir, ...source.file.split('/')));
      return bytes ? { bytes } : { skipped: `${describe(source)} is missing from the installed package` };
    }
    case 'models': {
      if (!options.modelsDir) return { skipped: 'no models folder configured' };
      const bytes = await readIfExists(join(options.modelsDir, source.file));
      return bytes ? { bytes } : { skipped: `${join(options.modelsDir, source.file)} does not exist` };
    }
    case 'npm-tarball': {
      if (!options.allowDownload) return { skipped: `download of ${source.url} not allowed (--offline)` };
      try {
        const tgz = await download(source.url, options);
        const actual = sha256Hex(tgz);
        if (actual !== source.tarballSha256) {
          throw mismatch(source.url, source.tarballSha256, actual, '(npm tarball)');
        }
        const bytes = extractFromTgz(tgz, source.file);
        return bytes ? { bytes } : { skipped: `${describe(source)} is not in the tarball` };
      } catch (error) {
        if (options.signal?.aborted || (error as DualrecError).code === 'ASSET_HASH_MISMATCH') throw error;
        return { skipped: (error as Error).message };
      }
    }
    case 'url': {
      if (!options.allowDownload) return { skipped: `download of ${source.url} not allowed (--offline)` };
      try {
        return { bytes: await download(source.url, options) };
      } catch (error) {
        if (options.signal?.aborted) throw error;
        return { skipped: (error as Error).message };
      }
    }
  }
}

async function produce(
  asset: AssetEntry,
  options: GatherOptions,
): Promise<{ bytes: Uint8Array; from: string }> {
  const reasons: string[] = [];
  for (const source of asset.sources) {
    const got = await readSource(source, options);
    if ('skipped' in got) {
      reasons.push(got.skipped);
      continue;
    }
    const from = describe(source);
    const inputExpected = source.sha256 ?? asset.sha256;
    const inputActual = sha256Hex(got.bytes);
    if (inputActual !== inputExpected) {
      throw mismatch(from, inputExpected, inputActual, `(source for ${asset.path}; reinstall or replace it)`);
    }
    const bytes = asset.transform ? applyTransform(asset.transform, got.bytes) : got.bytes;
    const actual = asset.transform ? sha256Hex(bytes) : inputActual;
    if (actual !== asset.sha256) {
      throw mismatch(
        `${asset.path} (made from ${from})`,
        asset.sha256,
        actual,
        'The transform gave other bytes.',
      );
    }
    return { bytes, from };
  }
  throw new DualrecError('ASSET_NOT_FOUND', {
    detail: `${asset.path}: no source available (${reasons.join('; ')})`,
    context: { path: asset.path, reasons },
  });
}

export async function gatherAssets(options: GatherOptions): Promise<GatherReport> {
  const { manifest, outDir } = options;
  const report: GatherReport = { files: [], written: 0, unchanged: 0, bytes: 0 };
  const total = manifest.assets.length;
  for (const [index, asset] of manifest.assets.entries()) {
    options.signal?.throwIfAborted();
    const target = join(outDir, ...asset.path.split('/'));
    const existing = await readIfExists(target);
    let status: GatherStatus;
    let from: string | undefined;
    if (existing && sha256Hex(existing) === asset.sha256) {
      status = 'unchanged';
    } else if (existing && !options.force) {
      throw mismatch(target, asset.sha256, sha256Hex(existing), 'Run again with --force to replace it.');
    } else if (options.checkOnly) {
      status = 'missing';
    } else {
      const produced = await produce(asset, options);
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.${process.pid}.tmp`;
      await writeFile(temp, produced.bytes);
      await rename(temp, target);
      status = 'written';
      from = produced.from;
    }
    if (status === 'written') report.written++;
    if (status === 'unchanged') report.unchanged++;
    report.bytes += asset.size;
    report.files.push({
      path: asset.path,
      status,
      size: asset.size,
      sha256: asset.sha256,
      ...(from ? { from } : {}),
    });
    options.onProgress?.({ path: asset.path, status, index, total, ...(from ? { from } : {}) });
  }
  const missing = report.files.filter((f) => f.status === 'missing');
  if (missing.length > 0) {
    throw new DualrecError('ASSET_NOT_FOUND', {
      detail: `${outDir} lacks ${missing.map((f) => f.path).join(', ')}`,
      context: { missing: missing.map((f) => f.path) },
    });
  }
  if (!options.checkOnly) await writeIndex(outDir, manifest);
  return report;
}

/**
 * `asset-index.json` in the served folder lists every file with its hash and size, so a lender's
 * deploy check (or the SDK) can verify what is served. Rewritten only when it changes, so a
 * second run touches nothing.
 */
async function writeIndex(outDir: string, manifest: AssetManifest): Promise<void> {
  const index = {
    formatVersion: 1,
    files: manifest.assets.map((a) => ({ path: a.path, sha256: a.sha256, size: a.size })),
  };
  const text = `${JSON.stringify(index, null, 2)}\n`;
  const file = join(outDir, ASSET_INDEX_FILE);
  const current = await readIfExists(file);
  if (current && Buffer.from(current).toString('utf8') === text) return;
  await writeFile(file, text);
}
