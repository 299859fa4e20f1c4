import type { MenuCommand } from '../../shared/bridge';
import type { CallResult } from '../../shared/rpc';

/** How a call reaches the engine. Screens never see this; only the client picks and uses a transport. */
export interface Transport {
  readonly kind: 'electron' | 'web';
  call(callId: string, name: string, request: unknown, onProgress: (event: unknown) => void): Promise<CallResult>;
  cancel(callId: string): void;
  /** Turns a dropped or picked File into a path the engine can open (uploading it in web mode). */
  pathForFile(file: File, onProgress?: (fraction: number) => void): Promise<string>;
  /** The desktop app's menu (File > Open Model…, Open Recent); web mode has no menu and leaves it out. */
  onMenuCommand?(listener: (command: MenuCommand) => void): () => void;
}
