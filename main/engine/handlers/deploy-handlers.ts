import { planCapacity } from '../../kubernetes/capacity-planner';
import { exportManifests } from '../../kubernetes/export-manifests';
import { generateManifests } from '../../kubernetes/generate-manifests';
import type { EngineServices, Handlers } from '../types';

export function deployHandlers(_services: EngineServices): Pick<Handlers, 'deploy.manifests' | 'deploy.capacity' | 'deploy.export'> {
  return {
    async 'deploy.manifests'(request) {
      return generateManifests(request);
    },
    async 'deploy.capacity'(request) {
      return planCapacity(request);
    },
    async 'deploy.export'({ outDir, allowFailedChecks, ...request }) {
      return exportManifests(request, { outDir, allowFailedChecks });
    },
  };
}
