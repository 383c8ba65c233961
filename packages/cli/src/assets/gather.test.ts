import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DualrecError } from '@dualrec/evidence';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ASSET_INDEX_FILE, extractFromTgz, gatherAssets, sha256Hex } from './gather.js';
import { type AssetManifest, loadAssetManifest, parseAssetManifest } from './manifest.js';
import { dropUnusedBlobPolyfill } from './transform.js';

const ALPHA = new TextEncoder().encode('alpha model bytes');
const BETA = new TextEncoder().encode('beta wasm bytes');

let work: string;
let packageDir: string;
let modelsDir: string;
let outDir: string;
let server: Server;
let baseUrl: string;
const served = new Map<string, Uint8Array>();
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const body = served.get(req.url ?? '');
    res.statusCode = body ? 200 : 404;
    res.end(body ? Buffer.from(body) : undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'dualrec-assets-'));
  packageDir = join(work, 'node_modules/fake-pkg');
  modelsDir = join(work, 'models');
  outDir = join(work, 'out');
  await mkdir(packageDir, { recursive: true });
  await mkdir(modelsDir, { recursive: true });
  served.clear();
  requested.length = 0;
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

function manifest(): AssetManifest {
  return parseAssetManifest(
    JSON.stringify({
      formatVersion: 1,
      assets: [
        {
          path: 'a/alpha.bin',
          sha256: sha256Hex(ALPHA),
          size: ALPHA.length,
          usedBy: ['@dualrec/face'],
          license: 'MIT',
          description: 'alpha',
          sources: [
            { kind: 'npm', package: 'fake-pkg', version: '1.0.0', file: 'alpha.bin' },
            { kind: 'models', file: 'alpha.bin' },
            { kind: 'url', url: `${baseUrl}/alpha.bin` },
          ],
        },
        {
          path: 'b/beta.wasm',
          sha256: sha256Hex(BETA),
          size: BETA.length,
          usedBy: ['@dualrec/ocr'],
          license: 'MIT',
          description: 'beta',
          sources: [{ kind: 'npm', package: 'fake-pkg', version: '1.0.0', file: 'beta.wasm' }],
        },
      ],
    }),
  );
}

const resolvePackageDir = (name: string) => (name === 'fake-pkg' ? packageDir : undefined);

async function expectCode(promise: Promise<unknown>, code: string): Promise<DualrecError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DualrecError);
  expect((error as DualrecError).code).toBe(code);
  return error as DualrecError;
}

