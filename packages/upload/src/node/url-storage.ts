/**
 * Node: where resumable upload URLs are remembered between runs (a JSON file, locked while
 * written — tus-js-client's FileUrlStorage, which its node build exports but does not type).
 */
import * as tus from 'tus-js-client';

export function fileUrlStorage(path: string): tus.UrlStorage {
  const { FileUrlStorage } = tus as unknown as { FileUrlStorage?: new (path: string) => tus.UrlStorage };
  if (!FileUrlStorage) throw new Error('FileUrlStorage is only available in node');
  return new FileUrlStorage(path);
}
