/**
 * The SQLite index opens an index made before `manifest_sha256` existed: the column is added,
 * old rows read back with null, new rows keep the manifest hash.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BundleRecord, openSqliteIndex } from './bundle-index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const record = (uploadId: string, manifestSha256: string | null): BundleRecord => ({
  uploadId,
  sessionId: 's-1',
  status: 'valid',
  bundleSha256: 'a'.repeat(64),
  manifestSha256,
  size: 10,
  receivedAt: '2026-11-23T08:00:00.000Z',
  reasons: [],
  location: `bundles/2026-11/${uploadId}.zip`,
  timestamp: null,
});

describe('the SQLite bundle index', () => {
  it('adds manifest_sha256 to an index made without it; old rows read back with null', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dualrec-index-'));
    dirs.push(dir);
    const path = join(dir, 'index.sqlite');
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
    const old = new Database(path);
    old.exec(`CREATE TABLE bundles (upload_id TEXT PRIMARY KEY, session_id TEXT, status TEXT NOT NULL,
      bundle_sha256 TEXT NOT NULL, size BIGINT NOT NULL, received_at TEXT NOT NULL, reasons TEXT NOT NULL,
      location TEXT NOT NULL, timestamp_json TEXT)`);
    old
      .prepare('INSERT INTO bundles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        'old',
        's-0',
        'valid',
        'b'.repeat(64),
        5,
        '2026-01-01T00:00:00.000Z',
        '[]',
        'bundles/old.zip',
        null,
      );
    old.close();

    const index = await openSqliteIndex(path);
    try {
      expect((await index.getBundle('old'))?.manifestSha256).toBeNull();
      await index.putBundle(record('new', 'c'.repeat(64)));
      expect(await index.getBundle('new')).toEqual(record('new', 'c'.repeat(64)));
    } finally {
      await index.close();
    }
    // Opening again (column present) changes nothing.
    const again = await openSqliteIndex(path);
    expect((await again.getBundle('new'))?.manifestSha256).toBe('c'.repeat(64));
    await again.close();
  });
});