describe('gatherAssets', () => {
  it('copies from the npm package, verifies, writes an index, and a second run writes nothing', async () => {
    await writeFile(join(packageDir, 'alpha.bin'), ALPHA);
    await writeFile(join(packageDir, 'beta.wasm'), BETA);
    const first = await gatherAssets({ outDir, manifest: manifest(), resolvePackageDir });
    expect(first.written).toBe(2);
    expect(first.files[0]?.from).toBe('npm fake-pkg@1.0.0/alpha.bin');
    expect(await readFile(join(outDir, 'a/alpha.bin'))).toEqual(Buffer.from(ALPHA));
    const index = JSON.parse(await readFile(join(outDir, ASSET_INDEX_FILE), 'utf8'));
    expect(index.files.map((f: { path: string }) => f.path)).toEqual(['a/alpha.bin', 'b/beta.wasm']);

    const mtimes = await Promise.all(
      ['a/alpha.bin', 'b/beta.wasm', ASSET_INDEX_FILE].map(
        async (f) => (await stat(join(outDir, f))).mtimeMs,
      ),
    );
    const second = await gatherAssets({ outDir, manifest: manifest(), resolvePackageDir });
    expect(second).toMatchObject({ written: 0, unchanged: 2 });
    const after = await Promise.all(
      ['a/alpha.bin', 'b/beta.wasm', ASSET_INDEX_FILE].map(
        async (f) => (await stat(join(outDir, f))).mtimeMs,
      ),
    );
    expect(after).toEqual(mtimes);
  });

  it('fails on a corrupted output file, naming the file and both hashes; --force replaces it', async () => {
    await writeFile(join(packageDir, 'alpha.bin'), ALPHA);
    await writeFile(join(packageDir, 'beta.wasm'), BETA);
    await gatherAssets({ outDir, manifest: manifest(), resolvePackageDir });
    const corrupted = new TextEncoder().encode('alpha model bytez');
    await writeFile(join(outDir, 'a/alpha.bin'), corrupted);
    const error = await expectCode(
      gatherAssets({ outDir, manifest: manifest(), resolvePackageDir }),
      'ASSET_HASH_MISMATCH',
    );
    expect(error.message).toContain(join(outDir, 'a/alpha.bin'));
    expect(error.message).toContain(sha256Hex(ALPHA));
    expect(error.message).toContain(sha256Hex(corrupted));
    expect(error.context).toMatchObject({ expected: sha256Hex(ALPHA), actual: sha256Hex(corrupted) });

    const repaired = await gatherAssets({ outDir, manifest: manifest(), resolvePackageDir, force: true });
    expect(repaired.written).toBe(1);
    expect(await readFile(join(outDir, 'a/alpha.bin'))).toEqual(Buffer.from(ALPHA));
  });

  it('fails on a corrupted source instead of falling through to the next one', async () => {
    await writeFile(join(packageDir, 'alpha.bin'), new TextEncoder().encode('tampered'));
    await writeFile(join(modelsDir, 'alpha.bin'), ALPHA);
    const error = await expectCode(
      gatherAssets({ outDir, manifest: manifest(), resolvePackageDir, modelsDir }),
      'ASSET_HASH_MISMATCH',
    );
    expect(error.message).toContain('npm fake-pkg@1.0.0/alpha.bin');
    expect(error.message).toContain(sha256Hex(ALPHA));
  });

  it('falls back npm → models folder → official URL, in that order', async () => {
    await writeFile(join(packageDir, 'beta.wasm'), BETA);
    await writeFile(join(modelsDir, 'alpha.bin'), ALPHA);
    served.set('/alpha.bin', ALPHA);
    const fromModels = await gatherAssets({
      outDir,
      manifest: manifest(),
      resolvePackageDir,
      modelsDir,
      allowDownload: true,
    });
    expect(fromModels.files[0]?.from).toBe('models/alpha.bin');
    expect(requested).toEqual([]);

    await rm(outDir, { recursive: true });
    const fromUrl = await gatherAssets({
      outDir,
      manifest: manifest(),
      resolvePackageDir,
      modelsDir: null,
      allowDownload: true,
    });
    expect(fromUrl.files[0]?.from).toBe(`${baseUrl}/alpha.bin`);
    expect(requested).toEqual(['/alpha.bin']);
  });

  it('checks downloads against the pinned hash', async () => {
    await writeFile(join(packageDir, 'beta.wasm'), BETA);
    served.set('/alpha.bin', new TextEncoder().encode('a CDN served something else'));
    const error = await expectCode(
      gatherAssets({ outDir, manifest: manifest(), resolvePackageDir, allowDownload: true }),
      'ASSET_HASH_MISMATCH',
    );
    expect(error.message).toContain(`${baseUrl}/alpha.bin`);
  });

  it('offline with no local source: ASSET_NOT_FOUND listing why each source was skipped', async () => {
    await writeFile(join(packageDir, 'beta.wasm'), BETA);
    const error = await expectCode(
      gatherAssets({
        outDir,
        manifest: manifest(),
        resolvePackageDir,
        modelsDir: null,
        allowDownload: false,
      }),
      'ASSET_NOT_FOUND',
    );
    expect(error.message).toMatch(/missing from the installed package/);
    expect(error.message).toMatch(/no models folder/);
    expect(error.message).toMatch(/not allowed \(--offline\)/);
  });

  it('an HTTP error from the official URL is reported as the reason', async () => {
    await writeFile(join(packageDir, 'beta.wasm'), BETA);
    const error = await expectCode(
      gatherAssets({ outDir, manifest: manifest(), resolvePackageDir, allowDownload: true }),
      'ASSET_NOT_FOUND',
    );
    expect(error.message).toMatch(/HTTP 404/);
  });

  it('--check verifies without writing and reports missing files', async () => {
    await writeFile(join(packageDir, 'alpha.bin'), ALPHA);
    await writeFile(join(packageDir, 'beta.wasm'), BETA);
    const error = await expectCode(
      gatherAssets({ outDir, manifest: manifest(), resolvePackageDir, checkOnly: true }),
      'ASSET_NOT_FOUND',
    );
    expect(error.context).toMatchObject({ missing: ['a/alpha.bin', 'b/beta.wasm'] });
    await expect(stat(outDir)).rejects.toThrow();
  });
});

