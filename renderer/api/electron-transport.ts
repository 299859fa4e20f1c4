import type { CallName } from '../../shared/call-names';
import type { ModelDockBridge } from '../../shared/bridge';
import type { Transport } from './transport';

/** The desktop app: calls go through the narrow preload bridge, one function per contract call. */
export function electronTransport(bridge: ModelDockBridge): Transport {
  const listeners = new Map<string, (event: unknown) => void>();
  bridge.onProgress((callId, event) => listeners.get(callId)?.(event));
  return {
    kind: 'electron',
    async call(callId, name, request, onProgress) {
      listeners.set(callId, onProgress);
      try {
        return await bridge.calls[name as CallName](callId, request);
      } finally {
        listeners.delete(callId);
      }
    },
    cancel(callId) {
      bridge.cancel(callId);
    },
    async pathForFile(file) {
      const path = bridge.pathForFile(file);
      if (!path) throw new Error('The desktop app could not see where this file lives on disk.');
      return path;
    },
    onMenuCommand(listener) {
      return bridge.onMenuCommand?.(listener) ?? (() => {});
    },
  };
}
