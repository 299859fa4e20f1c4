import type Docker from 'dockerode';
import { followContainerLogs } from './container-logs';
import { answersReady } from './container-readiness';
import { envOf } from './container-runtime-info';
import { learnModel, newTracked, watchExit, watchForExit, type TrackedContainer } from './container-tracked';
import { IMAGE_LABEL, MODEL_NAME_LABEL } from './labels';

/** A ModelDock container from an earlier session: its logs, stats and Try work as for one started now. */

export async function adoptedContainer(
  docker: Docker, container: Docker.Container, info: Docker.ContainerInspectInfo, context: string | undefined,
  hostMemoryBytes: () => Promise<number | null>,
): Promise<TrackedContainer> {
  const portKey = Object.keys(info.NetworkSettings.Ports ?? {})[0];
  const hostPort = portKey ? Number(info.NetworkSettings.Ports[portKey]?.[0]?.HostPort) || null : null;
  const running = info.State.Running;
  const state = running ? ((await answersReady(`http://127.0.0.1:${hostPort}`)) ? 'ready' : 'starting') : 'exited';
  return newTracked({
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Labels?.[IMAGE_LABEL] ?? info.Config.Image,
    imageId: info.Image,
    context,
    docker,
    container,
    state,
    hostPort,
    cpus: info.HostConfig.NanoCpus ? info.HostConfig.NanoCpus / 1e9 : null,
    memoryMB: info.HostConfig.Memory ? Math.round(info.HostConfig.Memory / 1024 / 1024) : null,
    env: envOf(info),
    createdAt: info.Created,
    startedAt: info.State.StartedAt || null,
    exitCode: running ? null : info.State.ExitCode,
    modelName: info.Config.Labels?.[MODEL_NAME_LABEL] ?? null,
    ownedHere: false,
    exited: running ? watchExit(container) : Promise.resolve(info.State.ExitCode),
  }, await hostMemoryBytes());
}

/** Once adopted: its logs followed, its exit watched, and its model learnt when it is ready. */
export async function followAdopted(tracked: TrackedContainer, info: Docker.ContainerInspectInfo): Promise<void> {
  try {
    tracked.follow = await followContainerLogs(tracked.docker, tracked.container, tracked.logs);
  } catch {
    // Logs are a nicety here: the container may be gone already.
  }
  if (info.State.Running) {
    watchForExit(tracked);
    if (tracked.state === 'ready') await learnModel(tracked, info);
  }
}
