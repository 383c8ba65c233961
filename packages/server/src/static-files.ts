/**
 * Serves the lender's H5 page and the self-hosted dualrec assets from folders (the demo and small
 * deployments; a large one puts a CDN or nginx in front). Small on purpose: GET/HEAD of files
 * under a root, no directory listings, no path escaping the root, a content type for every file
 * the SDK ships (wasm must be application/wasm for streaming compilation).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

export interface StaticMount {
  /** URL prefix, e.g. "/" or "/dualrec-assets". */
  prefix: string;
  dir: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.gz': 'application/gzip',
  '.onnx': 'application/octet-stream',
  '.task': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Resolves a request path inside a mount, or null when it is not under the mount or escapes it. */
export function resolveStatic(mount: StaticMount, pathname: string): string | null {
  const prefix = mount.prefix.endsWith('/') ? mount.prefix : `${mount.prefix}/`;
  if (pathname !== mount.prefix && !pathname.startsWith(prefix)) return null;
  let rest: string;
  try {
    rest = decodeURIComponent(pathname.slice(prefix.length - 1));
  } catch {
    return null;
  }
  if (rest.includes('\0')) return null;
  const root = resolve(mount.dir);
  const file = resolve(root, `.${normalize(`/${rest}`)}`);
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

/** Serves the request from the first mount that has the file; false when none does. */
export async function serveStatic(
  mounts: readonly StaticMount[],
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  headers: Record<string, string>,
): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  for (const mount of mounts) {
    let file = resolveStatic(mount, pathname);
    if (!file) continue;
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) continue;
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': info.size,
      // Hashed build output and versioned assets could be cached for long; HTML must not be.
      'cache-control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  }
  return false;
}
