import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * A connection the fast lane has read from, handed to node:http whole: the bytes already read come first, then the
 * rest of the socket's. node:http reads any Duplex; this one passes writes, timeouts and closing to the socket.
 * Only connections the fast lane does not take pay for this extra stream (see fast-lane.ts).
 */
export class ReplaySocket extends Duplex {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  private prefix: Buffer | null;

  constructor(private readonly socket: Socket, prefix: Buffer) {
    super({ allowHalfOpen: true });
    this.prefix = prefix.length ? prefix : null;
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    if (this.prefix) {
      const prefix = this.prefix;
      this.prefix = null;
      this.push(prefix);
    }
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, encoding, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    this.socket.cork();
    for (let i = 0; i < chunks.length - 1; i++) this.socket.write(chunks[i].chunk, chunks[i].encoding);
    this.socket.write(chunks[chunks.length - 1].chunk, chunks[chunks.length - 1].encoding, callback);
    this.socket.uncork();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }

  setTimeout(ms: number, onTimeout?: () => void): this {
    this.socket.setTimeout(ms, onTimeout);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }
}
