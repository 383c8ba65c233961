/**
 * Where the bytes live: the tus upload area and the filed bundles (bundles/YYYY-MM/…,
 * quarantine/…, time-stamp tokens and reasons beside them). One seam, two implementations:
 * local disk (the default, no set-up) and S3-compatible object storage (several instances share
 * the bucket). receive.ts does verification, index and time-stamping once, on top of either.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, chmod, constants, copyFile, link, mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { S3, S3ClientConfig } from '@aws-sdk/client-s3';
import { DualrecError, type RandomAccessSource } from '@dualrec/evidence';
import { FileStore } from '@tus/file-store';
import type { DataStore } from '@tus/server';

export type ClosableSource = RandomAccessSource & { close(): Promise<void> };

export interface BundleStorage {
  readonly kind: 'disk' | 's3';
  /** The tus datastore that receives uploads. */
  readonly datastore: DataStore;
  /** Random access to a finished upload, for verify() (never the whole bundle in memory). */
  openUpload(uploadId: string): Promise<ClosableSource>;
  /** SHA-256 (hex) of a finished upload, streamed. */
  uploadSha256(uploadId: string): Promise<string>;
  /** Files a finished upload at `location` (e.g. `bundles/2026-11/ID.zip`); returns what the index records. */
  file(uploadId: string, location: string): Promise<string>;
  /** Writes a small file (token, reasons) at `location`, relative like `file`. */
  put(location: string, bytes: Uint8Array | string): Promise<void>;
  /** Throws when the storage cannot be used (readiness). */
  ping(): Promise<void>;
}

export async function openFileSource(path: string): Promise<ClosableSource> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new DualrecError('FILE_UNREADABLE', { detail: `${path}: ${(cause as Error).message}`, cause });
  }
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const buffer = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0)
          throw new DualrecError('FILE_UNREADABLE', { detail: `${path} shrank while being read` });
        done += bytesRead;
      }
      return buffer;
    },
    close: () => handle.close(),
  };
}

async function streamSha256(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * @tus/file-store creates files with the process umask (often 0644). Bundles are evidence about
 * applicants, so every upload and its `.json` info are made 0600 as soon as they exist (the
 * folder is 0700, so nobody else could open them in between either).
 */
class PrivateFileStore extends FileStore {
  constructor(
    private readonly folder: string,
    expirationPeriodInMilliseconds: number,
  ) {
    // With an expiration period tus sends `Upload-Expires` and `deleteExpired()` removes
    // unfinished uploads created longer ago than that (finished ones are kept: they are evidence).
    super({ directory: folder, expirationPeriodInMilliseconds });
  }
  /**
   * Deletes unfinished uploads older than the expiration period. Not @tus/file-store's own
   * `deleteExpired`: it compares the offset in the `.json` info, which stays 0 as bytes arrive,
   * and so would also delete finished uploads — including one finished but not yet filed (a
   * crash before the receipt), which is evidence. Here the offset is the file's real size.
   */
  override async deleteExpired(): Promise<number> {
    const ttl = this.getExpiration();
    if (ttl <= 0) return 0;
    const ids = (await this.configstore.list?.()) ?? [];
    let deleted = 0;
    for (const id of ids) {
      let upload: Awaited<ReturnType<FileStore['getUpload']>>;
      try {
        upload = await this.getUpload(id);
      } catch {
        continue; // gone meanwhile
      }
      const created = upload.creation_date ? Date.parse(upload.creation_date) : Number.NaN;
      const finished = upload.size !== undefined && upload.offset === upload.size;
      if (finished || !(created + ttl < Date.now())) continue;
      await this.remove(id).catch(() => undefined);
      deleted++;
    }
    return deleted;
  }

  override async create(upload: Parameters<FileStore['create']>[0]) {
    const created = await super.create(upload);
    await chmod(join(this.folder, upload.id), 0o600);
    await chmod(join(this.folder, `${upload.id}.json`), 0o600).catch(() => undefined);
    return created;
  }
}

/**
 * Uploads in `DATA/uploads`, filed bundles hard-linked under `DATA` (no second copy). Folders it
 * creates are 0700 and files 0600: only the server's user reads the evidence.
 */
export async function diskStorage(
  dataDir: string,
  options: {
    /** Unfinished uploads older than this are deleted by `expireUploads` (0: never). */ uploadTtlMs?: number;
  } = {},
): Promise<BundleStorage> {
  const uploadsDir = join(dataDir, 'uploads');
  await mkdir(uploadsDir, { recursive: true, mode: 0o700 });
  const uploadPath = (id: string) => join(uploadsDir, id);
  return {
    kind: 'disk',
    datastore: new PrivateFileStore(uploadsDir, options.uploadTtlMs ?? 0),
    openUpload: (id) => openFileSource(uploadPath(id)),
    uploadSha256: (id) => streamSha256(createReadStream(uploadPath(id))),
    async file(id, location) {
      const to = join(dataDir, location);
      await mkdir(dirname(to), { recursive: true, mode: 0o700 });
      // The link shares the upload's inode: one chmod covers both names (and an upload made
      // before modes were tightened).
      await chmod(uploadPath(id), 0o600);
      try {
        // The tus file stays for HEAD requests; the link costs no second copy.
        await link(uploadPath(id), to);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          await copyFile(uploadPath(id), to);
          await chmod(to, 0o600);
        }
      }
      return location;
    },
    async put(location, bytes) {
      const to = join(dataDir, location);
      await mkdir(dirname(to), { recursive: true, mode: 0o700 });
      await writeFile(to, bytes, { mode: 0o600 });
    },
    ping: () => access(uploadsDir, constants.W_OK),
  };
}

