import type * as http from 'node:http';
import type { Socket } from 'node:net';
import type { HttpExchange } from './exchange';
import { FastConnection, type LaneHost, type LaneTimeouts } from './fast-connection';
import { ReplaySocket } from './replay-socket';

/**
 * The fast lane: plain HTTP/1.1 and HTTP/1.0 requests (a Content-Length body or none; what every client library sends
 * for a prediction) are read and answered by a small reader of our own, and everything else is handed, whole, to node:http.
 *
 * Why: on a small model, node:http's own objects per request (IncomingMessage and ServerResponse streams, header
 * objects, event plumbing) cost more than the model. A bare node:http server answers about 70,000 requests a second on
 * this kind of machine; a bare socket reader, about 105,000 (bench/serving: `--only iris`).
 *
 * Why it stays safe: the lane only takes heads whose framing no two parsers could read differently (see
 * http1-head.ts). A chunked body, an Upgrade, a folded or doubled header, an oversized head: the connection
 * goes to node:http with the bytes already read, and llhttp answers or refuses it as before. node:http's timeouts
 * (headers, request, keep-alive) hold in the lane too.
 */
export class FastLane implements LaneHost {
  private readonly connections = new Set<FastConnection>();
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    private readonly server: http.Server,
    readonly timeouts: LaneTimeouts,
    readonly dispatch: (exchange: HttpExchange) => void,
    private readonly nodeConnection: (socket: unknown) => void,
    private readonly handedOff: () => void,
  ) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS).unref();
  }

  /**
   * Puts the lane in front of `server`'s connections. Null (node:http keeps serving everything) if the server does
   * not have node:http's single connection listener to hand connections to.
   */
  static install(server: http.Server, timeouts: LaneTimeouts, dispatch: (exchange: HttpExchange) => void, handedOff: () => void): FastLane | null {
    const listeners = server.listeners('connection');
    if (listeners.length !== 1) return null;
    const nodeConnection = listeners[0] as (socket: unknown) => void;
    server.removeListener('connection', nodeConnection);
    const lane = new FastLane(server, timeouts, dispatch, nodeConnection, handedOff);
    server.on('connection', (socket: Socket) => lane.connections.add(new FastConnection(socket, lane)));
    server.once('close', () => clearInterval(lane.sweeper));
    return lane;
  }

  handOff(socket: Socket, unread: Buffer): void {
    this.handedOff();
    this.nodeConnection.call(this.server, new ReplaySocket(socket, unread));
  }

  forget(connection: FastConnection): void {
    this.connections.delete(connection);
  }

  /** For shutdown, like server.closeIdleConnections(). */
  closeIdleConnections(): void {
    for (const connection of this.connections) connection.closeIfIdle();
  }

  /** For shutdown, like server.closeAllConnections(). */
  closeAllConnections(): void {
    for (const connection of this.connections) connection.socket.destroy();
  }

  get size(): number {
    return this.connections.size;
  }

  private sweep(): void {
    const now = performance.now();
    for (const connection of this.connections) connection.sweep(now);
  }
}

/** How often timeouts are checked (node:http checks every 30 s by default). */
const SWEEP_MS = 1000;
