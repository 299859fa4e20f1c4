import type Docker from 'dockerode';
import type { ContainerStatus } from '../../shared/schemas/docker';
import type { ContainerState, TrackedContainer } from './container-tracked';
import { IMAGE_LABEL, MODEL_NAME_LABEL } from './labels';

/** A container as the contract describes it: from what ModelDock tracks, or from the engine's listing alone. */

export function statusOf(t: TrackedContainer): ContainerStatus {
  return {
    id: t.id,
    name: t.name,
    image: t.image,
    imageId: t.imageId,
    state: t.state,
    hostPort: t.hostPort,
    url: t.hostPort ? `http://127.0.0.1:${t.hostPort}` : null,
    cpus: t.cpus,
    memoryMB: t.memoryMB,
    env: t.env,
    createdAt: t.createdAt,
    startedAt: t.startedAt,
    readyMs: t.readyMs,
    exitCode: t.exitCode,
    error: t.error ? t.error.toInfo() : null,
    modelName: t.modelName,
    plan: t.logs.plan,
  };
}

/** A labelled container this session has not touched: what the engine's listing says. */
export function summaryStatus(info: Docker.ContainerInfo): ContainerStatus {
  const port = info.Ports?.find((p) => p.PublicPort && p.IP !== '::');
  const state: ContainerState = info.State === 'running' ? (/\(unhealthy\)/.test(info.Status) ? 'unhealthy' : 'ready')
    : info.State === 'created' ? 'starting' : 'exited';
  const exit = /Exited \((\d+)\)/.exec(info.Status);
  return {
    id: info.Id,
    name: listedName(info),
    image: info.Labels?.[IMAGE_LABEL] ?? info.Image,
    imageId: info.ImageID,
    state,
    hostPort: port?.PublicPort ?? null,
    url: port?.PublicPort ? `http://127.0.0.1:${port.PublicPort}` : null,
    cpus: null,
    memoryMB: null,
    env: {},
    createdAt: new Date(info.Created * 1000).toISOString(),
    startedAt: null,
    readyMs: null,
    exitCode: exit ? Number(exit[1]) : null,
    error: null,
    modelName: info.Labels?.[MODEL_NAME_LABEL] ?? null,
    plan: null,
  };
}

/** A listed container's name without Docker's leading slash, else its short id. */
export function listedName(info: Docker.ContainerInfo): string {
  return info.Names[0]?.replace(/^\//, '') || info.Id.slice(0, 12);
}
