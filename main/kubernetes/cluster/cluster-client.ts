import { createConfiguration, KubernetesObjectApi, ServerConfiguration, type KubeConfig, type V1APIResource } from '@kubernetes/client-node';
import { ModelDockError } from '../../../shared/errors';
import { loadKubeconfig, type KubeconfigSource } from './kubeconfig';

/** One request to the API server may take this long before it counts as "the cluster does not answer". */
const REQUEST_TIMEOUT_MS = 20_000;

/** KubernetesObjectApi keeps its discovery lookup protected; apply needs it to tell "unknown kind" apart early. */
class ObjectApi extends KubernetesObjectApi {
  kindInfo(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }
}

export interface ClusterConnection {
  api: ObjectApi;
  context: string;
  server: string;
}

/**
 * A client for one kube context. Every request carries the caller's AbortSignal (so Cancel stops a request in
 * flight, not only between requests) and a timeout of its own (an unreachable server must not hang the UI).
 */
export function connectCluster(contextName: string | undefined, signal: AbortSignal, source: KubeconfigSource = {}): ClusterConnection {
  const loaded = loadKubeconfig(source);
  if (!loaded) {
    throw new ModelDockError({
      code: 'kubeconfig-missing',
      title: 'No kubeconfig found',
      message: 'There is no kubeconfig (KUBECONFIG is unset and ~/.kube/config does not exist), so ModelDock does not know of any cluster.',
      fix: 'Set up access to your cluster as its docs say (they end with kubectl working), or export the YAML and hand it to your platform team.',
    });
  }
  const config = loaded.config;
  const name = contextName ?? config.currentContext;
  if (!name) {
    throw new ModelDockError({
      code: 'kube-context-none',
      title: 'No kube context chosen',
      message: `Your kubeconfig (${loaded.files.join(', ')}) has no current-context.`,
      fix: 'Choose a context, or set one with: kubectl config use-context NAME',
    });
  }
  const context = config.getContextObject(name);
  if (!context) {
    throw new ModelDockError({
      code: 'kube-context-unknown',
      title: 'Unknown kube context',
      message: `There is no context "${name}" in ${loaded.files.join(', ')}; it has ${config.contexts.map((c) => `"${c.name}"`).join(', ') || 'none'}.`,
      fix: 'Choose one of the contexts listed (kubectl config get-contexts shows them).',
    });
  }
  const cluster = config.getCluster(context.cluster);
  if (!cluster) {
    throw new ModelDockError({
      code: 'kube-cluster-missing',
      title: 'The kube context names a missing cluster',
      message: `Context "${name}" points at cluster "${context.cluster}", which ${loaded.files.join(', ')} does not define.`,
      fix: 'Fix the kubeconfig (kubectl config view), or choose another context.',
    });
  }
  config.setCurrentContext(name);
  return { api: new ObjectApi(configurationFor(config, cluster.server, signal)), context: name, server: cluster.server };
}

function configurationFor(config: KubeConfig, server: string, signal: AbortSignal) {
  return createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: config },
    promiseMiddleware: [{
      pre: async (request) => {
        request.setSignal(AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]));
        return request;
      },
      post: async (response) => response,
    }],
  });
}

export type { ObjectApi };
