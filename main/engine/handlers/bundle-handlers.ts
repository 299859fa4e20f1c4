import { writeBundle } from '../../bundle/write-bundle';
import type { EngineServices, Handlers } from '../types';

/** The deploy bundle: everything to rebuild and deploy the serving image without ModelDock. */
export function bundleHandlers(services: EngineServices): Pick<Handlers, 'deploy.bundle'> {
  return {
    async 'deploy.bundle'(request, ctx) {
      return writeBundle(services, request, ctx);
    },
  };
}
