import type { WebSocket } from 'ws';
import { isCallName } from '../../shared/call-names';
import { toErrorInfo, type ErrorInfo } from '../../shared/errors';
import type { CallResult, ClientMessage, ServerMessage } from '../../shared/rpc';
import type { Engine } from '../engine/engine';

/**
 * One browser tab's WebSocket: each "call" message runs through engine.call (which validates the request against
 * the contract), progress events and the result go back tagged with the caller's id, "cancel" aborts one call,
 * and a closed socket aborts all of its calls so no work outlives the tab.
 */
const MAX_CALL_ID = 128;
const MAX_IN_FLIGHT = 64;

export function attachSession(ws: WebSocket, engine: Engine): void {
  const running = new Map<string, AbortController>();

  const send = (message: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      if (message.type !== 'result') return;
      text = JSON.stringify({ type: 'result', callId: message.callId, result: { ok: false, error: toErrorInfo(error) } });
    }
    ws.send(text);
  };
  const fail = (callId: string, error: ErrorInfo) => send({ type: 'result', callId, result: { ok: false, error } });

  ws.on('message', (data, isBinary) => {
    if (isBinary) return fail('', badMessage('Binary messages are not part of the protocol.'));
    const parsed = parseClientMessage(data.toString());
    if ('error' in parsed) return fail(parsed.callId ?? '', badMessage(parsed.error));
    const message = parsed.message;

    if (message.type === 'cancel') {
      running.get(message.callId)?.abort();
      return;
    }
    if (running.has(message.callId)) return fail(message.callId, badMessage(`Call id ${message.callId} is already running.`));
    if (running.size >= MAX_IN_FLIGHT) return fail(message.callId, badMessage('Too many calls at once.'));
    const name = message.name;
    if (!isCallName(name)) {
      return fail(message.callId, { code: 'unknown-call', title: 'Unknown call', message: `There is no call named "${name}".` });
    }
    const controller = new AbortController();
    running.set(message.callId, controller);
    engine.call(name, message.request, {
      signal: controller.signal,
      onProgress: (event: unknown) => send({ type: 'progress', callId: message.callId, event }),
    }).then(
      (result: CallResult) => send({ type: 'result', callId: message.callId, result }),
      (error: unknown) => fail(message.callId, toErrorInfo(error)),
    ).finally(() => running.delete(message.callId));
  });

  ws.on('close', () => {
    for (const controller of running.values()) controller.abort();
    running.clear();
  });
  ws.on('error', () => ws.terminate());
}

type Parsed = { message: ClientMessage } | { error: string; callId?: string };

export function parseClientMessage(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'The message is not JSON.' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'The message must be a JSON object.' };
  const m = value as Record<string, unknown>;
  const callId = typeof m.callId === 'string' && m.callId.length > 0 && m.callId.length <= MAX_CALL_ID ? m.callId : null;
  if (!callId) return { error: 'callId must be a non-empty string of at most 128 characters.' };
  if (m.type === 'cancel') return { message: { type: 'cancel', callId } };
  if (m.type === 'call') {
    if (typeof m.name !== 'string') return { error: 'A call needs a name.', callId };
    return { message: { type: 'call', callId, name: m.name, request: m.request } };
  }
  return { error: 'type must be "call" or "cancel".', callId };
}

function badMessage(message: string): ErrorInfo {
  return { code: 'bad-message', title: 'Invalid message', message, fix: 'This is a bug in the web client; reload the page.' };
}
