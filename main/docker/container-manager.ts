import type Docker from 'dockerode';
import type { ContainerRunRequest, ContainerStatus, LoadTestResult } from '../../shared/schemas/docker';
import type { LogLine, ServeTryResponse, TryImage, TryProtocol } from '../../shared/schemas/serve';
import type { StepProgress } from '../../shared/schemas/validation';
import { portInUseError, portIsFree } from '../serving/runtime-script';
import { sendTry } from '../serving/try-send';
import type { BuildHistory } from './build-history';
import { adoptedContainer, followAdopted } from './container-adopt';
import { removeStoppedContainersAndImages, type CleanupResult } from './container-cleanup';
import { closedError, loadTestRefusedError, missingError, notAnsweringError, notManagedError } from './container-errors';
import { answersReady, waitUntilReady } from './container-readiness';
import { graceSecondsOf } from './container-runtime-info';
import { containerPortOf, createServingContainer, inspectRunImage, RUN_STEPS, startAndPublish } from './container-start';
import { statusOf, summaryStatus } from './container-status';
import {
  learnModel, newTracked, waitForLogEnd, watchForExit, type TrackedContainer,
} from './container-tracked';
import { loadTestResult, prepareTryRequest } from './container-try';
import type { DockerConnections } from './docker-connection';
import { dockerError, dockerStatusCode } from './docker-errors';
import { IMAGE_LABEL, MANAGED_LABEL, STARTED_CONTAINER_FILTER } from './labels';
import { runLoadTest } from './load-test';

/**
 * Containers run from serving images on 127.0.0.1: started with limits, watched until the model is ready, their
 * logs and stats followed, stopped gracefully. Only containers labelled as ModelDock's are listed or touched;
 * the ones this engine started are stopped and removed when it is disposed.
 */

export interface ContainerManagerOptions {
  dataDir: string;
  docker: DockerConnections;
  history: BuildHistory;
}

export interface RunContext {
  signal?: AbortSignal;
  onProgress?: (progress: StepProgress) => void;
}

export class ContainerManager {
  private readonly tracked = new Map<string, TrackedContainer>();
  private disposing: Promise<void> | null = null;
  /** The engine's total memory, so an unlimited container does not show the host's memory as its limit. */
  private readonly hostMemory = new WeakMap<Docker, Promise<number | null>>();

  constructor(readonly options: ContainerManagerOptions) {}

  async run(request: ContainerRunRequest, ctx: RunContext = {}): Promise<ContainerStatus> {
    if (this.disposing) throw closedError();
    const step = (index: number) => ctx.onProgress?.({ step: RUN_STEPS[index], index, total: RUN_STEPS.length });
    const { docker } = await this.options.docker.get(request.context);

    step(0);
    const image = await inspectRunImage(docker, request.image);
    const containerPort = containerPortOf(image, request.env);
    const hostPort = request.port ?? 0;
    if (hostPort > 0) await this.checkPortFree(hostPort);
    ctx.signal?.throwIfAborted();

    step(1);
    const { container, name, modelName } = await createServingContainer(docker, request, image, containerPort);
    const tracked = newTracked({
      id: container.id,
      name,
      image: request.image,
      imageId: image.Id,
      context: request.context,
      docker,
      container,
      state: 'starting',
      hostPort: null,
      cpus: request.cpus ?? null,
      memoryMB: request.memoryMB ?? null,
      env: { ...request.env },
      createdAt: new Date().toISOString(),
      startedAt: null,
      exitCode: null,
      modelName,
      ownedHere: true,
      exited: Promise.resolve(null),
    }, await this.hostMemoryOf(docker));
    this.tracked.set(container.id, tracked);

    step(2);
    const startCalled = performance.now();
    await startAndPublish(tracked, containerPort, hostPort);

    step(3);
    await waitUntilReady(tracked, request.readyTimeoutSeconds * 1000, ctx.signal);
    tracked.readyMs = Math.round(performance.now() - startCalled);
    tracked.state = 'ready';
    void this.options.history.recordColdStart(tracked.imageId, tracked.readyMs).catch(() => {});
    watchForExit(tracked);
    await learnModel(tracked, await container.inspect().catch(() => null));
    void tracked.stats.start();
    return statusOf(tracked);
  }

