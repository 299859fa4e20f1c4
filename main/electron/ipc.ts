import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CALL_NAMES, type CallName } from '../../shared/call-names';
import type { CallResult } from '../../shared/rpc';
import type { Engine } from '../engine/engine';
import { APP_ORIGIN } from './app-protocol';

/**
 * The Electron transport of the contract: one `modeldock:<call>` channel per call, so the preload exposes named
 * functions and never a generic invoke. Every message is checked to come from our own window's main frame showing
 * our own app:// page before anything else happens; the payload is then validated by engine.call against the
 * contract. Progress goes back as 'modeldock:progress' (callId, event); 'modeldock:cancel' aborts a call.
 */
export const PROGRESS_CHANNEL = 'modeldock:progress';
export const CANCEL_CHANNEL = 'modeldock:cancel';

export interface IpcOptions {
  engine: Engine;
  /** The one WebContents allowed to call (the main window's), looked up per message. */
  trustedContents: () => WebContents | null;
  /** Told after each call, e.g. to refresh the Recent menu. */
  onCallDone?: (name: CallName) => void;
}

export function registerIpc({ engine, trustedContents, onCallDone }: IpcOptions): void {
  const running = new Map<string, AbortController>();
  const watched = new WeakSet<WebContents>();

  const isTrusted = (event: IpcMainInvokeEvent | IpcMainEvent): boolean => {
    const frame = event.senderFrame;
    const contents = trustedContents();
    if (!frame || !contents || event.sender !== contents || frame.parent !== null) return false;
    try {
      return new URL(frame.url).origin === APP_ORIGIN;
    } catch {
      return false;
    }
  };

  for (const name of CALL_NAMES) {
    ipcMain.handle(`modeldock:${name}`, async (event, callId: unknown, request: unknown): Promise<CallResult> => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'forbidden', title: 'Not allowed', message: 'This window may not call ModelDock.' } };
      }
      if (typeof callId !== 'string' || callId.length === 0 || callId.length > 128) {
        return { ok: false, error: { code: 'bad-message', title: 'Invalid message', message: 'callId must be a short string.' } };
      }
      const key = `${event.sender.id}:${callId}`;
      if (running.has(key)) {
        return { ok: false, error: { code: 'bad-message', title: 'Invalid message', message: `Call id ${callId} is already running.` } };
      }
      const sender = event.sender;
      if (!watched.has(sender)) {
        watched.add(sender);
        // A reloaded or closed window abandons its calls.
        const abortAll = () => {
          for (const [k, c] of running) if (k.startsWith(`${sender.id}:`)) c.abort();
        };
        sender.on('destroyed', abortAll);
        sender.on('did-start-navigation', (details) => { if (details.isMainFrame && !details.isSameDocument) abortAll(); });
      }
      const controller = new AbortController();
      running.set(key, controller);
      try {
        return await engine.call(name, request, {
          signal: controller.signal,
          onProgress: (progress: unknown) => {
            if (!sender.isDestroyed()) sender.send(PROGRESS_CHANNEL, callId, progress);
          },
        });
      } finally {
        running.delete(key);
        onCallDone?.(name);
      }
    });
  }

  ipcMain.on(CANCEL_CHANNEL, (event, callId: unknown) => {
    if (!isTrusted(event) || typeof callId !== 'string') return;
    running.get(`${event.sender.id}:${callId}`)?.abort();
  });
}
