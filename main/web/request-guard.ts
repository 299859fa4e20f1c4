import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

/**
 * Who may talk to web mode. The server listens on loopback, but any web page the user visits can aim requests at
 * 127.0.0.1, so every request must also carry the random token (query or cookie), name our own host (a DNS
 * rebinding attack arrives with the attacker's host name) and, when the browser says where it comes from, come
 * from our own origin.
 */
export interface GuardConfig {
  token: string;
  port: number;
  /** host:port values a browser may use to reach us. null = any (bound to every interface; the token guards). */
  allowedHosts: Set<string> | null;
  cookieName: string;
}

export type GuardVerdict = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

export function allowedHostsFor(host: string, port: number): Set<string> | null {
  if (host === '0.0.0.0' || host === '::' || host === '') return null;
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  hosts.add(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  return hosts;
}

export function checkRequest(req: IncomingMessage, config: GuardConfig): GuardVerdict {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!host || (config.allowedHosts && !config.allowedHosts.has(host))) {
    return { ok: false, status: 403, reason: `Host "${host}" is not this server.` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    return { ok: false, status: 403, reason: `Requests from ${origin} are not allowed.` };
  }
  const fromQuery = tokenFromQuery(req.url ?? '/');
  if (fromQuery !== null && sameToken(fromQuery, config.token)) return { ok: true, viaQuery: true };
  const fromCookie = readCookie(req.headers.cookie, config.cookieName);
  if (fromCookie !== null && sameToken(fromCookie, config.token)) return { ok: true, viaQuery: false };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && sameToken(auth.slice(7).trim(), config.token)) return { ok: true, viaQuery: false };
  return { ok: false, status: 401, reason: 'Missing or wrong access token.' };
}

export function tokenFromQuery(url: string): string | null {
  try {
    return new URL(url, 'http://x').searchParams.get('token');
  } catch {
    return null;
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
