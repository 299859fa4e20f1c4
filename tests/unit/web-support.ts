import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/rpc';

/** Helpers shared by the web-*.test.ts files: a static folder, raw HTTP requests and a WebSocket client. */
export function makeSite(): { root: string; staticDir: string; dataDir: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-web-'));
  const staticDir = path.join(root, 'site');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(staticDir);
  fs.mkdirSync(dataDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ModelDock</title><script src="app.js"></script>');
  fs.writeFileSync(path.join(staticDir, 'app.js'), 'console.log("app")');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET');
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(staticDir, 'link.txt'));
  return { root, staticDir, dataDir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(port: number, opts: { path: string; method?: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: opts.path, method: opts.method ?? 'GET',
      headers: { Host: `127.0.0.1:${port}`, ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Opens a WebSocket; resolves with the socket, or with the HTTP status the upgrade was refused with. */
export function connect(port: number, headers: Record<string, string>, query = ''): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws${query}`, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

/** Collects server messages; `next(pred)` waits for the first matching one. */
export function messages(ws: WebSocket) {
  const seen: ServerMessage[] = [];
  const waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    seen.push(message);
    for (const w of [...waiters]) {
      if (w.pred(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  return {
    seen,
    next(pred: (m: ServerMessage) => boolean, timeoutMs = 10000): Promise<ServerMessage> {
      const already = seen.find(pred);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
        waiters.push({ pred, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      });
    },
  };
}
