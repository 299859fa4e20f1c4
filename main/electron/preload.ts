import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { MenuCommand, ModelDockBridge } from '../../shared/bridge';
import { CALL_NAMES, type CallName } from '../../shared/call-names';
import type { CallResult } from '../../shared/rpc';

/**
 * window.modeldock: one function per contract call (built from the call-name list, never a generic invoke), a
 * progress subscription that hands listeners plain data (the IPC event object stays here), cancel, and the path
 * of a dropped file. Runs sandboxed: it may import only 'electron' and what the bundle carries.
 */
const calls = Object.fromEntries(
  CALL_NAMES.map((name) => [name, (callId: string, request: unknown) => ipcRenderer.invoke(`modeldock:${name}`, callId, request) as Promise<CallResult>]),
) as ModelDockBridge['calls'];

const bridge: Required<ModelDockBridge> = {
  calls,
  onProgress(listener) {
    const wrapped = (_event: Electron.IpcRendererEvent, callId: string, event: unknown) => listener(callId, event);
    ipcRenderer.on('modeldock:progress', wrapped);
    return () => { ipcRenderer.removeListener('modeldock:progress', wrapped); };
  },
  cancel(callId) {
    ipcRenderer.send('modeldock:cancel', callId);
  },
  pathForFile(file) {
    return webUtils.getPathForFile(file);
  },
  /** The application menu (File > Open Model…, Recent) asks the UI to open a model. */
  onMenuCommand(listener) {
    const wrapped = (_event: Electron.IpcRendererEvent, command: MenuCommand) => {
      // The main process is the only sender, but a malformed message must not reach the window's open path.
      if (command?.command === 'open-model' && typeof command.path === 'string' && command.path !== '') listener(command);
    };
    ipcRenderer.on('modeldock:menu', wrapped);
    return () => { ipcRenderer.removeListener('modeldock:menu', wrapped); };
  },
};

contextBridge.exposeInMainWorld('modeldock', bridge);

// Keeps the list honest: a call missing from the preload would fail the type check here.
const everyCall: Record<CallName, unknown> = calls;
void everyCall;
