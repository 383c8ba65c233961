/**
 * Test tooling: an S3-compatible server for the S3 storage tests.
 *
 * - `DUALREC_TEST_S3_ENDPOINT` (+ `DUALREC_TEST_S3_BUCKET`, and credentials in the standard
 *   `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`): use that server (MinIO, Ceph RGW, AWS…).
 * - Otherwise, when Ceph's radosgw is installed (Debian `radosgw ceph-mon ceph-osd`, ./run installs
 *   them): a throw-away single-node Ceph cluster with the RADOS Gateway (radosgw-harness.ts).
 * - Otherwise s3rver (npm, a real HTTP server over a temp folder) on a free loopback port.
 *
 * `multipart` says whether the server implements what @tus/s3-store calls on every HEAD and
 * PATCH: CreateMultipartUpload, UploadPart, **ListParts**, CompleteMultipartUpload. It is probed,
 * not assumed: s3rver 3.7.1 has no ListParts (`GET /bucket/key?uploadId=…` answers 405), so the
 * tus-through-S3 tests cannot run on it, and say so.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3 } from '@aws-sdk/client-s3';
import type { S3StorageOptions } from '../src/bundle-storage.js';
import { radosgwAvailable, startRadosgw } from './radosgw-harness.js';

export interface TestS3 {
  /** What it is, for test names and messages. */
  name: string;
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  client: S3;
  /** null when multipart upload works as @tus/s3-store needs it; otherwise what is missing. */
  multipartMissing: string | null;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A client for the test server (path-style; checksums only where S3 requires them, as the server does). */
function testClient(endpoint: string, region: string, credentials: TestS3['credentials']): S3 {
  return new S3({
    endpoint,
    region,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Runs the multipart calls @tus/s3-store makes; returns the first one that fails, or null. */
async function probeMultipart(client: S3, bucket: string): Promise<string | null> {
  const Key = `dualrec-probe-${Date.now()}`;
  const steps: [string, () => Promise<unknown>][] = [];
  let uploadId = '';
  steps.push([
    'CreateMultipartUpload',
    async () => {
      uploadId = (await client.createMultipartUpload({ Bucket: bucket, Key })).UploadId ?? '';
    },
  ]);
  steps.push([
    'UploadPart',
    () =>
      client.uploadPart({ Bucket: bucket, Key, UploadId: uploadId, PartNumber: 1, Body: Buffer.from('x') }),
  ]);
  let etag = '';
  steps.push([
    'ListParts',
    async () => {
      const parts = await client.listParts({ Bucket: bucket, Key, UploadId: uploadId });
      etag = parts.Parts?.[0]?.ETag ?? '';
      if (!etag) throw new Error('no part listed');
    },
  ]);
  steps.push([
    'CompleteMultipartUpload',
    () =>
      client.completeMultipartUpload({
        Bucket: bucket,
        Key,
        UploadId: uploadId,
        MultipartUpload: { Parts: [{ ETag: etag, PartNumber: 1 }] },
      }),
  ]);
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (error) {
      const e = error as Error & { $metadata?: { httpStatusCode?: number } };
      return `${name} (${e.$metadata?.httpStatusCode ?? '?'} ${e.name}: ${e.message})`;
    }
  }
  await client.deleteObject({ Bucket: bucket, Key }).catch(() => undefined);
  return null;
}

export async function startS3(): Promise<TestS3> {
  const region = 'us-east-1';
  const external = process.env.DUALREC_TEST_S3_ENDPOINT;
  if (external) {
    const bucket = process.env.DUALREC_TEST_S3_BUCKET ?? 'dualrec-test';
    const credentials = {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
    };
    const client = testClient(external, region, credentials);
    await client.createBucket({ Bucket: bucket }).catch(() => undefined);
    return {
      name: external,
      endpoint: external,
      bucket,
      region,
      credentials,
      client,
      multipartMissing: await probeMultipart(client, bucket),
      stop: async () => client.destroy(),
    };
  }
  if (radosgwAvailable()) {
    const rgw = await startRadosgw();
    try {
      const bucket = 'dualrec-test';
      const { endpoint, credentials } = rgw;
      const client = testClient(endpoint, region, credentials);
      await client.createBucket({ Bucket: bucket });
      return {
        name: `radosgw (${rgw.version})`,
        endpoint,
        bucket,
        region,
        credentials,
        client,
        multipartMissing: await probeMultipart(client, bucket),
        async stop() {
          client.destroy();
          await rgw.stop();
        },
      };
    } catch (error) {
      await rgw.stop();
      throw error;
    }
  }
  // CommonJS, and a dev dependency: loaded only here.
  const S3rver = createRequire(import.meta.url)('s3rver') as new (
    options: Record<string, unknown>,
  ) => { run(): Promise<{ port: number }>; close(): Promise<void> };
  const directory = await mkdtemp(join(tmpdir(), 'dualrec-s3-'));
  const bucket = 'dualrec-test';
  const port = await freePort();
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver checks signatures against its fixed key pair.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = testClient(endpoint, region, credentials);
  return {
    name: 's3rver 3.7.1',
    endpoint,
    bucket,
    region,
    credentials,
    client,
    multipartMissing: await probeMultipart(client, bucket),
    async stop() {
      client.destroy();
      await server.close().catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

let prefixCounter = 0;

/** Server storage options for this test server, under a fresh key prefix unless one is given. */
export function s3StorageOptions(t: TestS3, prefix?: string): S3StorageOptions {
  return {
    kind: 's3',
    bucket: t.bucket,
    prefix: prefix ?? `run-${process.pid}-${Date.now()}-${prefixCounter++}`,
    endpoint: t.endpoint,
    region: t.region,
    forcePathStyle: true,
    credentials: t.credentials,
    // The smallest part S3 allows, so a test bundle of a few parts ends with a short one.
    partSize: 5 * 1024 * 1024,
  };
}

/** The object's key from an index location `s3://bucket/key` (throws for another bucket). */
export function s3KeyOf(t: TestS3, location: string): string {
  const head = `s3://${t.bucket}/`;
  if (!location.startsWith(head)) throw new Error(`${location} is not in bucket ${t.bucket}`);
  return location.slice(head.length);
}

export async function getS3Object(t: TestS3, key: string): Promise<Uint8Array> {
  const response = await t.client.getObject({ Bucket: t.bucket, Key: key });
  return new Uint8Array(
    await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}
