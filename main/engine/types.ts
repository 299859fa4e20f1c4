import type { CallName, ParsedRequest, Progress, Response } from '../../shared/contract';
import type { BuildHistory } from '../docker/build-history';
import type { ContainerManager } from '../docker/container-manager';
import type { CredentialStore } from '../docker/credential-store';
import type { DockerConnections } from '../docker/docker-connection';
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
  /** Where registry passwords are kept; the Electron corner passes an OS-keychain store. Default: memory only. */
  credentials?: CredentialStore;
}

/** What handlers share: long-lived services owned by the engine. */
export interface EngineServices {
  dataDir: string;
  shell: Shell;
  inference: InferenceService;
  recent: RecentModels;
  /** "Serve locally": serving runtimes run as child processes, stopped on dispose. */
  servers: LocalServers;
  /** Docker Engine clients, one per address (DOCKER_HOST, context or default socket). */
  docker: DockerConnections;
  /** Images built here: the model's versions. */
  builds: BuildHistory;
  /** Containers started here; stopped on dispose. */
  containers: ContainerManager;
  credentials: CredentialStore;
  openModelDialog?: () => Promise<string | null>;
}
