// Packs every workspace package the way it would be published (`pnpm pack`: `workspace:*`
// becomes the real version, only `files` is kept) and lists what each tarball holds.
// Used by `pnpm lint:packages` and by the fresh-app test (test/packed/).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '../..');

/** Every package folder under packages/, with its package.json. */
export function workspacePackages() {
  return readdirSync(resolve(repo, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = resolve(repo, 'packages', d.name);
      return { dir, manifest: JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) };
    });
}

/**
 * `pnpm pack` one package into `destination`; returns the tarball's path and its file list
 * (paths without the leading `package/`).
 */
export function packPackage(dir, destination) {
  const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', destination], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = JSON.parse(out.slice(out.indexOf('{')));
  const tarball = resolve(destination, info.filename);
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  return { name: info.name, version: info.version, tarball, files };
}
