import type { Socket } from 'node:net';
import type { HttpExchange } from './exchange';
import { FastExchange, type ExchangeConnection } from './fast-exchange';
import { couldBeHead, MAX_HEAD_BYTES, parseRequestHead } from './http1-head';
import { responseHead } from './response-head';

/** node:http's timeouts, as the fast lane keeps them (see FastLane.sweep). */
export interface LaneTimeouts {
  /** From the first byte of a request head to its end. */
  headersMs: number;
  /** From the start of a request to the last byte of its body. */
  requestMs: number;
  /** How long a connection may sit idle between requests. */
  keepAliveMs: number;
}

/** What a connection needs from its lane. */
export interface LaneHost {
  readonly timeouts: LaneTimeouts;
  dispatch(exchange: HttpExchange): void;
  /** Gives the connection to node:http, with the bytes read and not yet used. */
  handOff(socket: Socket, unread: Buffer): void;
  forget(connection: FastConnection): void;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
/** Bytes of pipelined requests kept while an earlier one is answered. */
const HELD_PIPELINE_BYTES = 64 * 1024;
/**
 * A head that arrives in more pieces than this goes to node:http, whose parser reads incrementally: each piece here
 * re-reads the head so far, and a client sending a byte at a time should not cost more than it does there.
 */
const MAX_HEAD_PIECES = 32;

/**
 * One keep-alive connection in the fast lane: reads request heads (http1-head.ts), frames bodies by Content-Length,
 * answers requests in order, and hands the connection to node:http the moment a request is not one it takes.
 */
export class FastConnection implements ExchangeConnection {
  /** Bytes read and not yet used: the start of the next request. */
  private pending: Buffer | null = null;
  private exchange: FastExchange | null = null;
  private parsing = false;
  /** When the head being read began to arrive; 0 when none is. */
  private headSince = 0;
  /** How many reads the head being read came in. */
  private headPieces = 0;
  private lastActive = performance.now();
  /** The last answer closes the connection: no further request is read. */
  private closing = false;

  constructor(readonly socket: Socket, private readonly host: LaneHost) {
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('end', this.onPeerEnd);
    socket.on('error', ignore);
    socket.on('close', this.onClose);
  }

  /** Nothing more is written: the connection is ending (a closing answer, a timeout, or shutdown). */
  get closed(): boolean {
    return this.closing;
  }

  get keepAliveSeconds(): number {
    return Math.round(this.host.timeouts.keepAliveMs / 1000);
  }

  private readonly onData = (data: Buffer): void => {
    // The connection is ending: what else the client sends is not read.
    if (this.closing) return;
    this.lastActive = performance.now();
    let chunk: Buffer | null = data;
    const exchange = this.exchange;
    if (exchange && exchange.bodyLeft > 0) chunk = exchange.receive(chunk);
    if (!chunk) return;
    this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.exchange) {
      if (this.pending.length > HELD_PIPELINE_BYTES) this.socket.pause();
      return;
    }
    this.parse();
  };

  private parse(): void {
    // An answer given synchronously from dispatch() comes back here through finished(): the loop below goes on.
    if (this.parsing) return;
    this.parsing = true;
    try {
      while (!this.exchange && this.pending && !this.closing) {
        const buffer = this.pending;
        const end = buffer.indexOf(HEAD_END);
        if (end < 0 || end > MAX_HEAD_BYTES) {
          const tooLong = end > MAX_HEAD_BYTES || buffer.length > MAX_HEAD_BYTES + HEAD_END.length;
          if (tooLong || ++this.headPieces > MAX_HEAD_PIECES || !couldBeHead(buffer.toString('latin1'))) this.handOff();
          else if (this.headSince === 0) this.headSince = this.lastActive;
          return;
        }
        const head = parseRequestHead(buffer.toString('latin1', 0, end));
        if (!head) {
          this.handOff();
          return;
        }
        this.headSince = 0;
        this.headPieces = 0;
        const start = end + HEAD_END.length;
        const inHand = Math.min(head.contentLength, buffer.length - start);
        this.pending = start + inHand < buffer.length ? buffer.subarray(start + inHand) : null;
        const exchange = new FastExchange(this, head, inHand > 0 ? buffer.subarray(start, start + inHand) : EMPTY);
        this.exchange = exchange;
        this.host.dispatch(exchange);
      }
    } finally {
      this.parsing = false;
    }
  }

  /** The exchange is answered and its body all read: the next request may be read. */
  finished(exchange: FastExchange): void {
    if (this.exchange !== exchange) return;
    this.exchange = null;
    this.lastActive = performance.now();
    this.readNext();
  }

  /**
   * Goes on to the next request, once the answers written so far have drained: a client that pipelines requests
   * without reading the answers is not read further, as in node:http, so they do not pile up in memory.
   */
  private readonly readNext = (): void => {
    if (this.closing || this.exchange) return;
    if (this.socket.writableNeedDrain) {
      this.socket.pause();
      this.socket.once('drain', this.readNext);
      return;
    }
    if (this.socket.isPaused()) this.socket.resume();
    this.parse();
  };

  private handOff(): void {
    const unread = this.pending ?? EMPTY;
    this.pending = null;
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onPeerEnd);
    this.socket.off('error', ignore);
    this.socket.off('close', this.onClose);
    this.host.forget(this);
    this.host.handOff(this.socket, unread);
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    if (this.socket.isPaused() && !(this.pending && this.pending.length > HELD_PIPELINE_BYTES)) this.socket.resume();
  }

  /** Ends the connection once what was written has been flushed. */
  closeAfterWrites(): void {
    this.closing = true;
    this.socket.end(() => this.socket.destroy());
  }

  private readonly onPeerEnd = (): void => {
    // As node:http does (httpAllowHalfOpen off): a client that closes its side has given up on what it asked.
    this.exchange?.connectionLost();
    this.pending = null;
    this.closeAfterWrites();
  };

  private readonly onClose = (): void => {
    this.host.forget(this);
    this.exchange?.connectionLost();
  };

  /** node:http's checks, run by the lane every second: slow heads and bodies get 408, idle connections close. */
  sweep(now: number): void {
    const { headersMs, requestMs, keepAliveMs } = this.host.timeouts;
    const exchange = this.exchange;
    if (exchange) {
      if (exchange.bodyLeft > 0 && now - exchange.startedAt > requestMs) this.timeOut(!exchange.answered);
    } else if (this.headSince > 0 && now - this.headSince > headersMs) {
      this.timeOut(true);
    } else if (!this.pending && now - this.lastActive > keepAliveMs) {
      this.socket.destroy();
    }
  }

  /** For shutdown: closes the connection if no request is being read or answered on it. */
  closeIfIdle(): void {
    if (!this.exchange && !this.pending) this.socket.destroy();
  }

  private timeOut(answer: boolean): void {
    if (answer) {
      const body = JSON.stringify({ error: 'The request was not received in time; send it again without pausing.' });
      this.socket.write(responseHead(408, { 'Content-Type': 'application/json', 'Content-Length': String(body.length) }, true, 0) + body);
    }
    this.pending = null;
    this.closeAfterWrites();
  }
}

function ignore(): void {}
