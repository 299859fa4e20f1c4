import { applyToCluster } from '../../kubernetes/cluster/cluster-apply';
import { diffAgainstCluster } from '../../kubernetes/cluster/cluster-diff';
import { listContexts } from '../../kubernetes/cluster/kubeconfig';
import type { EngineServices, Handlers } from '../types';

/** Apply to a live cluster: kube contexts, the dry-run diff, the apply and its rollout. */
export function clusterHandlers(_services: EngineServices): Pick<Handlers, 'deploy.clusters' | 'deploy.diff' | 'deploy.apply'> {
  return {
    async 'deploy.clusters'() {
      return listContexts();
    },
    async 'deploy.diff'(request, { signal }) {
      return diffAgainstCluster(request, signal);
    },
    async 'deploy.apply'(request, { signal, onProgress }) {
      return applyToCluster(request, { signal, onProgress });
    },
  };
}
