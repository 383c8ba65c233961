/**
 * Evidence throughput and memory, each against a baseline measured in the same run:
 * - sealing (RFC 8188 records, streaming) vs one raw WebCrypto AES-128-GCM call on the same bytes;
 * - verify() of a bundle (no key: ZIP checks, signature, ticket, content hash of every byte) vs one
 *   raw WebCrypto SHA-256 over the same bundle bytes;
 * - writing a 200 MB sample bundle to disk vs writing the same 200 MB raw, reporting peak RSS above
 *   the pre-run level (target: < 64 MiB) — the bundle writer must not hold the recording in memory.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSuite } from '../../../test/bench/harness.js';
import { generateKeyPairJwk, type KeyPairJwk } from '../src/keys.js';
import { sealRecords } from '../src/records.js';
import { writeSampleBundle } from '../src/sample.js';
import { MemorySink } from '../src/streams.js';
import { verify } from '../src/verify.js';
import { bytesSource } from '../src/zip-reader.js';

const MiB = 1024 * 1024;
const THROUGHPUT_BYTES = 64 * MiB;
const LARGE_BYTES = 200 * 1000 * 1000;
const RECORDER_CHUNK = MiB;

function pseudoRandom(length: number): Uint8Array<ArrayBuffer> {
  // getRandomValues is limited to 64 KiB per call; fill once, then reuse by copying.
  const out = new Uint8Array(length);
  const block = globalThis.crypto.getRandomValues(new Uint8Array(65536));
  for (let offset = 0; offset < length; offset += block.length)
    out.set(block.subarray(0, length - offset), offset);
  for (let i = 0; i < length; i += 4093) out[i] = i & 0xff;
  return out;
}

function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** `total` bytes as recorder-sized chunks from one reused buffer: the source itself costs ~1 MiB. */
function* syntheticRecording(total: number): Generator<Uint8Array> {
  const chunk = pseudoRandom(RECORDER_CHUNK);
  for (let sent = 0; sent < total; sent += chunk.length) {
    chunk[0] = sent & 0xff;
    yield chunk.subarray(0, Math.min(chunk.length, total - sent));
  }
}

/** Runs `work`, sampling RSS every 5 ms; returns the peak above the RSS just before it started. */
async function peakRssAbove(work: () => Promise<void>): Promise<{ peakRssMiB: number; peakHeapMiB: number }> {
  const startRss = process.memoryUsage.rss();
  const startHeap = process.memoryUsage().heapUsed;
  let peakRss = startRss;
  let peakHeap = startHeap;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  const timer = setInterval(sample, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
    sample();
  }
  return { peakRssMiB: (peakRss - startRss) / MiB, peakHeapMiB: (peakHeap - startHeap) / MiB };
}

function fileSink(path: string) {
  const stream = createWriteStream(path);
  return {
    write: (chunk: Uint8Array) =>
      new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        if (stream.write(chunk)) {
          stream.off('error', reject);
          resolve();
        } else {
          stream.once('drain', () => {
            stream.off('error', reject);
            resolve();
          });
        }
      }),
    close: () =>
      new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      ),
  };
}

let plaintext: Uint8Array<ArrayBuffer>;
let ikm: Uint8Array;
let aesKey: CryptoKey;
let bundle: Uint8Array;
let encryption: KeyPairJwk;
let ticketSigning: KeyPairJwk;
let workDir: string;

async function lenderKeys(): Promise<void> {
  encryption ??= await generateKeyPairJwk('encryption');
  ticketSigning ??= await generateKeyPairJwk('ticket-signing');
}

export const suite: BenchSuite = {
  name: 'evidence: sealing, verifying, large bundles',
  cases: [
    {
      name: 'seal 64 MiB into RFC 8188 records (1 MiB recorder chunks)',
      bytes: THROUGHPUT_BYTES,
      target: { minRatio: 0.7 },
      async setup() {
        plaintext = pseudoRandom(THROUGHPUT_BYTES);
        ikm = globalThis.crypto.getRandomValues(new Uint8Array(32));
        aesKey = await globalThis.crypto.subtle.importKey('raw', ikm.slice(0, 16), 'AES-GCM', false, [
          'encrypt',
        ]);
      },
      baseline: {
        label: 'raw crypto.subtle AES-128-GCM, one call',
        async run() {
          await globalThis.crypto.subtle.encrypt(
            { name: 'AES-GCM', iv: new Uint8Array(12) },
            aesKey,
            plaintext,
          );
        },
      },
      subject: {
        label: 'sealRecords() streaming, rs 65536',
        async run() {
          let sealed = 0;
          for await (const part of sealRecords(ikm, chunks(plaintext, RECORDER_CHUNK))) sealed += part.length;
          if (sealed < THROUGHPUT_BYTES) throw new Error('sealing lost bytes');
        },
      },
    },
    {
      name: 'verify a 64 MiB bundle (hashes, signature, ticket; no key)',
      target: { minRatio: 0.7 },
      iterations: 10,
      async setup() {
        await lenderKeys();
        const sink = new MemorySink();
        await writeSampleBundle({
          sink,
          ticketSigningKey: ticketSigning.privateJwk,
          recipients: [encryption.publicJwk],
          recording: syntheticRecording(THROUGHPUT_BYTES),
          recordingType: 'video/webm',
        });
        bundle = await sink.bytes();
        this.bytes = bundle.length;
      },
      baseline: {
        label: 'raw crypto.subtle SHA-256 of the bundle, one call',
        async run() {
          await globalThis.crypto.subtle.digest('SHA-256', bundle as Uint8Array<ArrayBuffer>);
        },
      },
      subject: {
        label: 'verify()',
        async run() {
          const verdict = await verify(bytesSource(bundle), { ticketKeys: [ticketSigning.publicJwk] });
          if (!verdict.valid) throw new Error(`bench bundle invalid: ${JSON.stringify(verdict.reasons)}`);
        },
      },
    },
    {
      name: 'write a 200 MB sample bundle to disk: peak RSS above the start',
      bytes: LARGE_BYTES,
      iterations: 3,
      warmup: 1,
      async setup() {
        await lenderKeys();
        workDir = await mkdtemp(join(tmpdir(), 'dualrec-bench-evidence-'));
      },
      async teardown() {
        await rm(workDir, { recursive: true, force: true });
      },
      baseline: {
        label: 'raw fs write of the same 200 MB',
        async run() {
          const path = join(workDir, 'raw.bin');
          const metrics = await peakRssAbove(async () => {
            const sink = fileSink(path);
            for (const chunk of syntheticRecording(LARGE_BYTES)) await sink.write(chunk);
            await sink.close();
          });
          await rm(path, { force: true });
          return metrics;
        },
      },
      subject: {
        label: 'writeSampleBundle() → file',
        async run() {
          const path = join(workDir, 'bundle.zip');
          const metrics = await peakRssAbove(async () => {
            const sink = fileSink(path);
            await writeSampleBundle({
              sink,
              ticketSigningKey: ticketSigning.privateJwk,
              recipients: [encryption.publicJwk],
              recording: syntheticRecording(LARGE_BYTES),
              recordingType: 'video/webm',
            });
            await sink.close();
          });
          await rm(path, { force: true });
          return metrics;
        },
      },
    },
  ],
};
