/**
 * The live upload (deferred-length tus upload fed while the recording runs) against a real lender
 * server, through a small proxy that counts the PATCH bytes and can refuse or cut requests:
 * bytes arrive while the source grows, the rest is sent by uploadBundle after the seal (resuming
 * from the server's offset, nothing sent twice), the stored bundle is byte-identical and its
 * SHA-256 is the receipt's; a dropped PATCH is retried from the server's offset; a server that
 * refuses deferred length leaves no live upload behind and the whole bundle still goes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDeviceKey, MemorySink, sha256Hex, writeSampleBundle } from '@dualrec/evidence';
import { createKeySet, createServer, type DualrecServer } from '@dualrec/server';
import { type GrowingSource, LiveUpload, liveFingerprint, uploadBundle } from '@dualrec/upload';
import { WaitingSource } from '@dualrec/upload/live';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Proxy {
  url: string;
  patchBytes: number;
  patches: number;
  /** Answer the next POST carrying Upload-Defer-Length with 400, as a server without the extension. */
  refuseDeferred: boolean;
  /** Cut the connection of PATCH number n (1-based) after reading its body, before forwarding. */
  cutPatch: number | null;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const state = { patchBytes: 0, patches: 0, refuseDeferred: false, cutPatch: null as number | null };
  const server: Server = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method === 'POST' && req.headers['upload-defer-length'] && state.refuseDeferred) {
      res.writeHead(400, { 'tus-resumable': '1.0.0' });
      return void res.end('Upload-Length is required\n');
    }
    if (req.method === 'PATCH') {
      state.patches++;
      if (state.cutPatch === state.patches) {
        req.socket.destroy();
        return;
      }
      state.patchBytes += body.length;
    }
    const url = new URL(req.url ?? '/', target);
    const forward = request(url, { method: req.method, headers: req.headers }, (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(res);
    });
    forward.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  }) as Proxy;
}

function memoryUrlStorage() {
  const entries = new Map<string, { fingerprint: string; entry: object }>();
  let n = 0;
  return {
    entries,
    async findAllUploads() {
      return [...entries.entries()].map(([key, v]) => ({ ...v.entry, urlStorageKey: key })) as never[];
    },
    async findUploadsByFingerprint(fingerprint: string) {
      return [...entries.entries()]
        .filter(([, v]) => v.fingerprint === fingerprint)
        .map(([key, v]) => ({ ...v.entry, urlStorageKey: key })) as never[];
    },
    async removeUpload(key: string) {
      entries.delete(key);
    },
    async addUpload(fingerprint: string, entry: object) {
      const key = `k${++n}`;
      entries.set(key, { fingerprint, entry });
      return key;
    },
  };
}

