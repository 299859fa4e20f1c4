import type { ErrorInfo } from './errors';

/**
 * Envelopes every transport uses. A call has an id chosen by the caller, so progress events and cancellation can
 * refer to it; the result is either a value or an ErrorInfo (errors are values, never thrown across a boundary).
 */
export type CallResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export interface ProgressEnvelope {
  callId: string;
  event: unknown;
}

/** Web mode's WebSocket messages. */
export type ClientMessage =
  | { type: 'call'; callId: string; name: string; request: unknown }
  | { type: 'cancel'; callId: string };

export type ServerMessage =
  | { type: 'progress'; callId: string; event: unknown }
  | { type: 'result'; callId: string; result: CallResult };

export function newCallId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
