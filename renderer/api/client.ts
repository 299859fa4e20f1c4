import type { MenuCommand } from '../../shared/bridge';
import { contract, type CallName, type Progress, type Request, type Response } from '../../shared/contract';
import { newCallId } from '../../shared/rpc';
import { ApiError } from './api-error';
import { electronTransport } from './electron-transport';
import type { Transport } from './transport';
import { webTransport, type ConnectionState } from './web-transport';

export interface CallOptions<N extends CallName> {
  onProgress?: (event: Progress<N>) => void;
  signal?: AbortSignal;
}

const checkResponses = process.env.NODE_ENV !== 'production';
const connectionListeners = new Set<(state: ConnectionState) => void>();
let connectionState: ConnectionState = 'connecting';

const transport: Transport = window.modeldock
  ? electronTransport(window.modeldock)
  : webTransport((state) => {
    connectionState = state;
    for (const listener of connectionListeners) listener(state);
  });

/**
 * The renderer's only way to the engine, typed by the contract: `api.call(name, request, { onProgress, signal })`
 * resolves with the typed response or throws an ApiError carrying the engine's ErrorInfo.
 */
export const api = {
  transportKind: transport.kind,

  async call<N extends CallName>(name: N, request: Request<N>, options: CallOptions<N> = {}): Promise<Response<N>> {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw new ApiError({ code: 'cancelled', title: 'Cancelled', message: 'The operation was cancelled.' });
    const callId = newCallId();
    const onAbort = () => transport.cancel(callId);
    signal?.addEventListener('abort', onAbort);
    try {
      const result = await transport.call(callId, name, request, (event) => onProgress?.(event as Progress<N>));
      if (!result.ok) throw new ApiError(result.error);
      if (checkResponses) checkResponse(name, result.value);
      return result.value as Response<N>;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  },

  pathForFile(file: File, onProgress?: (fraction: number) => void): Promise<string> {
    return transport.pathForFile(file, onProgress);
  },

  /** Commands from the desktop app's menu; a no-op subscription in web mode, which has no menu. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void {
    return transport.onMenuCommand?.(listener) ?? (() => {});
  },

  onConnection(listener: (state: ConnectionState) => void): () => void {
    connectionListeners.add(listener);
    listener(connectionState);
    return () => connectionListeners.delete(listener);
  },
};

/** In development a response that drifts from the contract fails loudly here instead of deep inside a screen. */
function checkResponse(name: CallName, value: unknown): void {
  const parsed = contract[name].response.safeParse(value);
  if (parsed.success) return;
  const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  console.error(`[modeldock] ${name} response does not match the contract`, parsed.error.issues);
  throw new ApiError({
    code: 'contract-mismatch',
    title: 'The engine answered in an unexpected shape',
    message: `The ${name} response does not match the contract (${where}).`,
    fix: 'This is a bug in ModelDock; please report it with the details below.',
    detail: JSON.stringify(parsed.error.issues, null, 2),
  });
}
