import type { CallResult, ClientMessage, ServerMessage } from '../../shared/rpc';
import { lostConnectionInfo } from './api-error';
import type { Transport } from './transport';
import { uploadFile } from './upload';

interface Pending {
  resolve: (result: CallResult) => void;
  onProgress: (event: unknown) => void;
}

export type ConnectionState = 'connecting' | 'open' | 'lost';

/**
 * Web mode: one WebSocket to /api/ws on the page's own origin (the HttpOnly cookie set on first load carries the
 * token). When the socket drops, calls in flight fail with a plain "lost connection" error (their results would
 * never arrive) and the socket reconnects with backoff.
 */
export function webTransport(onState?: (state: ConnectionState) => void): Transport {
  const pending = new Map<string, Pending>();
  const queue: ClientMessage[] = [];
  let socket: WebSocket | null = null;
  let attempt = 0;

  function connect(): void {
    onState?.('connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/api/ws`);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      onState?.('open');
      for (const message of queue.splice(0)) ws.send(JSON.stringify(message));
    };
    ws.onmessage = (event) => receive(String(event.data));
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      onState?.('lost');
      failAll();
      attempt += 1;
      const delay = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
      setTimeout(connect, delay);
    };
  }

  function receive(text: string): void {
    let message: ServerMessage;
    try { message = JSON.parse(text) as ServerMessage; } catch { return; }
    const entry = pending.get(message.callId);
    if (!entry) return;
    if (message.type === 'progress') entry.onProgress(message.event);
    else if (message.type === 'result') {
      pending.delete(message.callId);
      entry.resolve(message.result);
    }
  }

  function failAll(): void {
    for (const [id, entry] of pending) {
      pending.delete(id);
      entry.resolve({ ok: false, error: lostConnectionInfo() });
    }
    // Calls queued while disconnected stay queued only until the next failure; drop them so they fail too.
    queue.length = 0;
  }

  function send(message: ClientMessage): void {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    else queue.push(message);
  }

  connect();

  return {
    kind: 'web',
    call(callId, name, request, onProgress) {
      return new Promise<CallResult>((resolve) => {
        pending.set(callId, { resolve, onProgress });
        send({ type: 'call', callId, name, request });
      });
    },
    cancel(callId) {
      if (pending.has(callId)) send({ type: 'cancel', callId });
    },
    pathForFile(file, onProgress) {
      return uploadFile(file, onProgress);
    },
  };
}
