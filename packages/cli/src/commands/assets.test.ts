import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssetManifest } from '../assets/manifest.js';
import { main } from '../main.js';

const SHARED_MODELS = resolve(import.meta.dirname, '../../../../../shared/models');
const REPO = resolve(import.meta.dirname, '../../../..');
/**
 * The local models directory the offline run reads: ../shared/models, plus the x-vector model that
 * ../shared lacks, taken from this checkout's assets-dist (./run setup gathered it from its npm
 * tarball, checked by SHA-256): the `models` source kind is what lets a machine with no registry
 * gather it.
 */
let MODELS: string;

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

describe('dualrec assets (real manifest, offline)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dualrec-assets-cli-'));
    MODELS = await mkdtemp(join(tmpdir(), 'dualrec-assets-models-'));
    for (const name of await readdir(SHARED_MODELS))
      await symlink(join(SHARED_MODELS, name), join(MODELS, name));
    const vosk = join(REPO, 'assets-dist/voiceprint/vosk-model-spk-0.4');
    if (!existsSync(vosk))
      throw new Error(`${vosk} is missing: run \`pnpm assets\` first (./run setup does)`);
    await symlink(vosk, join(MODELS, 'vosk-model-spk-0.4'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(MODELS, { recursive: true, force: true });
  });

  it('gathers every asset from local sources, then is a no-op', async () => {
    const first = capture();
    expect(await main(['assets', '--out', dir, '--models', MODELS, '--offline'], first.io)).toBe(0);
    const manifest = await loadAssetManifest();
    expect(first.out.stdout).toContain(`${manifest.assets.length} written, 0 unchanged`);
    const second = capture();
    expect(await main(['assets', '--out', dir, '--models', MODELS, '--offline'], second.io)).toBe(0);
    expect(second.out.stdout).toContain(`0 written, ${manifest.assets.length} unchanged`);
  });

  it('exits 1 on a corrupted asset, naming the file and both hashes', async () => {
    const manifest = await loadAssetManifest();
    const entry = manifest.assets.find((a) => a.path === 'tesseract/lang/eng.traineddata.gz');
    if (!entry) throw new Error('eng traineddata missing from the manifest');
    const file = join(dir, entry.path);
    const bytes = await readFile(file);
    bytes[1000] = (bytes[1000] as number) ^ 0xff;
    await writeFile(file, bytes);
    const run = capture();
    expect(await main(['assets', '--out', dir, '--models', MODELS, '--offline'], run.io)).toBe(1);
    expect(run.out.stderr).toContain('ASSET_HASH_MISMATCH');
    expect(run.out.stderr).toContain(file);
    expect(run.out.stderr).toContain(entry.sha256);
    expect(run.out.stderr).toMatch(/got [0-9a-f]{64}/);
    const check = capture();
    expect(await main(['assets', '--out', dir, '--check'], check.io)).toBe(1);
    const repair = capture();
    expect(await main(['assets', '--out', dir, '--models', MODELS, '--offline', '--force'], repair.io)).toBe(
      0,
    );
    expect(repair.out.stdout).toContain('1 written');
  });

  it('exits 2 on an unknown option', async () => {
    const run = capture();
    expect(await main(['assets', '--bogus'], run.io)).toBe(2);
    expect(run.out.stderr).toContain('BAD_USAGE');
  });
});
