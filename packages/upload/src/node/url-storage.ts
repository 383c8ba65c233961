/**
 * Node: where resumable upload URLs are remembered between runs (a JSON file, locked while
 * written — tus-js-client's FileUrlStorage, which its node build exports but does not type).
 */
import * as tus from 'tus-js-client';

/**
 * The file holds each upload's URL and its secret (the upload capability), so it is kept 0600.
 *
 * @example
 * ```ts
 * await uploadBundle({ endpoint, source, sessionId, ticket, urlStorage: fileUrlStorage('bundle.zip.upload-state.json') });
 * ```
 */
export function fileUrlStorage(path: string): tus.UrlStorage {
  const { FileUrlStorage } = tus as unknown as { FileUrlStorage?: new (path: string) => tus.UrlStorage };
  if (!FileUrlStorage) throw new Error('FileUrlStorage is only available in node');
  const inner = new FileUrlStorage(path);
  return {
    findAllUploads: () => inner.findAllUploads(),
    findUploadsByFingerprint: (fingerprint) => inner.findUploadsByFingerprint(fingerprint),
    removeUpload: (key) => inner.removeUpload(key),
    async addUpload(fingerprint, upload) {
      const key = await inner.addUpload(fingerprint, upload);
      // This package builds without node types; the module exists wherever FileUrlStorage does.
      const fs = (await import('node:fs/promises' as string)) as {
        chmod(path: string, mode: number): Promise<void>;
      };
      await fs.chmod(path, 0o600).catch(() => undefined);
      return key;
    },
  };
}
