/**
 * The asset manifest: every model / wasm / language file the SDK loads at run time, where each
 * comes from, and the SHA-256 it must have. One JSON file (`packages/cli/asset-manifest.json`)
 * is the single source of truth; `docs/self-hosting-assets.md` is checked against it by a test.
 */
import { readFile } from 'node:fs/promises';
import { DualrecError } from '@dualrec/evidence';

/**
 * How gathered bytes are rewritten before they are pinned. `esm-drop-unused-blob-polyfill`:
 * SoundSwallower's web module starts with `import { Blob } from "blob-polyfill";`, a bare specifier
 * a browser cannot resolve, for a name it never uses (the page's own Blob serves); the line is
 * removed so the module imports as it is from `assetsBase`.
 */
export type AssetTransform = 'tessdata-lstm-only' | 'esm-drop-unused-blob-polyfill';

/** One place an asset's bytes can come from. Tried in the order listed. */
export type AssetSource =
  | { kind: 'npm'; package: string; version: string; file: string; sha256?: string }
  | { kind: 'models'; file: string; sha256?: string }
  | { kind: 'url'; url: string; sha256?: string }
  /** One file inside an npm registry tarball (`.tgz`), for packages we must not install. */
  | { kind: 'npm-tarball'; url: string; tarballSha256: string; file: string; sha256?: string };

export interface AssetEntry {
  /** Path inside the served folder, `/`-separated. */
  path: string;
  /** SHA-256 (hex) of the file as served. */
  sha256: string;
  size: number;
  /** Which package loads it. */
  usedBy: string[];
  license: string;
  description: string;
  /** Applied to the source bytes to make the served file; each source then pins its own input hash. */
  transform?: AssetTransform;
  sources: AssetSource[];
}

export interface AssetManifest {
  formatVersion: 1;
  assets: AssetEntry[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Default location: shipped beside `dist/` in the CLI package. */
export const DEFAULT_MANIFEST_URL = new URL('../../asset-manifest.json', import.meta.url);

function bad(detail: string): DualrecError {
  return new DualrecError('ASSET_FORMAT_INVALID', { detail: `asset manifest: ${detail}` });
}

/** Parses and validates a manifest, so a typo fails here rather than as a confusing hash error later. */
export function parseAssetManifest(text: string): AssetManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DualrecError('ASSET_FORMAT_INVALID', { detail: 'asset manifest is not JSON', cause });
  }
  const manifest = value as AssetManifest;
  if (manifest?.formatVersion !== 1 || !Array.isArray(manifest.assets)) throw bad('expected formatVersion 1');
  const seen = new Set<string>();
  for (const asset of manifest.assets) {
    if (
      typeof asset.path !== 'string' ||
      asset.path.split('/').some((p) => p === '' || p === '..' || p === '.')
    ) {
      throw bad(`unsafe path ${JSON.stringify(asset.path)}`);
    }
    if (seen.has(asset.path)) throw bad(`duplicate path ${asset.path}`);
    seen.add(asset.path);
    if (!HEX64.test(asset.sha256)) throw bad(`${asset.path}: sha256 must be 64 lowercase hex digits`);
    if (!Number.isSafeInteger(asset.size) || asset.size < 0) throw bad(`${asset.path}: bad size`);
    if (!Array.isArray(asset.sources) || asset.sources.length === 0) throw bad(`${asset.path}: no sources`);
    for (const source of asset.sources) {
      if (source.sha256 !== undefined && !HEX64.test(source.sha256))
        throw bad(`${asset.path}: bad source sha256`);
      if (source.kind === 'npm-tarball' && !HEX64.test(source.tarballSha256))
        throw bad(`${asset.path}: an npm-tarball source must pin tarballSha256`);
      if (asset.transform && source.sha256 === undefined) {
        throw bad(`${asset.path}: a transformed asset must pin each source's input sha256`);
      }
    }
  }
  return manifest;
}

export async function loadAssetManifest(
  location: URL | string = DEFAULT_MANIFEST_URL,
): Promise<AssetManifest> {
  return parseAssetManifest(await readFile(location, 'utf8'));
}