/** The start of `bytes`, growing when told to (as the capture store does while recording). */
function growing(bytes: Uint8Array) {
  const source = {
    length: 0,
    async read(start: number, end: number) {
      return bytes.slice(start, Math.min(end, source.length));
    },
  };
  return source satisfies GrowingSource;
}

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('live upload', () => {
  let dir: string;
  let server: DualrecServer;
  let proxy: Proxy;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dualrec-live-'));
    const keysDir = join(dir, 'keys');
    await createKeySet(keysDir);
    server = await createServer({
      dataDir: join(dir, 'data'),
      keysDir,
      port: 0,
      logLevel: 'silent',
      insecureOpenTickets: true,
      acceptSynthetic: true,
    });
    await server.listen();
    proxy = await startProxy(server.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function bundle(recordingBytes = 1024 * 1024) {
    const deviceKey = await generateDeviceKey();
    const response = await fetch(`${server.url}/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jkt: deviceKey.thumbprint,
        scriptId: 'consumer-loan-zh-CN',
        applicationRef: 'A',
      }),
    });
    const grant = (await response.json()) as { ticket: string; sessionId: string; recipients: never[] };
    const recording = new Uint8Array(recordingBytes);
    for (let i = 0; i < recording.length; i += 65536)
      globalThis.crypto.getRandomValues(recording.subarray(i, Math.min(recording.length, i + 65536)));
    const sink = new MemorySink();
    await writeSampleBundle({
      sink,
      ticketSigningKey: undefined as never,
      recipients: grant.recipients,
      recording: [recording],
      recordingType: 'video/webm',
      deviceKey,
      ticket: grant.ticket,
    });
    return { grant, bytes: await sink.bytes() };
  }

  const stored = async (uploadId: string) => {
    const record = await server.index.getBundle(uploadId);
    return new Uint8Array(await readFile(join(server.dataDir, record?.location ?? '')));
  };

  it('sends while the source grows; after the seal only the rest; nothing twice, even with a PATCH cut', async () => {
    const { grant, bytes } = await bundle();
    const sha256 = await sha256Hex(bytes);
    const urlStorage = memoryUrlStorage();
    const source = growing(bytes);
    proxy.patchBytes = 0;
    proxy.patches = 0;
    proxy.cutPatch = 2; // the second PATCH never reaches the server: tus asks HEAD and sends it again
    const acks: number[] = [];
    const live = LiveUpload.start({
      endpoint: `${proxy.url}/v1/uploads/`,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      source,
      minChunkBytes: 64 * 1024,
      pollMs: 20,
      lingerMs: 200,
      retryDelays: [0, 50, 100],
      urlStorage,
      onProgress: (n) => acks.push(n),
    });
    // The "recording": 100 KB stored every 30 ms, up to 80 % of the bundle.
    const growUpTo = Math.floor(bytes.length * 0.8);
    while (source.length < growUpTo) {
      source.length = Math.min(growUpTo, source.length + 100_000);
      await new Promise((r) => setTimeout(r, 30));
    }
    await until(() => live.acknowledged === growUpTo).catch((e) => {
      throw new Error(
        `${e} acked=${live.acknowledged} served=${live.served} want=${growUpTo} failed=${live.failed?.detail} patches=${proxy.patches} bytes=${proxy.patchBytes} acks=${acks}`,
      );
    });
    expect(acks.length).toBeGreaterThanOrEqual(2); // acknowledged in steps while it grew
    expect(live.failed).toBeNull();
    await live.stop();
    expect(urlStorage.entries.size).toBe(1);
    expect([...urlStorage.entries.values()][0]?.fingerprint).toBe(liveFingerprint(grant.sessionId));
    const duringRecording = proxy.patchBytes;
    expect(duringRecording).toBe(growUpTo);

    let resumedAt = -1;
    const receipt = await uploadBundle({
      endpoint: `${proxy.url}/v1/uploads/`,
      source: bytes,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      sha256,
      urlStorage,
      onResume: (offset) => {
        resumedAt = offset;
      },
    });
    expect(resumedAt).toBe(growUpTo);
    expect(proxy.patchBytes - duringRecording).toBe(bytes.length - growUpTo);
    expect(receipt.verdict).toBe('valid');
    expect(receipt.bundleSha256).toBe(sha256);
    expect(await stored(receipt.uploadId)).toEqual(bytes);
    expect(urlStorage.entries.size).toBe(0); // removed on success
  });

  it('a lender without deferred length: the live upload gives up, leaves nothing behind, the whole bundle still goes', async () => {
    const { grant, bytes } = await bundle(200 * 1024);
    const urlStorage = memoryUrlStorage();
    const source = growing(bytes);
    source.length = 100_000;
    proxy.refuseDeferred = true;
    proxy.cutPatch = null;
    try {
      let failed: unknown = null;
      const live = LiveUpload.start({
        endpoint: `${proxy.url}/v1/uploads/`,
        sessionId: grant.sessionId,
        ticket: grant.ticket,
        source,
        urlStorage,
        onError: (e) => {
          failed = e;
        },
      });
      await until(() => failed !== null);
      expect(live.failed?.code).toBe('UPLOAD_FAILED');
      expect(live.failed?.context).toMatchObject({ status: 400 });
      expect(urlStorage.entries.size).toBe(0);
      await live.stop();
    } finally {
      proxy.refuseDeferred = false;
    }
    const receipt = await uploadBundle({
      endpoint: `${proxy.url}/v1/uploads/`,
      source: bytes,
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      urlStorage,
    });
    expect(receipt.verdict).toBe('valid');
    expect(await stored(receipt.uploadId)).toEqual(bytes);
  });
});

describe('WaitingSource', () => {
  it('waits for enough stored bytes, serves any earlier offset again, and fails a waiting slice when stopped', async () => {
    const bytes = new Uint8Array(1000).map((_, i) => i % 251);
    const source = growing(bytes);
    const feed = new WaitingSource(source, 100, 300, 10);
    let settled = false;
    const first = feed.slice(0, Number.POSITIVE_INFINITY).then((r) => {
      settled = true;
      return r;
    });
    source.length = 50;
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false); // fewer than minChunkBytes stored
    source.length = 450;
    const { value, done } = await first;
    expect(done).toBe(false);
    expect(value.size).toBe(300); // capped by maxChunkBytes
    expect(new Uint8Array(value)).toEqual(bytes.slice(0, 300));
    // A retry after a lost PATCH asks for an earlier offset again: same bytes.
    expect(new Uint8Array((await feed.slice(100, 200)).value)).toEqual(bytes.slice(100, 200));
    expect(feed.served).toBe(300);
    const waiting = feed.slice(450, 1000);
    feed.stop(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});
