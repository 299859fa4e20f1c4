/**
 * HTTP/1.1 on a bare socket, for tests that need what client libraries hide: several requests in one write
 * (pipelining), a head split across packets, odd framing, interim 100 answers, and whether the server closed.
 */
import * as net from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawResult {
  responses: RawResponse[];
  /** The server closed the connection (within the wait). */
  closed: boolean;
}

export interface RawOptions {
  /** Stop once this many final (non-1xx) answers are in. */
  answers: number;
  /** Pieces of the request stream are written this far apart (ms). */
  gapMs?: number;
  /** Give up waiting after this long (ms); what arrived is returned. */
  timeoutMs?: number;
  /** Wait this long after the last answer for the server to close (ms); 0 returns at once. */
  closeWaitMs?: number;
  /** Which final answers (0-based) answer a HEAD request, so carry no body. */
  bodiless?: number[];
}

/** Writes `pieces` to a new connection and reads the answers. Interim (1xx) answers are included. */
export function rawHttp(port: number, pieces: Array<string | Buffer>, options: RawOptions): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let closed = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ responses: parseResponses(data, options.bodiless), closed });
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 5000);
    const finals = () => parseResponses(data, options.bodiless).filter((r) => r.status >= 200).length;
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (finals() >= options.answers) {
        const wait = options.closeWaitMs ?? 0;
        if (wait === 0) finish();
        else setTimeout(finish, wait);
      }
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') return;
      reject(error);
    });
    socket.on('connect', async () => {
      for (let i = 0; i < pieces.length; i++) {
        if (i > 0 && options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
        if (socket.destroyed) return;
        socket.write(pieces[i]);
      }
    });
  });
}

/** The complete answers at the start of `data`, in order. */
export function parseResponses(data: Buffer, bodiless: number[] = []): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  let finals = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const lines = data.toString('latin1', at, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const noBody = status < 200 || bodiless.includes(finals);
    const framed = noBody ? { body: Buffer.alloc(0), next: end + 4 }
      : headers['transfer-encoding'] === 'chunked' ? dechunk(data, end + 4)
        : sized(data, end + 4, Number(headers['content-length'] ?? 0));
    if (!framed) break;
    out.push({ status, headers, body: framed.body });
    if (status >= 200) finals++;
    at = framed.next;
  }
  return out;
}

function sized(data: Buffer, at: number, length: number): { body: Buffer; next: number } | null {
  return at + length > data.length ? null : { body: data.subarray(at, at + length), next: at + length };
}

/** A chunked body starting at `at`, once all of it has arrived. */
function dechunk(data: Buffer, at: number): { body: Buffer; next: number } | null {
  const parts: Buffer[] = [];
  for (;;) {
    const line = data.indexOf('\r\n', at);
    if (line < 0) return null;
    const size = parseInt(data.toString('latin1', at, line), 16);
    if (size === 0) return data.length >= line + 4 ? { body: Buffer.concat(parts), next: line + 4 } : null;
    if (line + 2 + size + 2 > data.length) return null;
    parts.push(data.subarray(line + 2, line + 2 + size));
    at = line + 2 + size + 2;
  }
}

/** A POST with a JSON body, as bytes. */
export function postBytes(path: string, body: string, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}
