/**
 * Upload queue lab: drives @dualrec/upload's UploadQueue as the SDK does (a sealed bundle queued
 * in IndexedDB, then drained over tus) and exposes it to upload-queue.spec.ts. The endpoint is
 * this page's own origin: the spec forwards /v1/uploads/ to the lender server it started.
 */
import { type DrainResult, type QueuedBundle, UploadQueue } from '@dualrec/upload';

const QUEUE_NAME = 'dualrec-upload-lab';

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export interface UploadLab {
  queueBundle(job: { sessionId: string; ticket: string; sha256: string; base64: string }): Promise<void>;
  queued(): Promise<Omit<QueuedBundle, 'bundle'>[]>;
  drain(chunkSize: number): Promise<(DrainResult & { error?: unknown })[]>;
}

const lab: UploadLab = {
  async queueBundle({ sessionId, ticket, sha256, base64 }) {
    const queue = await UploadQueue.open({ name: QUEUE_NAME });
    try {
      await queue.add({
        sessionId,
        ticket,
        sha256,
        endpoint: new URL('/v1/uploads/', location.href).href,
        bundle: new Blob([fromBase64(base64)], { type: 'application/zip' }),
      });
    } finally {
      queue.close();
    }
  },
  async queued() {
    const queue = await UploadQueue.open({ name: QUEUE_NAME });
    try {
      return (await queue.list()).map(({ bundle: _bundle, ...rest }) => rest);
    } finally {
      queue.close();
    }
  },
  async drain(chunkSize) {
    const queue = await UploadQueue.open({ name: QUEUE_NAME });
    try {
      const results = await queue.drain({ chunkSize, retryDelays: [100, 300] });
      // DualrecError does not survive structured cloning as such; its code and detail do.
      return results.map((r) =>
        r.status === 'failed' ? { ...r, error: { code: r.error.code, detail: r.error.detail } } : r,
      ) as (DrainResult & { error?: unknown })[];
    } finally {
      queue.close();
    }
  },
};

(window as unknown as { lab: UploadLab }).lab = lab;
document.body.dataset.ready = 'true';
