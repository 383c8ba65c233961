/**
 * Load over loopback (bounded): 200 concurrent uploads of 5 MB bundles with random client-side
 * disconnects mid-request, against the real server (tus, verification on receipt, RFC 3161 from
 * the local TSA, SQLite index). Every upload must complete with a `valid` receipt whose hash is
 * the sent bundle's, and every stored file must equal what was sent: `lost` and `corrupted` are
 * reported and must be 0. Reported: throughput (MB/s) and p95 time to receipt per upload.
 *
 * Baseline, same run, same bytes: 200 concurrent plain HTTP POSTs of the same bundles to a bare
 * node:http server that streams each body to a file (the transfer and disk cost with no protocol,
 * no verification, no disconnects). The ratio says what tus + resume + verification + time-stamp
 * + index cost on top of moving the bytes.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDeviceKey, MemorySink, writeSampleBundle } from '@dualrec/evidence';
import { uploadBundle } from '@dualrec/upload';
import pino from 'pino';
import * as tus from 'tus-js-client';
import type { BenchSuite } from '../../../test/bench/harness.js';
import { createKeySet } from '../src/keys.js';
import { createServer, type DualrecServer } from '../src/server.js';

const COUNT = 200;
const BUNDLE_BYTES = 5 * 1000 * 1000;
const DISCONNECT_PROBABILITY = 0.25;

interface Job {
  sessionId: string;
  ticket: string;
  bytes: Uint8Array;
  sha256: string;
}

let dir = '';
let server: DualrecServer | null = null;
let plain: Server | null = null;
let plainUrl = '';
let jobs: Job[] = [];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** tus-js-client's node stack, with a random share of PATCH requests cut off mid-body. */
function disconnectingStack(counter: { disconnects: number }): tus.HttpStack {
  const inner = new tus.DefaultHttpStack({});
  return {
    getName: () => 'disconnecting',
    createRequest(method, url) {
      const request = inner.createRequest(method, url);
      if (method === 'PATCH' && Math.random() < DISCONNECT_PROBABILITY) {
        const send = request.send.bind(request);
        request.send = (body) => {
          setTimeout(
            () => {
              counter.disconnects++;
              void request.abort();
            },
            5 + Math.random() * 40,
          );
          return send(body);
        };
      }
      return request;
    },
  };
}

async function makeJobs(s: DualrecServer): Promise<Job[]> {
  const recording = new Uint8Array(BUNDLE_BYTES - 20_000);
  for (let i = 0; i < recording.length; i += 65536)
    globalThis.crypto.getRandomValues(recording.subarray(i, Math.min(recording.length, i + 65536)));
  const out: Job[] = [];
  for (let i = 0; i < COUNT; i++) {
    const deviceKey = await generateDeviceKey();
    const grant = (await (
      await fetch(`${s.url}/v1/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jkt: deviceKey.thumbprint, scriptId: 'bench', applicationRef: `BENCH-${i}` }),
      })
    ).json()) as { ticket: string; sessionId: string; recipients: never[] };
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
    const bytes = await sink.bytes();
    out.push({
      sessionId: grant.sessionId,
      ticket: grant.ticket,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return out;
}

export const suite: BenchSuite = {
  name: 'server upload load',
  cases: [
    {
      name: `${COUNT} concurrent uploads of 5 MB bundles, random disconnects (loopback)`,
      bytes: COUNT * BUNDLE_BYTES,
      iterations: 1,
      warmup: 0,
      async setup() {
        dir = await mkdtemp(join(tmpdir(), 'dualrec-load-'));
        await createKeySet(join(dir, 'keys'));
        server = await createServer({
          dataDir: join(dir, 'data'),
          keysDir: join(dir, 'keys'),
          port: 0,
          logger: pino({ level: 'silent' }),
          insecureOpenTickets: true,
          acceptSynthetic: true,
        });
        await server.listen();
        jobs = await makeJobs(server);
        let n = 0;
        plain = createHttpServer((req, res) => {
          const file = createWriteStream(join(dir, `plain-${n++}`));
          req.pipe(file);
          file.on('finish', () => res.end('ok'));
        });
        await new Promise<void>((r) => plain?.listen(0, '127.0.0.1', () => r()));
        const address = plain.address() as { port: number };
        plainUrl = `http://127.0.0.1:${address.port}/`;
      },
      async teardown() {
        await server?.close();
        plain?.close();
        await rm(dir, { recursive: true, force: true });
      },
      baseline: {
        label: `${COUNT} concurrent plain HTTP POSTs to a bare node:http file sink`,
        async run() {
          const times = await Promise.all(
            jobs.map(
              (job) =>
                new Promise<number>((resolve, reject) => {
                  const start = performance.now();
                  const req = httpRequest(
                    plainUrl,
                    { method: 'POST', headers: { 'content-length': job.bytes.length } },
                    (res) => {
                      res.resume();
                      res.on('end', () => resolve(performance.now() - start));
                    },
                  );
                  req.on('error', reject);
                  req.end(job.bytes);
                }),
            ),
          );
          return { p95UploadMs: Math.round(percentile(times, 95)) };
        },
      },
      subject: {
        label: 'uploadBundle() → @dualrec/server (tus, resume, verify, RFC 3161, index)',
        async run() {
          const s = server as DualrecServer;
          const counter = { disconnects: 0 };
          const failures: string[] = [];
          const results = await Promise.all(
            jobs.map(async (job) => {
              const start = performance.now();
              try {
                const receipt = await uploadBundle({
                  endpoint: `${s.url}/v1/uploads/`,
                  source: job.bytes,
                  sessionId: job.sessionId,
                  ticket: job.ticket,
                  sha256: job.sha256,
                  chunkSize: 1024 * 1024,
                  retryDelays: [
                    50, 100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 2000, 2000, 2000, 2000, 2000,
                  ],
                  httpStack: disconnectingStack(counter),
                  urlStorage: {
                    findAllUploads: async () => [],
                    findUploadsByFingerprint: async () => [],
                    removeUpload: async () => {},
                    addUpload: async () => '',
                  },
                });
                const record = await s.index.getBundle(receipt.uploadId);
                const stored = await readFile(join(s.dataDir, record?.location ?? 'missing'));
                const same = createHash('sha256').update(stored).digest('hex') === job.sha256;
                if (receipt.verdict !== 'valid') failures.push(`quarantined: ${receipt.reasons.join('; ')}`);
                return { ms: performance.now() - start, ok: receipt.verdict === 'valid', corrupted: !same };
              } catch (error) {
                const e = error as { code?: string; detail?: string; message?: string };
                failures.push(`${e.code ?? 'error'}: ${e.detail ?? e.message ?? String(error)}`);
                return { ms: performance.now() - start, ok: false, corrupted: false };
              }
            }),
          );
          // A lost upload must be explained, not only counted: the distinct causes go to stderr.
          const causes = new Map<string, number>();
          for (const f of failures) causes.set(f.slice(0, 300), (causes.get(f.slice(0, 300)) ?? 0) + 1);
          for (const [cause, n] of causes) console.error(`[upload-load] ${n}× ${cause}`);
          return {
            p95UploadMs: Math.round(
              percentile(
                results.map((r) => r.ms),
                95,
              ),
            ),
            lost: results.filter((r) => !r.ok).length,
            corrupted: results.filter((r) => r.corrupted).length,
            disconnects: counter.disconnects,
          };
        },
      },
    },
  ],
};
