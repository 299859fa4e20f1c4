import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ModelDockError, toErrorInfo } from '../../shared/errors';
import type { Engine } from '../engine/engine';
import { allowedHostsFor, checkRequest, type GuardConfig } from './request-guard';
import { resolveStaticFile, sendFile } from './static-files';
import { DEFAULT_UPLOAD_LIMIT, receiveUpload } from './upload';
import { attachSession } from './ws-session';

/**
 * Web mode: the renderer served on loopback, talking to the engine over one WebSocket (the same contract the
 * Electron IPC carries). See request-guard.ts for who may connect. HTTP API errors answer with an ErrorInfo
 * object as the JSON body.
 */
export interface WebServerOptions {
  engine: Engine;
  host?: string;
  port?: number;
  staticDir: string;
  /** Largest accepted upload in bytes (default 8 GB). */
  uploadLimit?: number;
}

export interface WebServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const WS_PATH = '/api/ws';
const UPLOAD_PATH = '/api/upload';

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!fs.existsSync(opts.staticDir)) {
    throw new ModelDockError({
      code: 'ui-not-built',
      title: 'The web UI is not built',
      message: `${opts.staticDir} does not exist.`,
      fix: 'Run `npm run build` in the ModelDock folder, then try again.',
    });
  }
  const token = randomBytes(32).toString('hex');
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 });
  let guard: GuardConfig | null = null;
  let headers: Record<string, string> = {};

  server.on('request', (req, res) => {
    if (!guard) return void res.writeHead(503).end();
    handleRequest(req, res, guard, headers, opts).catch((error) => {
      if (!res.headersSent) sendJson(res, 500, toErrorInfo(error));
      else res.destroy();
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!guard) return reject(503, 'Service Unavailable');
    if (pathOf(req.url) !== WS_PATH) return reject(404, 'Not Found');
    const verdict = checkRequest(req, guard);
    if (!verdict.ok) return reject(verdict.status, verdict.status === 401 ? 'Unauthorized' : 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => attachSession(ws, opts.engine));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new ModelDockError({
        code: 'port-unavailable',
        title: 'Cannot start web mode',
        message: error.code === 'EADDRINUSE'
          ? `Port ${opts.port} on ${host} is already in use.`
          : `Listening on ${host}:${opts.port ?? 0} failed (${error.code ?? error.message}).`,
        fix: 'Pick another port with --port, or leave it out to get a free one.',
      }));
    });
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  guard = { token, port, allowedHosts: allowedHostsFor(host, port), cookieName: `modeldock_token_${port}` };
  headers = securityHeaders(host, port);
  const urlHost = guard.allowedHosts ? (host.includes(':') ? `[${host}]` : host) : '127.0.0.1';

  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    token,
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function handleRequest(
  req: http.IncomingMessage, res: http.ServerResponse, guard: GuardConfig, headers: Record<string, string>, opts: WebServerOptions,
): Promise<void> {
  const verdict = checkRequest(req, guard);
  if (!verdict.ok) {
    res.writeHead(verdict.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(verdict.status === 401
      ? 'ModelDock web mode: open the link that `modeldock ui` printed; it carries the access token.\n'
      : `ModelDock web mode: ${verdict.reason}\n`);
    return;
  }
  const url = new URL(req.url ?? '/', 'http://x');
  if (verdict.viaQuery) {
    // Trade the token in the address for a cookie the page's own requests carry, then drop it from the address
    // bar (and from history) with a redirect.
    res.setHeader('Set-Cookie', `${guard.cookieName}=${guard.token}; HttpOnly; SameSite=Strict; Path=/`);
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname.endsWith('.html'))) {
      url.searchParams.delete('token');
      res.writeHead(303, { ...headers, Location: url.pathname + url.search });
      res.end();
      return;
    }
  }

  if (url.pathname === UPLOAD_PATH) {
    if (req.method !== 'POST') return sendJson(res, 405, { code: 'method', title: 'Use POST', message: 'Uploads are POST requests.' }, headers);
    const name = url.searchParams.get('name') ?? 'upload.bin';
    try {
      const file = await receiveUpload(req, opts.engine.services.dataDir, name, opts.uploadLimit ?? DEFAULT_UPLOAD_LIMIT);
      return sendJson(res, 200, { path: file }, headers);
    } catch (error) {
      const info = toErrorInfo(error);
      res.setHeader('Connection', 'close');
      return sendJson(res, info.code === 'upload-too-large' ? 413 : 400, info, headers);
    }
  }
  if (url.pathname.startsWith('/api/')) {
    return sendJson(res, 404, { code: 'not-found', title: 'Not found', message: `No API at ${url.pathname}.` }, headers);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
    return;
  }
  const file = resolveStaticFile(opts.staticDir, url.pathname);
  if (!file) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  sendFile(res, file, headers);
}

function securityHeaders(host: string, port: number): Record<string, string> {
  const wsHosts = [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`];
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '0.0.0.0' && host !== '::') {
    wsHosts.push(`ws://${host.includes(':') ? `[${host}]` : host}:${port}`);
  }
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      `connect-src 'self' ${wsHosts.join(' ')}`,
      "img-src 'self' data: blob:",
      "style-src 'self' 'unsafe-inline'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://x').pathname;
  } catch {
    return '';
  }
}
