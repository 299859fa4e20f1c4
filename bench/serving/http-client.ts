/**
 * Plain node:http client helpers for the benchmark's checks (not its load): one request with a time limit, a
 * bounded poll until a URL answers, a free loopback port, a process's RSS, and the soak that sends exactly N
 * requests with a fixed number in flight and counts wrong answers.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { Payload } from './wrk';

export interface Answer {
  status: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

export function request(baseUrl: string, payload: Payload, timeoutMs = 10_000, agent?: http.Agent): Promise<Answer> {
  const url = new URL(payload.path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: payload.method,
      headers: { ...payload.headers, 'Content-Length': String(payload.body.length) },
      agent,
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.pathname} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload.body);
  });
}

export async function waitForHttp(baseUrl: string, path: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`server exited before answering ${path}`);
    try {
      const answer = await request(baseUrl, { label: 'probe', method: 'GET', path, headers: {}, body: Buffer.alloc(0) }, 2000);
      if (answer.status === 200) return;
      lastError = `status ${answer.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${baseUrl}${path} did not answer 200 within ${timeoutMs} ms (${lastError})`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS). */
export function rssMB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

export interface SoakResult {
  sent: number;
  ok: number;
  wrong: number;
  failed: number;
  seconds: number;
}

/**
 * Sends exactly `total` requests (payloads in rotation), `inFlight` at a time over keep-alive connections; an answer
 * is right when its status is 200 and check(body) holds. Bounded by count and by timeoutMs.
 */
export async function soak(baseUrl: string, payloads: Array<{ payload: Payload; check: (body: Buffer) => boolean }>, total: number, inFlight: number, timeoutMs: number): Promise<SoakResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const result: SoakResult = { sent: 0, ok: 0, wrong: 0, failed: 0, seconds: 0 };
  const start = performance.now();
  const deadline = start + timeoutMs;
  let next = 0;
  const lane = async () => {
    while (next < total && performance.now() < deadline) {
      const { payload, check } = payloads[next % payloads.length];
      next++;
      result.sent++;
      try {
        const answer = await request(baseUrl, payload, 10_000, agent);
        if (answer.status === 200 && check(answer.body)) result.ok++;
        else result.wrong++;
      } catch {
        result.failed++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, lane));
  } finally {
    agent.destroy();
  }
  result.seconds = (performance.now() - start) / 1000;
  return result;
}
