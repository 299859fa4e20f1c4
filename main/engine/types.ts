import type { CallName, ParsedRequest, Progress, Response } from '../../shared/contract';
import type { InferenceService } from '../inference/inference-service';
import type { LocalServers } from '../serving/local-servers';
import type { RecentModels } from './recent-models';

export interface CallContext<N extends CallName = CallName> {
  onProgress: (event: Progress<N>) => void;
  signal: AbortSignal;
}

export type Handler<N extends CallName> = (request: ParsedRequest<N>, ctx: CallContext<N>) => Promise<Response<N>>;
export type Handlers = { [N in CallName]: Handler<N> };

export type Shell = 'electron' | 'web' | 'cli';

export interface EngineOptions {
  /** Where the engine keeps its own state (recent models, uploads); MODELDOCK_DATA_DIR overrides the default. */
  dataDir?: string;
  shell: Shell;
  /** Only the Electron corner provides a native dialog. */
  openModelDialog?: () => Promise<string | null>;
}

/** What handlers share: long-lived services owned by the engine. */
export interface EngineServices {
  dataDir: string;
  shell: Shell;
  inference: InferenceService;
  recent: RecentModels;
  /** "Serve locally": serving runtimes run as child processes, stopped on dispose. */
  servers: LocalServers;
  openModelDialog?: () => Promise<string | null>;
}
