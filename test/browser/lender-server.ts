/**
 * A real lender server (`createServer` from @dualrec/server) for one spec file: fresh keys and
 * data in a temp folder, CORS for the test page's origin, started before the file's tests and
 * removed after them. Pages reach it through routes the spec forwards (same origin for the page).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeySet, createServer, type DualrecServer } from '@dualrec/server';
import { test } from './test.js';

export interface LenderServer {
  readonly server: DualrecServer;
  readonly keysDir: string;
}

/** `acceptSynthetic`: the spec uploads sample bundles (`writeSampleBundle`), not SDK ones. */
export function useLenderServer(name: string, options: { acceptSynthetic?: boolean } = {}): LenderServer {
  let dir = '';
  let keysDir = '';
  let server: DualrecServer | null = null;
  test.beforeAll(async ({ baseURL }) => {
    dir = await mkdtemp(join(tmpdir(), `dualrec-${name}-`));
    keysDir = join(dir, 'keys');
    await createKeySet(keysDir);
    server = await createServer({
      dataDir: join(dir, 'data'),
      keysDir,
      port: 0,
      logLevel: 'silent',
      allowedOrigins: [new URL(baseURL as string).origin],
      // Tests: anyone on loopback may have a ticket (the specs' pages ask with no login).
      insecureOpenTickets: true,
      ...(options.acceptSynthetic ? { acceptSynthetic: true } : {}),
    });
    await server.listen();
  });
  test.afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    get server() {
      if (!server) throw new Error('the lender server starts in beforeAll');
      return server;
    },
    get keysDir() {
      return keysDir;
    },
  };
}
