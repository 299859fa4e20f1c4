import type Docker from 'dockerode';
import { ModelDockError } from '../../../shared/errors';
import { buildAndRecord } from '../../docker/build-and-record';
import { makeBuildPlan } from '../../docker/build-plan';
import { withTimeout } from '../../docker/docker-connection';
import { dockerError, dockerStatusCode } from '../../docker/docker-errors';
import { MANAGED_LABEL, MODEL_SHA_LABEL } from '../../docker/labels';
import type { EngineServices, Handlers } from '../types';

/** Building the serving image, and the history of what was built (the model's versions). */
export function imageHandlers(services: EngineServices): Pick<Handlers, 'image.plan' | 'image.build' | 'image.history' | 'image.remove'> {
  return {
    async 'image.plan'(request) {
      // The plan is useful without Docker too (the Dockerfile preview); say so instead of failing.
      let docker: Docker | null = null;
      let unavailable: string | null = null;
      try {
        docker = (await services.docker.get(request.context)).docker;
      } catch (error) {
        unavailable = error instanceof ModelDockError ? `${error.title}: ${error.message}` : 'Docker does not answer.';
      }
      const { plan } = await makeBuildPlan(request, docker);
      if (unavailable) plan.warnings.unshift(`${unavailable} The plan is shown, but building needs Docker.`);
      return plan;
    },

    async 'image.build'(request, { onProgress, signal }) {
      const { docker } = await services.docker.get(request.context);
      const detail = await makeBuildPlan(request, docker);
      return buildAndRecord(docker, services.builds, detail, { noCache: request.noCache, signal, onProgress });
    },

    async 'image.history'({ modelPath, context }) {
      const builds = await services.builds.list(modelPath);
      const present = await presentImageIds(services, context);
      return { builds: present ? builds.map((b) => ({ ...b, present: present.has(b.imageId) })) : builds };
    },

    async 'image.remove'({ image, context }) {
      const { docker } = await services.docker.get(context);
      const record = await services.builds.findByImage(image);
      let info: Docker.ImageInspectInfo | null = null;
      try {
        info = await docker.getImage(record?.imageId ?? image).inspect();
      } catch (error) {
        if (dockerStatusCode(error) !== 404) throw dockerError(error, { action: 'inspect', image });
      }
      if (!info) {
        // Already gone from Docker: forgetting it is all that is left to do.
        if (record) await services.builds.remove(record.imageId);
        return { removed: Boolean(record) };
      }
      const labels = info.Config?.Labels ?? {};
      // Only serving images built here: never a base image (not even the offline base ModelDock made) or a foreign one.
      if (labels[MANAGED_LABEL] !== 'true' || !labels[MODEL_SHA_LABEL]) {
        throw new ModelDockError({
          code: 'image-not-managed',
          title: 'Not an image ModelDock built for a model',
          message: `"${image}" is not a serving image built by ModelDock, so ModelDock leaves it alone.`,
          fix: 'Remove it with Docker itself ("docker rmi IMAGE") if you really want it gone.',
        });
      }
      const users = await docker.listContainers({ all: true, filters: JSON.stringify({ ancestor: [info.Id] }) })
        .catch((error: unknown) => { throw dockerError(error, { action: 'inspect', image }); });
      if (users.length > 0) {
        throw new ModelDockError({
          code: 'image-in-use',
          title: 'The image is still used by a container',
          message: `${users.length} container${users.length === 1 ? '' : 's'} (${users.map((c) => c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)).join(', ')}) ${users.length === 1 ? 'runs' : 'run'} from "${image}".`,
          fix: 'Stop and remove the container first (Run step: Stop), then remove the image.',
        });
      }
      try {
        // By id with force: also drops the extra tags a push added, so the version really goes away.
        await docker.getImage(info.Id).remove({ force: true });
      } catch (error) {
        if (dockerStatusCode(error) !== 404) throw dockerError(error, { action: 'remove', image });
      }
      await services.builds.remove(info.Id);
      return { removed: true };
    },
  };
}

/** Ids of every image the engine has; null when it cannot be asked (the history is then shown as recorded). */
async function presentImageIds(services: EngineServices, context?: string): Promise<Set<string> | null> {
  try {
    const { docker } = services.docker.client(context);
    const images = await withTimeout(docker.listImages({ all: true }), 5000, 'list images');
    return new Set(images.map((i) => i.Id));
  } catch {
    return null;
  }
}

