/**
 * A Vite plugin that serves the folder written by `dualrec assets` under a URL prefix, the way a
 * lender's static server would, with the MIME types MediaPipe and tesseract.js need
 * (`application/wasm` enables streaming compilation).
 */
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Connect, Plugin } from 'vite';

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.task': 'application/octet-stream',
  '.gz': 'application/octet-stream',
};

export function serveAssets(prefix: string, folder: string): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(`${prefix}/`)) return next();
    const relative = normalize(decodeURIComponent(url.pathname.slice(prefix.length + 1)));
    const file = join(folder, relative);
    if (relative.startsWith('..') || !file.startsWith(folder + sep)) {
      res.statusCode = 403;
      res.end();
      return;
    }
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(size));
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    createReadStream(file).pipe(res);
  };
  return {
    name: 'dualrec-serve-assets',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
