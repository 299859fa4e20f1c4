import type { CallName } from './call-names';
import type { CallResult } from './rpc';

/**
 * What the Electron preload exposes as `window.modeldock`: one function per contract call (never a generic
 * invoke), a progress subscription that passes plain data (no IPC event object), cancellation, and the path of a
 * dropped file (only the preload can see it). The renderer's IPC transport is the only code that uses it.
 */
export interface ModelDockBridge {
  calls: { [N in CallName]: (callId: string, request: unknown) => Promise<CallResult> };
  onProgress(listener: (callId: string, event: unknown) => void): () => void;
  cancel(callId: string): void;
  pathForFile(file: File): string;
}
