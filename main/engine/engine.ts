import * as path from 'node:path';
import { contract, type CallName, type Response } from '../../shared/contract';
import { ModelDockError, toErrorInfo } from '../../shared/errors';
import type { CallResult } from '../../shared/rpc';
import { BuildHistory } from '../docker/build-history';
import { ContainerManager } from '../docker/container-manager';
import { SessionCredentialStore } from '../docker/credential-store';
import { DockerConnections } from '../docker/docker-connection';
import { InferenceService } from '../inference/inference-service';
import { LocalServers } from '../serving/local-servers';
import { resolveDataDir } from './data-dir';
import { appHandlers } from './handlers/app-handlers';
import { bundleHandlers } from './handlers/bundle-handlers';
import { clusterHandlers } from './handlers/cluster-handlers';
import { containerHandlers } from './handlers/container-handlers';
import { convertHandlers } from './handlers/convert-handlers';
import { deployHandlers } from './handlers/deploy-handlers';
import { dockerHandlers } from './handlers/docker-handlers';
import { fileHandlers } from './handlers/file-handlers';
import { imageHandlers } from './handlers/image-handlers';
import { inferenceHandlers } from './handlers/inference-handlers';
import { modelHandlers } from './handlers/model-handlers';
import { monitorHandlers } from './handlers/monitor-handlers';
import { registryHandlers } from './handlers/registry-handlers';
import { scanHandlers } from './handlers/scan-handlers';
import { serveHandlers } from './handlers/serve-handlers';
import { specHandlers } from './handlers/spec-handlers';
import { RecentModels } from './recent-models';
import type { CallContext, EngineOptions, EngineServices, Handlers } from './types';

export interface Engine {
  /** Validates the raw request against the contract, runs the handler, and returns a value or an ErrorInfo. */
  call<N extends CallName>(name: N, rawRequest: unknown, ctx?: Partial<CallContext<N>>): Promise<CallResult<Response<N>>>;
  /** Like call(), but throws a ModelDockError: convenient for the CLI and tests. */
  invoke<N extends CallName>(name: N, rawRequest: unknown, ctx?: Partial<CallContext<N>>): Promise<Response<N>>;
  readonly services: EngineServices;
  dispose(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const dataDir = resolveDataDir(options.dataDir);
  const docker = new DockerConnections(path.join(dataDir, 'docker-context.json'));
  const builds = new BuildHistory(dataDir);
  const services: EngineServices = {
    dataDir,
    shell: options.shell,
    inference: new InferenceService(),
    recent: new RecentModels(dataDir),
    servers: new LocalServers({ dataDir }),
    docker,
    builds,
    containers: new ContainerManager({ dataDir, docker, history: builds }),
    credentials: options.credentials ?? new SessionCredentialStore(),
    openModelDialog: options.openModelDialog,
  };
  const handlers: Handlers = {
    ...appHandlers(services),
    ...modelHandlers(services),
    ...scanHandlers(services),
    ...inferenceHandlers(services),
    ...specHandlers(services),
    ...serveHandlers(services),
    ...dockerHandlers(services),
    ...imageHandlers(services),
    ...containerHandlers(services),
    ...registryHandlers(services),
    ...fileHandlers(services),
    ...deployHandlers(services),
    ...clusterHandlers(services),
    ...bundleHandlers(services),
    ...monitorHandlers(services),
    ...convertHandlers(services),
  };

  async function call<N extends CallName>(
    name: N, rawRequest: unknown, ctx: Partial<CallContext<N>> = {},
  ): Promise<CallResult<Response<N>>> {
    const def = contract[name];
    if (!def) {
      return { ok: false, error: { code: 'unknown-call', title: 'Unknown call', message: `There is no call named "${String(name)}".` } };
    }
    const parsed = def.request.safeParse(rawRequest ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'bad-request',
          title: 'Invalid request',
          message: `The request for ${name} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}.`,
          fix: 'This is a bug in the caller; the request must match the contract in shared/contract.ts.',
        },
      };
    }
    const signal = ctx.signal ?? new AbortController().signal;
    const onProgress = ctx.onProgress ?? (() => {});
    try {
      const handler = handlers[name] as unknown as (req: unknown, c: CallContext<N>) => Promise<Response<N>>;
      const value = await handler(parsed.data, { signal, onProgress });
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  }

  return {
    call,
    async invoke(name, rawRequest, ctx) {
      const result = await call(name, rawRequest, ctx);
      if (!result.ok) throw new ModelDockError(result.error);
      return result.value;
    },
    services,
    async dispose() {
      await Promise.all([services.servers.dispose(), services.containers.dispose(), services.inference.dispose()]);
    },
  };
}