export interface S3StorageOptions {
  kind: 's3';
  bucket: string;
  /** Key prefix for everything the server writes (e.g. `dualrec/`); default none. */
  prefix?: string;
  /** S3-compatible endpoint (MinIO, Ceph RGW, …); default AWS for `region`. */
  endpoint?: string;
  region?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most self-hosted servers need. */
  forcePathStyle?: boolean;
  /** Explicit credentials; otherwise the standard AWS chain (env, ~/.aws, instance role, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** tus part size (default 8 MiB; S3 needs ≥ 5 MiB except for the last part). */
  partSize?: number;
}

/** `s3://bucket/some/prefix` → bucket and prefix (with a trailing slash when not empty). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match?.[1]) throw new DualrecError('BAD_USAGE', { detail: `${url} is not s3://BUCKET[/PREFIX]` });
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  return { bucket: match[1], prefix: prefix ? `${prefix}/` : '' };
}

/** Ranged GETs fetch aligned blocks of this size; at most KEPT_BLOCKS are held in memory. */
const BLOCK = 1024 * 1024;
const KEPT_BLOCKS = 8;

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as Readable) chunks.push(chunk as Uint8Array);
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * tus uploads at `PREFIX/uploads/<id>` (+ `.info`, `.part`: @tus/s3-store's multipart upload),
 * filed bundles copied (CopyObject, server-side) to `PREFIX/bundles/YYYY-MM/<id>.zip` or
 * `PREFIX/quarantine/<id>.zip`. The index records `s3://bucket/key`.
 */
export async function s3Storage(options: S3StorageOptions): Promise<BundleStorage> {
  const prefix = options.prefix ? `${options.prefix.replace(/\/+$/, '')}/` : '';
  const uploadsPrefix = `${prefix}uploads/`;
  const config: S3ClientConfig = {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // The SDK's default (since 3.729) sends streamed bodies as aws-chunked with a CRC trailer;
    // many S3-compatible servers store the framing as data. Checksums only where S3 requires
    // them; the bundle's SHA-256 is checked end to end anyway (receipt vs. what the client sent).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  // Loaded only for S3 storage: the AWS SDK is large, and a disk deployment never needs it.
  const { S3Store } = await import('@tus/s3-store');
  const store = new S3Store({
    partSize: options.partSize ?? 8 * 1024 * 1024,
    // Expiration tags are not used; some S3-compatible servers do not implement tagging.
    useTags: false,
    s3ClientConfig: { ...config, bucket: options.bucket },
  });
  // @tus/s3-store writes every key at the bucket root; put them under PREFIX/uploads/ instead by
  // rewriting `Key` on the way to its client (its own calls, nothing else, go through here).
  const inner = (store as unknown as { client: S3 }).client;
  const withPrefix = (input: Record<string, unknown>) => {
    const out = { ...input };
    if (typeof out.Key === 'string') out.Key = `${uploadsPrefix}${out.Key}`;
    const del = out.Delete as { Objects?: { Key: string }[] } | undefined;
    if (del?.Objects)
      out.Delete = { ...del, Objects: del.Objects.map((o) => ({ ...o, Key: `${uploadsPrefix}${o.Key}` })) };
    return out;
  };
  (store as unknown as { client: unknown }).client = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || name === 'send' || name === 'destroy') return value;
      return (input: Record<string, unknown>, ...rest: unknown[]) =>
        value.call(target, input && typeof input === 'object' ? withPrefix(input) : input, ...rest);
    },
  });
  const client = inner;
  const bucket = options.bucket;
  const uploadKey = (id: string) => `${uploadsPrefix}${id}`;
  const where = (location: string) => `s3://${bucket}/${prefix}${location}`;
  const fail = (what: string, cause: unknown): never => {
    throw new DualrecError('FILE_UNREADABLE', {
      detail: `${what}: ${(cause as Error).name}: ${(cause as Error).message}`,
      cause,
    });
  };
  return {
    kind: 's3',
    datastore: store,
    async openUpload(id) {
      const key = uploadKey(id);
      const head = await client.headObject({ Bucket: bucket, Key: key }).catch((e) => fail(where(key), e));
      const size = Number(head.ContentLength ?? 0);
      // Aligned blocks, a few kept: verify() reads small pieces, jumping between the central
      // directory at the end and the entries; each miss is one ranged GET of a whole block.
      const blocks = new Map<number, Promise<Uint8Array>>();
      const block = (n: number): Promise<Uint8Array> => {
        let hit = blocks.get(n);
        if (hit) {
          blocks.delete(n);
          blocks.set(n, hit);
          return hit;
        }
        const start = n * BLOCK;
        const end = Math.min(size, start + BLOCK) - 1;
        hit = client
          .getObject({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` })
          .catch((e) => fail(`s3://${bucket}/${key}`, e))
          .then(async (response) => {
            const bytes = await bodyBytes(response.Body);
            if (bytes.length !== end - start + 1)
              throw new DualrecError('FILE_UNREADABLE', {
                detail: `s3://${bucket}/${key}: asked for ${end - start + 1} bytes at ${start}, got ${bytes.length}`,
              });
            return bytes;
          });
        hit.catch(() => blocks.delete(n));
        blocks.set(n, hit);
        while (blocks.size > KEPT_BLOCKS) blocks.delete(blocks.keys().next().value as number);
        return hit;
      };
      return {
        size,
        async read(offset, length) {
          if (offset < 0 || offset + length > size)
            throw new DualrecError('FILE_UNREADABLE', {
              detail: `read past the end of s3://${bucket}/${key}`,
            });
          const out = new Uint8Array(length);
          let done = 0;
          while (done < length) {
            const at = offset + done;
            const n = Math.floor(at / BLOCK);
            const bytes = await block(n);
            const from = at - n * BLOCK;
            const take = Math.min(length - done, bytes.length - from);
            out.set(bytes.subarray(from, from + take), done);
            done += take;
          }
          return out;
        },
        async close() {
          blocks.clear();
        },
      };
    },
    async uploadSha256(id) {
      const response = await client
        .getObject({ Bucket: bucket, Key: uploadKey(id) })
        .catch((e) => fail(`s3://${bucket}/${uploadKey(id)}`, e));
      return streamSha256(response.Body as Readable);
    },
    async file(id, location) {
      // Server-side copy: the bytes never pass through this process. The tus object stays for
      // HEAD requests (as on disk); a bucket lifecycle rule may expire PREFIX/uploads/.
      await client.copyObject({
        Bucket: bucket,
        Key: `${prefix}${location}`,
        CopySource: `${bucket}/${uploadKey(id)}`
          .split('/')
          .map((part) => encodeURIComponent(part))
          .join('/'),
      });
      return where(location);
    },
    async put(location, bytes) {
      await client.putObject({
        Bucket: bucket,
        Key: `${prefix}${location}`,
        Body: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
      });
    },
    async ping() {
      await client.headBucket({ Bucket: bucket });
    },
  };
}
