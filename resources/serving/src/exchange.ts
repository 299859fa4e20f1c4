import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http-body';

/**
 * One request and its answer, as the model server sees it, whichever HTTP reader carried it: the fast lane
 * (fast-lane.ts) for plain HTTP/1.1 requests, or node:http for everything else (nodeExchange below).
 */
export interface HttpExchange {
  readonly method: string;
  /** The request target as sent ("/predict?x=1"). */
  readonly url: string;
  /** Lower-case names. */
  readonly headers: IncomingHttpHeaders;
  /**
   * The whole body, refused with 413 (HttpError) past `limitBytes`. `alignAt`: the byte that must land on an 8-byte
   * boundary of a buffer of its own (V2 binary tensor data; see http-body's concatAligned).
   */
  readBody(limitBytes: number, alignAt?: number): Promise<Buffer>;
  /** Writes the answer (for HEAD, without its body); does nothing once the client has gone. */
  send(status: number, headers: Record<string, string | string[]>, body: string | Buffer): void;
  /** Body bytes the client has still to send. */
  readonly bodyPending: boolean;
  /** Reads and drops the rest of the body; `then` runs once it is all in, or the connection failed. */
  skipBody(then: () => void): void;
  /**
   * `fn` runs once the exchange is over: `answered` is true once the answer was handed to the kernel, false when
   * the client went away first.
   */
  onEnd(fn: (answered: boolean) => void): void;
}

/** A request node:http read, and its answer. */
export class NodeExchange implements HttpExchange {
  constructor(private readonly req: IncomingMessage, private readonly res: ServerResponse) {}

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get url(): string {
    return this.req.url ?? '/';
  }

  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }

  readBody(limitBytes: number, alignAt?: number): Promise<Buffer> {
    return readBody(this.req, limitBytes, alignAt);
  }

  send(status: number, headers: Record<string, string | string[]>, body: string | Buffer): void {
    const res = this.res;
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, headers);
    res.end(body);
  }

  get bodyPending(): boolean {
    return !this.req.complete && !this.req.destroyed;
  }

  skipBody(then: () => void): void {
    this.req.once('end', then);
    this.req.once('error', then);
    this.req.resume();
  }

  // A response emits 'close' once: after 'finish' (the answer reached the kernel) or when the client hangs up.
  onEnd(fn: (answered: boolean) => void): void {
    const res = this.res;
    res.on('close', () => fn(res.writableFinished));
  }
}
