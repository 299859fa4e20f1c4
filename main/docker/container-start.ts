import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { ContainerRunRequest } from '../../shared/schemas/docker';
import { portMissingError } from './container-errors';
import { followContainerLogs } from './container-logs';
import { discard, watchExit, type TrackedContainer } from './container-tracked';
import { dockerError } from './docker-errors';
import { IMAGE_LABEL, MANAGED_LABEL, MODEL_NAME_LABEL } from './labels';

/**
 * Creating and starting a serving container: loopback-only port, the requested limits, no capabilities, and the
 * ModelDock labels so it can be found again. Waiting for the model to be ready is container-readiness's job.
 */

export const RUN_STEPS = ['Checking the image', 'Creating the container', 'Starting the container', 'Waiting for the model to be ready'];
const DEFAULT_CONTAINER_PORT = 8080;

export async function inspectRunImage(docker: Docker, image: string): Promise<Docker.ImageInspectInfo> {
  try {
    return await docker.getImage(image).inspect();
  } catch (error) {
    throw dockerError(error, { action: 'run', image });
  }
}

/** The port the server listens on inside: MODELDOCK_PORT/PORT from the overrides, else the image's EXPOSE. */
export function containerPortOf(image: Docker.ImageInspectInfo, env: Record<string, string>): number {
  const fromEnv = Number(env.MODELDOCK_PORT ?? env.PORT);
  if (Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv < 65536) return fromEnv;
  const exposed = Object.keys(image.Config?.ExposedPorts ?? {}).find((p) => p.endsWith('/tcp'));
  return exposed ? Number(exposed.split('/')[0]) : DEFAULT_CONTAINER_PORT;
}

export interface CreatedContainer {
  container: Docker.Container;
  name: string;
  modelName: string | null;
}

export async function createServingContainer(
  docker: Docker, request: ContainerRunRequest, image: Docker.ImageInspectInfo, containerPort: number,
): Promise<CreatedContainer> {
  const hostPort = request.port ?? 0;
  const modelName = image.Config?.Labels?.[MODEL_NAME_LABEL] ?? image.Config?.Labels?.['org.opencontainers.image.title'] ?? null;
  const name = `modeldock-${(modelName ?? 'model').toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`;
  const portKey = `${containerPort}/tcp`;
  try {
    const container = await docker.createContainer({
      name,
      Image: request.image,
      Env: Object.entries(request.env).map(([k, v]) => `${k}=${v}`),
      Labels: {
        [MANAGED_LABEL]: 'true',
        [IMAGE_LABEL]: request.image,
        ...(modelName ? { [MODEL_NAME_LABEL]: modelName } : {}),
      },
      ExposedPorts: { [portKey]: {} },
      HostConfig: {
        // Loopback only: a model under test is not for the whole network.
        PortBindings: { [portKey]: [{ HostIp: '127.0.0.1', HostPort: hostPort > 0 ? String(hostPort) : '' }] },
        ...(request.cpus ? { NanoCpus: Math.round(request.cpus * 1e9) } : {}),
        ...(request.memoryMB ? { Memory: request.memoryMB * 1024 * 1024, MemorySwap: request.memoryMB * 1024 * 1024 } : {}),
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        PidsLimit: 1024,
        RestartPolicy: { Name: 'no' },
      },
    });
    return { container, name, modelName };
  } catch (error) {
    throw dockerError(error, { action: 'run', image: request.image, port: hostPort || undefined });
  }
}

/**
 * Starts the tracked container, then learns the host port Docker published and follows its logs. On any failure
 * the container is discarded before the error is thrown.
 */
export async function startAndPublish(tracked: TrackedContainer, containerPort: number, requestedPort: number): Promise<void> {
  const { container, image } = tracked;
  try {
    await container.start();
  } catch (error) {
    await discard(tracked);
    throw dockerError(error, { action: 'run', image, port: requestedPort || undefined });
  }
  tracked.exited = watchExit(container);
  try {
    const info = await container.inspect();
    tracked.startedAt = info.State.StartedAt ?? new Date().toISOString();
    tracked.hostPort = Number(info.NetworkSettings.Ports?.[`${containerPort}/tcp`]?.[0]?.HostPort) || null;
    tracked.follow = await followContainerLogs(tracked.docker, container, tracked.logs);
  } catch (error) {
    await discard(tracked);
    throw dockerError(error, { action: 'run', image });
  }
  if (!tracked.hostPort) {
    await discard(tracked);
    throw portMissingError(image, containerPort);
  }
}