  async stop(id: string, options: { remove?: boolean; context?: string } = {}): Promise<ContainerStatus> {
    const tracked = await this.find(id, options.context);
    const remove = options.remove ?? true;
    if (tracked.state !== 'removed') {
      tracked.state = 'stopping';
      try {
        // SIGTERM, then the runtime's grace period for requests in flight, then SIGKILL.
        await tracked.container.stop({ t: Math.ceil(graceSecondsOf(tracked.facts)) + 2 });
      } catch (error) {
        const status = dockerStatusCode(error);
        if (status !== 304 && status !== 404) throw dockerError(error, { action: 'stop' });
      }
      const code = await Promise.race([tracked.exited, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      tracked.exitCode = code ?? tracked.exitCode;
      tracked.state = 'exited';
      tracked.stats.stop();
      await waitForLogEnd(tracked);
      if (remove) {
        try {
          await tracked.container.remove({ force: true });
        } catch (error) {
          if (dockerStatusCode(error) !== 404) throw dockerError(error, { action: 'remove' });
        }
        tracked.state = 'removed';
      }
    }
    return statusOf(tracked);
  }

  async status(id: string, context?: string): Promise<ContainerStatus> {
    return statusOf(await this.find(id, context));
  }

  /** Every container labelled as ModelDock's on the engine, running or not. */
  async list(context?: string): Promise<ContainerStatus[]> {
    const { docker } = await this.options.docker.get(context);
    let found: Docker.ContainerInfo[];
    try {
      found = await docker.listContainers({ all: true, filters: STARTED_CONTAINER_FILTER });
    } catch (error) {
      throw dockerError(error, { action: 'inspect' });
    }
    const seen = new Set<string>(found.map((info) => info.Id));
    const statuses = await Promise.all(found.map(async (info) => {
      const tracked = this.tracked.get(info.Id);
      if (tracked) return statusOf(tracked);
      const status = summaryStatus(info);
      // Docker's health check runs every few seconds; the server's own /readyz says it now.
      if (info.State === 'running' && status.url && status.state !== 'unhealthy') status.state = (await answersReady(status.url)) ? 'ready' : 'starting';
      return status;
    }));
    // Removed here but still in this session: listed so their logs stay reachable.
    for (const tracked of this.tracked.values()) if (!seen.has(tracked.id) && tracked.context === context) statuses.push(statusOf(tracked));
    return statuses;
  }

  async logs(id: string, afterSeq = 0, limit = 500, context?: string): Promise<{ lines: LogLine[]; nextSeq: number; dropped: number }> {
    return (await this.find(id, context)).logs.after(afterSeq, limit);
  }

  async stats(id: string, context?: string) {
    const tracked = await this.find(id, context);
    if (tracked.state === 'ready' && !tracked.stats.running) await tracked.stats.start();
    return { state: tracked.state, latest: tracked.stats.latest, history: [...tracked.stats.history] };
  }

  async try(id: string, protocol: TryProtocol, body: string | undefined, context?: string, image?: TryImage): Promise<ServeTryResponse> {
    const tracked = await this.readyContainer(id, context);
    const prepared = await prepareTryRequest(tracked, protocol, body, image);
    return sendTry(protocol, prepared, tracked.facts?.labels ?? null);
  }

  async loadTest(
    request: { id: string; protocol: TryProtocol; body?: string; concurrency: number; durationSeconds: number; context?: string },
    ctx: { signal?: AbortSignal; onProgress?: (p: { elapsedSeconds: number; durationSeconds: number; requests: number; errors: number; requestsPerSecond: number }) => void } = {},
  ): Promise<LoadTestResult> {
    const tracked = await this.readyContainer(request.id, request.context);
    const prepared = await prepareTryRequest(tracked, request.protocol, request.body);
    // One request first: a body the model refuses is reported as that, not as a load test full of errors.
    const probe = await sendTry(request.protocol, prepared, tracked.facts?.labels ?? null);
    if (probe.status >= 400) throw loadTestRefusedError(probe.status, probe.body);
    await tracked.stats.start();
    const since = Date.now();
    const numbers = await runLoadTest(prepared, {
      concurrency: request.concurrency,
      durationSeconds: request.durationSeconds,
      signal: ctx.signal,
      onProgress: ctx.onProgress,
    });
    const result = loadTestResult(tracked, request, numbers, tracked.stats.peakSince(since));
    await this.options.history.addLoadTest(tracked.imageId, result);
    return result;
  }

  /** Removes ModelDock's stopped containers and its dangling (untagged, superseded) images. */
  async cleanup(context?: string): Promise<CleanupResult> {
    const { docker } = await this.options.docker.get(context);
    return removeStoppedContainersAndImages(docker, this.tracked);
  }

  /** Stops and removes the containers this engine started. Safe to call more than once. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      const owned = [...this.tracked.values()].filter((t) => t.ownedHere && t.state !== 'removed');
      await Promise.all(owned.map((t) => this.stop(t.id).catch(() => t.container.remove({ force: true }).catch(() => {}))));
      for (const t of this.tracked.values()) {
        t.stats.stop();
        t.follow?.cancel();
      }
    })();
    return this.disposing;
  }

  private hostMemoryOf(docker: Docker): Promise<number | null> {
    let known = this.hostMemory.get(docker);
    if (!known) {
      known = docker.info().then((info: { MemTotal?: number }) => info.MemTotal ?? null, () => null);
      this.hostMemory.set(docker, known);
    }
    return known;
  }

  /** A port asked for must be free: not held by a container started here, nor by anything else on 127.0.0.1. */
  private async checkPortFree(hostPort: number): Promise<void> {
    const clash = [...this.tracked.values()].find((t) => t.hostPort === hostPort && (t.state === 'ready' || t.state === 'starting'));
    if (clash) throw portInUseError(hostPort, '127.0.0.1', `Container ${clash.name} (${clash.image})`);
    if (!(await portIsFree(hostPort))) throw portInUseError(hostPort, '127.0.0.1');
  }

  private async readyContainer(id: string, context?: string): Promise<TrackedContainer> {
    const tracked = await this.find(id, context);
    if (tracked.state !== 'ready' || !tracked.hostPort) throw notAnsweringError(tracked);
    return tracked;
  }

  /** A container by id, id prefix or name: one tracked here, or a labelled one adopted from the engine. */
  private async find(id: string, context?: string): Promise<TrackedContainer> {
    for (const t of this.tracked.values()) if (t.id === id || t.name === id || (id.length >= 6 && t.id.startsWith(id))) return t;
    const { docker } = await this.options.docker.get(context);
    const container = docker.getContainer(id);
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (error) {
      if (dockerStatusCode(error) === 404) throw missingError(id);
      throw dockerError(error, { action: 'inspect' });
    }
    if (info.Config.Labels?.[MANAGED_LABEL] !== 'true' || !info.Config.Labels?.[IMAGE_LABEL]) throw notManagedError(info.Name.replace(/^\//, ''));
    const existing = this.tracked.get(info.Id);
    if (existing) return existing;
    const tracked = await adoptedContainer(docker, container, info, context, () => this.hostMemoryOf(docker));
    this.tracked.set(info.Id, tracked);
    await followAdopted(tracked, info);
    return tracked;
  }
}
