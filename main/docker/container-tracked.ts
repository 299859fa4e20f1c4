import type Docker from 'dockerode';
import type { ModelDockError } from '../../shared/errors';
import type { ContainerStatus } from '../../shared/schemas/docker';
import type { IoMeta } from '../inference/worker-protocol';
import { LogBuffer } from '../serving/log-buffer';
import { exitedError } from './container-errors';
import type { LogFollow } from './container-logs';
import { readRuntimeConfigFacts, servedModelName, type RuntimeConfigFacts } from './container-runtime-info';
import { StatsSampler } from './container-stats';

/**
 * What ModelDock knows of one container it watches, and the changes every watched container goes through
 * (exiting, being discarded, learning which model it serves), whether started now or found from an earlier session.
 */

export type ContainerState = ContainerStatus['state'];

export interface TrackedContainer {
  id: string;
  name: string;
  image: string;
  imageId: string;
  context: string | undefined;
  docker: Docker;
  container: Docker.Container;
  state: ContainerState;
  hostPort: number | null;
  cpus: number | null;
  memoryMB: number | null;
  env: Record<string, string>;
  createdAt: string;
  startedAt: string | null;
  readyMs: number | null;
  exitCode: number | null;
  error: ModelDockError | null;
  modelName: string | null;
  /** Started by this engine (stopped on dispose), rather than found running from an earlier session. */
  ownedHere: boolean;
  logs: LogBuffer;
  follow: LogFollow | null;
  stats: StatsSampler;
  facts: RuntimeConfigFacts | null;
  apiName: string | null;
  inputs: IoMeta[] | null;
  exited: Promise<number | null>;
}

/** What is known of a container when it is first tracked; the rest is learnt while it runs. */
export type TrackedFacts = Omit<TrackedContainer, 'readyMs' | 'error' | 'logs' | 'follow' | 'stats' | 'facts' | 'apiName' | 'inputs'>;

export function newTracked(facts: TrackedFacts, hostMemoryBytes: number | null): TrackedContainer {
  return {
    ...facts,
    readyMs: null,
    error: null,
    logs: new LogBuffer(2000),
    follow: null,
    stats: new StatsSampler(facts.container, hostMemoryBytes),
    facts: null,
    apiName: null,
    inputs: null,
  };
}

export function urlOf(tracked: TrackedContainer): string {
  return `http://127.0.0.1:${tracked.hostPort}`;
}

/** Resolves with the exit code when the container stops (null when the engine could not say). */
export function watchExit(container: Docker.Container): Promise<number | null> {
  return container.wait().then((r: { StatusCode?: number }) => (typeof r?.StatusCode === 'number' ? r.StatusCode : null), () => null);
}

/** Gives the log follow up to 2 s to take in the last lines of a container that stopped. */
export async function waitForLogEnd(tracked: TrackedContainer): Promise<void> {
  if (tracked.follow) await Promise.race([tracked.follow.ended, new Promise((r) => setTimeout(r, 2000))]);
}

/** A container that failed to become ready: removed at once, its logs kept in memory for the error. */
export async function discard(tracked: TrackedContainer, error?: ModelDockError): Promise<void> {
  tracked.error = error ?? tracked.error;
  tracked.stats.stop();
  await tracked.container.remove({ force: true }).catch(() => {});
  tracked.follow?.cancel();
  tracked.state = 'removed';
}

/** Marks a ready container as exited when it stops on its own (not when ModelDock stops it). */
export function watchForExit(tracked: TrackedContainer): void {
  void tracked.exited.then((code) => {
    if (tracked.state === 'stopping' || tracked.state === 'removed' || tracked.state === 'exited') return;
    tracked.state = 'exited';
    tracked.exitCode = code;
    tracked.stats.stop();
    tracked.error = exitedError(tracked, code, true);
  });
}

/** The served model's API name, class names and grace period, once it is ready. */
export async function learnModel(tracked: TrackedContainer, info: Docker.ContainerInspectInfo | null): Promise<void> {
  tracked.facts = info ? await readRuntimeConfigFacts(tracked.container, info) : null;
  tracked.apiName = (await servedModelName(urlOf(tracked))) ?? tracked.facts?.modelName ?? tracked.modelName;
}