describe('parseAssetManifest', () => {
  const entry = {
    path: 'x.bin',
    sha256: 'a'.repeat(64),
    size: 1,
    usedBy: [],
    license: 'MIT',
    description: '',
    sources: [{ kind: 'models', file: 'x.bin' }],
  };
  it.each([
    ['not JSON', '{', /not JSON/],
    ['a wrong version', JSON.stringify({ formatVersion: 2, assets: [] }), /formatVersion 1/],
    [
      'a path escaping the folder',
      JSON.stringify({ formatVersion: 1, assets: [{ ...entry, path: '../x.bin' }] }),
      /unsafe path/,
    ],
    ['a duplicate path', JSON.stringify({ formatVersion: 1, assets: [entry, entry] }), /duplicate path/],
    [
      'a short hash',
      JSON.stringify({ formatVersion: 1, assets: [{ ...entry, sha256: 'abc' }] }),
      /64 lowercase hex/,
    ],
    [
      'a transform without pinned input hashes',
      JSON.stringify({ formatVersion: 1, assets: [{ ...entry, transform: 'tessdata-lstm-only' }] }),
      /pin each source/,
    ],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseAssetManifest(text)).toThrow(message);
  });

  it('the shipped manifest lists sources in the documented order and only https URLs', async () => {
    const shipped = await loadAssetManifest();
    const rank = { npm: 0, models: 1, 'npm-tarball': 2, url: 2 } as const;
    for (const asset of shipped.assets) {
      const ranks = asset.sources.map((s) => rank[s.kind]);
      expect(ranks, asset.path).toEqual([...ranks].sort());
      for (const source of asset.sources)
        if (source.kind === 'url' || source.kind === 'npm-tarball') expect(source.url).toMatch(/^https:\/\//);
    }
  });
});

describe('extractFromTgz', () => {
  function tarEntry(name: string, body: Uint8Array): Uint8Array {
    const header = new Uint8Array(512);
    const put = (at: number, text: string) => header.set(new TextEncoder().encode(text), at);
    put(0, name);
    put(124, `${body.length.toString(8).padStart(11, '0')}\0`);
    put(156, '0');
    put(257, 'ustar');
    const padded = new Uint8Array(Math.ceil(body.length / 512) * 512);
    padded.set(body);
    const out = new Uint8Array(512 + padded.length);
    out.set(header);
    out.set(padded, 512);
    return out;
  }
  it('finds the named file after others and returns undefined for a missing one', () => {
    const a = tarEntry('package/a.txt', new TextEncoder().encode('x'.repeat(700)));
    const b = tarEntry('package/ios/m/mean.vec', new TextEncoder().encode('[ 1 2 ]'));
    const tgz = gzipSync(Buffer.concat([a, b, new Uint8Array(1024)]));
    expect(new TextDecoder().decode(extractFromTgz(tgz, 'package/ios/m/mean.vec'))).toBe('[ 1 2 ]');
    expect(extractFromTgz(tgz, 'package/none')).toBeUndefined();
  });
});

describe('esm-drop-unused-blob-polyfill', () => {
  const module = (body: string) => new TextEncoder().encode(`import { Blob } from "blob-polyfill";\n${body}`);
  it('removes the unused bare import and nothing else', () => {
    const out = new TextDecoder().decode(dropUnusedBlobPolyfill(module('export default 1;\n')));
    expect(out).toBe('\nexport default 1;\n');
  });
  it('refuses a module that uses Blob, lacks the import, or has another bare import', () => {
    for (const bad of [
      module('new Blob([]);'),
      new TextEncoder().encode('export default 1;'),
      module('import x from "left-pad";'),
    ])
      expect(() => dropUnusedBlobPolyfill(bad)).toThrow(
        expect.objectContaining({ code: 'ASSET_FORMAT_INVALID' }),
      );
  });
});
