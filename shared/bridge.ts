import type { CallName } from './call-names';
import type { CallResult } from './rpc';

/**
 * What the application menu asks the window to do, sent on the `modeldock:menu` channel. File > Open Model… and
 * File > Open Recent both send `open-model` with the model's path on disk.
 */
export type MenuCommand = { command: 'open-model'; path: string };

/**
 * What the Electron preload exposes as `window.modeldock`: one function per contract call (never a generic
 * invoke), a progress subscription that passes plain data (no IPC event object), cancellation, the path of a
 * dropped file (only the preload can see it), and the application menu's commands. The renderer's IPC transport
 * is the only code that uses it.
 */
export interface ModelDockBridge {
  calls: { [N in CallName]: (callId: string, request: unknown) => Promise<CallResult> };
  onProgress(listener: (callId: string, event: unknown) => void): () => void;
  cancel(callId: string): void;
  pathForFile(file: File): string;
  /** Optional: a shell without an application menu (an older preload, a test double) leaves it out. */
  onMenuCommand?(listener: (command: MenuCommand) => void): () => void;
}
