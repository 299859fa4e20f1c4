import type { BuildHistory } from './build-history';
import type { DockerConnections } from './docker-connection';

/** STUB (the run/push helper replaces this file): containers this engine started, their logs and stats. */
export class ContainerManager {
  constructor(readonly options: { dataDir: string; docker: DockerConnections; history: BuildHistory }) {}
  async dispose(): Promise<void> {}
}
