import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ModelDockError } from '../../../shared/errors';
import type { ClusterList, KubeContext } from '../../../shared/schemas/kubernetes-apply';

export interface KubeconfigSource {
  env?: Record<string, string | undefined>;
  home?: string;
}

export interface LoadedKubeconfig {
  config: KubeConfig;
  files: string[];
}

/**
 * The kubeconfig files kubectl would read: KUBECONFIG's list (the existing ones), else ~/.kube/config. Unlike
 * client-node's loadFromDefault, nothing else: no in-cluster service account and no localhost:8080 fallback, so
 * "no kubeconfig" is reported as such instead of turning into a cluster that is not there.
 */
export function kubeconfigFiles({ env = process.env, home = os.homedir() }: KubeconfigSource = {}): { searched: string[]; found: string[] } {
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f.trim() !== '');
  const searched = listed.length > 0 ? listed.map((f) => path.resolve(f)) : [path.join(home, '.kube', 'config')];
  return { searched, found: searched.filter((f) => isFile(f)) };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Reads and merges the kubeconfig files; null when there is none. The first file's current-context wins, as in kubectl. */
export function loadKubeconfig(source: KubeconfigSource = {}): LoadedKubeconfig | null {
  const { found } = kubeconfigFiles(source);
  if (found.length === 0) return null;
  const config = new KubeConfig();
  for (const [i, file] of found.entries()) {
    try {
      if (i === 0) {
        config.loadFromFile(file);
      } else {
        const next = new KubeConfig();
        next.loadFromFile(file);
        mergeKeepingFirst(config, next);
      }
    } catch (error) {
      throw new ModelDockError({
        code: 'kubeconfig-invalid',
        title: 'Your kubeconfig cannot be read',
        message: `${file} is not a valid kubeconfig (${firstLine(error)}).`,
        fix: 'Fix the file (kubectl config view shows what kubectl makes of it), or point KUBECONFIG at another one.',
        detail: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { config, files: found };
}

/** kubectl's merge rule: the first file that sets an entry wins; later duplicates are ignored, not errors. */
function mergeKeepingFirst(into: KubeConfig, from: KubeConfig): void {
  if (!into.currentContext && from.currentContext) into.setCurrentContext(from.currentContext);
  for (const c of from.clusters) if (!into.getCluster(c.name)) into.addCluster(c);
  for (const u of from.users) if (!into.getUser(u.name)) into.addUser(u);
  for (const c of from.contexts) if (!into.getContextObject(c.name)) into.addContext(c);
}

export function listContexts(source: KubeconfigSource = {}): ClusterList {
  const loaded = loadKubeconfig(source);
  if (!loaded) return { found: false, files: kubeconfigFiles(source).searched, contexts: [], current: null };
  const { config, files } = loaded;
  const names = new Set(config.contexts.map((c) => c.name));
  const current = config.currentContext && names.has(config.currentContext) ? config.currentContext : null;
  const contexts: KubeContext[] = config.contexts.map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: config.getCluster(c.cluster)?.server ?? null,
    namespace: c.namespace ?? null,
    user: c.user,
    current: c.name === current,
  }));
  return { found: true, files, contexts, current };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
}
