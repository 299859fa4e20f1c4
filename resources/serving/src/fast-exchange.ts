import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpExchange } from './exchange';
import { alignedBuffer, bodyCutShort, bodyTooLarge, concatAligned } from './http-body';
import type { RequestHead } from './http1-head';
import { asksToClose, responseHead } from './response-head';

/** What an exchange needs from its connection (fast-connection.ts). */
export interface ExchangeConnection {
  readonly socket: Socket;
  /** The connection is ending: nothing more is written. */
  readonly closed: boolean;
  readonly keepAliveSeconds: number;
  /** The exchange is answered and its body all read. */
  finished(exchange: FastExchange): void;
  pauseReading(): void;
  resumeReading(): void;
  closeAfterWrites(): void;
}

/** Body bytes kept for a request whose handler has not asked for them yet (it may be waiting for body budget). */
const HELD_BODY_BYTES = 64 * 1024;
/** Answers up to this size go out as one buffer; larger ones as two writes in one writev. */
const JOIN_BYTES = 16 * 1024;

interface BodyReader {
  body: Buffer;
  at: number;
  resolve: (body: Buffer) => void;
  reject: (error: Error) => void;
}

/** A request read by the fast lane, and its answer. */
export class FastExchange implements HttpExchange {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly startedAt = performance.now();
  /** Body bytes still to come from the socket. */
  bodyLeft: number;
  answered = false;
  /** Body bytes in hand before the handler asked for the body. */
  private parts: Buffer[] | null;
  private held: number;
  private reader: BodyReader | null = null;
  private bodyTaken = false;
  private skipped: (() => void) | null = null;
  private continued = false;
  private ended: ((answered: boolean) => void) | null = null;
  private over = false;

  constructor(private readonly connection: ExchangeConnection, private readonly head: RequestHead, first: Buffer) {
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.bodyLeft = head.contentLength - first.length;
    this.parts = first.length ? [first] : [];
    this.held = first.length;
  }

  get bodyPending(): boolean {
    return this.bodyLeft > 0 && !this.over;
  }

  readBody(limitBytes: number, alignAt?: number): Promise<Buffer> {
    if (this.bodyTaken) return Promise.reject(new Error('The request body was already read.'));
    this.bodyTaken = true;
    const length = this.head.contentLength;
    const parts = this.parts ?? [];
    this.parts = null;
    if (length > limitBytes) return Promise.reject(bodyTooLarge(limitBytes));
    if (this.over && this.bodyLeft > 0) return Promise.reject(bodyCutShort());
    if (this.bodyLeft === 0) {
      if (alignAt !== undefined) return Promise.resolve(concatAligned(parts, length, alignAt));
      return Promise.resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts, length));
    }
    if (this.head.expectContinue && !this.continued) {
      this.continued = true;
      this.connection.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    }
    return new Promise<Buffer>((resolve, reject) => {
      const body = alignAt !== undefined ? alignedBuffer(length, alignAt) : Buffer.allocUnsafe(length);
      let at = 0;
      for (const part of parts) {
        body.set(part, at);
        at += part.length;
      }
      this.reader = { body, at, resolve, reject };
      this.connection.resumeReading();
    });
  }

  /** Takes the body's bytes from a chunk read; returns what is left of the chunk (the next request), or null. */
  receive(chunk: Buffer): Buffer | null {
    const n = Math.min(chunk.length, this.bodyLeft);
    this.bodyLeft -= n;
    const part = n === chunk.length ? chunk : chunk.subarray(0, n);
    const reader = this.reader;
    if (reader) {
      reader.body.set(part, reader.at);
      reader.at += n;
    } else if (this.parts) {
      this.parts.push(part);
      this.held += n;
      if (this.held > HELD_BODY_BYTES) this.connection.pauseReading();
    }
    if (this.bodyLeft === 0) this.bodyDone();
    return n < chunk.length ? chunk.subarray(n) : null;
  }

  private bodyDone(): void {
    const reader = this.reader;
    this.reader = null;
    reader?.resolve(reader.body);
    this.runSkipped();
    if (this.answered) this.connection.finished(this);
  }

  skipBody(then: () => void): void {
    this.dropBody();
    if (!this.bodyPending) then();
    else this.skipped = then;
  }

  private runSkipped(): void {
    const then = this.skipped;
    this.skipped = null;
    then?.();
  }

  /** The body is not wanted: what arrives of it is dropped, and reading goes on (to the next request). */
  private dropBody(): void {
    this.parts = null;
    this.held = 0;
    this.connection.resumeReading();
  }

  send(status: number, headers: Record<string, string | string[]>, body: string | Buffer): void {
    if (this.answered || this.over || this.connection.closed) return;
    const close = this.head.close || asksToClose(headers);
    const socket = this.connection.socket;
    let head: string;
    try {
      head = responseHead(status, headers, close, this.connection.keepAliveSeconds);
    } catch (error) {
      // No answer can be written: end the connection rather than leave the client waiting on it.
      socket.destroy();
      throw error;
    }
    this.answered = true;
    if (this.method === 'HEAD' || body.length === 0) socket.write(head, 'latin1');
    else if (typeof body === 'string') socket.write(head + body);
    else if (body.length <= JOIN_BYTES) socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    else {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(body);
      socket.uncork();
    }
    if (close) this.connection.closeAfterWrites();
    if (this.bodyLeft > 0 && !this.reader) this.dropBody();
    this.end(true);
    if (this.bodyLeft === 0) this.connection.finished(this);
  }

  onEnd(fn: (answered: boolean) => void): void {
    this.ended = fn;
  }

  private end(answered: boolean): void {
    if (this.over) return;
    this.over = true;
    this.ended?.(answered);
  }

  /** The client went away: whatever is waiting on the body gives up, and the exchange ends unanswered. */
  connectionLost(): void {
    const reader = this.reader;
    this.reader = null;
    reader?.reject(bodyCutShort());
    this.runSkipped();
    this.end(this.answered);
  }
}
