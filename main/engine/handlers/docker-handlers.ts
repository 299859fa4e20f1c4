import type Docker from 'dockerode';
import { toErrorInfo } from '../../../shared/errors';
import type { DockerStatus } from '../../../shared/schemas/docker';
import { DEFAULT_BASE_IMAGE, OFFLINE_BASE_IMAGE } from '../../../shared/schemas/spec';
import { listDockerContexts, withTimeout } from '../../docker/docker-connection';
import { dockerError } from '../../docker/docker-errors';
import { findImage } from '../../docker/image-lookup';
import { MANAGED_LABEL, STARTED_CONTAINER_FILTER } from '../../docker/labels';
import { makeOfflineBase } from '../../docker/offline-base';
import type { EngineServices, Handlers } from '../types';

/** Whether the engine has the image; null when it could not say. */
function hasImage(docker: Docker, reference: string): Promise<boolean | null> {
  return findImage(docker, reference).then((image) => image !== null, () => null);
}

/** The engine itself: is Docker there, which one, and the offline base image. */
export function dockerHandlers(services: EngineServices): Pick<Handlers, 'docker.status' | 'docker.useContext' | 'docker.makeBase'> {
  const readStatus: Handlers['docker.status'] = async ({ context }) => {
    const contexts = listDockerContexts();
    const { docker, endpoint } = services.docker.client(context);
    const status: DockerStatus = {
      endpoint, available: false, error: null, serverVersion: null, apiVersion: null, platform: null, cpus: null,
      memoryBytes: null, managedImages: null, managedContainers: null, defaultBase: DEFAULT_BASE_IMAGE,
      defaultBasePresent: null, offlineBase: OFFLINE_BASE_IMAGE, offlineBasePresent: null, contexts,
      chosenContext: services.docker.chosenContext,
    };
    try {
      const [version, info] = await withTimeout(Promise.all([docker.version(), docker.info()]), 10_000, 'Docker status');
      const filters = JSON.stringify({ label: [`${MANAGED_LABEL}=true`] });
      const [images, containers, defaultBasePresent, offlineBasePresent] = await Promise.all([
        docker.listImages({ filters }), docker.listContainers({ all: true, filters: STARTED_CONTAINER_FILTER }),
        hasImage(docker, DEFAULT_BASE_IMAGE), hasImage(docker, OFFLINE_BASE_IMAGE),
      ]);
      const arch = version.Arch === 'x86_64' ? 'amd64' : version.Arch === 'aarch64' ? 'arm64' : version.Arch;
      Object.assign(status, {
        available: true,
        serverVersion: version.Version,
        apiVersion: version.ApiVersion,
        platform: `${version.Os}/${arch}`,
        cpus: info.NCPU ?? null,
        memoryBytes: info.MemTotal ?? null,
        managedImages: images.length,
        managedContainers: containers.length,
        defaultBasePresent,
        offlineBasePresent,
      });
    } catch (error) {
      status.error = toErrorInfo(dockerError(error, { action: 'connect', address: endpoint.address }));
    }
    return status;
  };
  return {
    'docker.status': readStatus,
    async 'docker.useContext'({ context }, ctx) {
      services.docker.choose(context);
      return readStatus({}, { signal: ctx.signal, onProgress: () => {} });
    },
    async 'docker.makeBase'({ context, tag, force }, { onProgress, signal }) {
      const { docker } = await services.docker.get(context);
      return makeOfflineBase(docker, { tag, force, signal, onStep: (step, index, total) => onProgress({ step, index, total }) });
    },
  };
}
