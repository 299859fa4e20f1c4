import * as fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import * as path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file under `root` that a URL path names, or null when it is not there or would leave `root` (by "..",
 * an encoded separator, or a symlink).
 */
export function resolveStaticFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const realRoot = fs.realpathSync(root);
  const candidate = path.resolve(realRoot, relative);
  if (!inside(realRoot, candidate)) return null;
  try {
    const real = fs.realpathSync(candidate);
    if (!inside(realRoot, real) || !fs.statSync(real).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}

export function sendFile(res: ServerResponse, file: string, headers: Record<string, string>): void {
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const stat = fs.statSync(file);
  res.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Length': String(stat.size),
    'Cache-Control': file.endsWith('.html') ? 'no-store' : 'no-cache',
  });
  fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

function inside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}
