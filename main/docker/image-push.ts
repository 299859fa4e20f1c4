import type Docker from 'dockerode';
import { ModelDockError } from '../../shared/errors';
import type { RegistryCredential } from './credential-store';
import { registryOfReference } from './credential-store';
import { dockerError } from './docker-errors';
import { followDockerStream, type StreamMessage } from './docker-stream';
import { splitReference } from './image-reference';

/**
 * Tag an image for a registry and push it, reporting per-layer progress, and answer with the digest the
 * registry gave (the pinned reference a Kubernetes manifest should use).
 */

export interface PushProgress {
  layers: Record<string, string>;
  bytesDone: number;
  bytesTotal: number;
  fraction: number;
  line: string | null;
}

export interface PushResult {
  reference: string;
  digest: string;
  pinned: string;
  at: string;
  imageId: string;
}

export interface PushOptions {
  /** The local image: "name:tag" or an id. */
  image: string;
  /** "registry/name:tag"; absent: the image's own name, which must then name a registry. */
  target?: string;
  credential: RegistryCredential | null;
  signal?: AbortSignal;
  onProgress?: (progress: PushProgress) => void;
}

interface PushEvent extends StreamMessage {
  id?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: { Tag?: string; Digest?: string; Size?: number };
}

/** Where the image goes: an explicit target, or the image's own reference when that names a registry. */
export function pushTarget(image: string, target?: string): { repo: string; tag: string; reference: string; registry: string } {
  const wanted = target ?? image;
  const explicitRegistry = wanted.includes('/') && registryOfReference(wanted) !== 'docker.io';
  if (!target && (!explicitRegistry || /^sha256:|^[0-9a-f]{12,64}$/.test(image))) {
    throw new ModelDockError({
      code: 'push-target-missing',
      title: 'Where should the image go?',
      message: `"${image}" does not name a registry, so ModelDock does not know where to push it.`,
      fix: 'Give a target with the registry in it, e.g. --to registry.example.com/team/iris:1 (or 127.0.0.1:5000/iris:1).',
    });
  }
  const [repo, tag] = splitReference(wanted);
  if (/[@\s]/.test(wanted) || !/^[a-z0-9][a-z0-9._:/-]*$/.test(repo) || (tag !== '' && !/^[\w][\w.-]{0,127}$/.test(tag))) {
    throw new ModelDockError({
      code: 'push-target-invalid',
      title: 'That image name cannot be pushed',
      message: `"${wanted}" is not a valid image reference (lower-case registry/name:tag, no digest).`,
      fix: 'Use a name like registry.example.com/team/iris:1.',
    });
  }
  return { repo, tag: tag || 'latest', reference: `${repo}:${tag || 'latest'}`, registry: registryOfReference(wanted) };
}

export async function pushImage(docker: Docker, options: PushOptions): Promise<PushResult> {
  let imageId: string;
  try {
    imageId = (await docker.getImage(options.image).inspect()).Id;
  } catch (error) {
    throw dockerError(error, { action: 'pull', image: options.image });
  }
  const target = pushTarget(options.image, options.target);
  try {
    await docker.getImage(imageId).tag({ repo: target.repo, tag: target.tag });
  } catch (error) {
    throw dockerError(error, { action: 'push', image: target.reference, registry: target.registry });
  }

  const layers: Record<string, string> = {};
  const bytes = new Map<string, { current: number; total: number }>();
  let digest: string | null = null;
  const report = (line: string | null) => {
    let done = 0;
    let total = 0;
    for (const b of bytes.values()) { done += b.current; total += b.total; }
    const ids = Object.keys(layers);
    const finished = ids.filter((id) => /pushed|already exists|mounted/i.test(layers[id])).length;
    const fraction = total > 0 ? Math.min(1, done / total) : ids.length ? finished / ids.length : 0;
    options.onProgress?.({ layers: { ...layers }, bytesDone: done, bytesTotal: total, fraction, line });
  };
  const onEvent = (event: PushEvent) => {
    if (event.aux?.Digest) digest = event.aux.Digest;
    const said = event.status ?? null;
    if (said && !digest) digest = /digest: (sha256:[0-9a-f]{64})/.exec(said)?.[1] ?? null;
    if (event.id && said && !/^(The push refers to|Preparing)/.test(said) && event.id !== target.tag) {
      layers[event.id] = said;
      const detail = event.progressDetail;
      const known = bytes.get(event.id) ?? { current: 0, total: 0 };
      if (detail?.total) bytes.set(event.id, { current: detail.current ?? known.current, total: detail.total });
      else if (/pushed|already exists|mounted/i.test(said) && known.total) bytes.set(event.id, { current: known.total, total: known.total });
    } else if (event.id && said === 'Preparing') {
      layers[event.id] = said;
    }
    report(said ? (event.id && event.id !== target.tag ? `${event.id}: ${said}` : said) : null);
  };

  try {
    const stream = await docker.getImage(target.reference).push({
      // The engine wants X-Registry-Auth even for an open registry; an empty object says "anonymous".
      authconfig: options.credential
        ? { username: options.credential.username, password: options.credential.password, serveraddress: target.registry }
        : {},
      abortSignal: options.signal,
    } as unknown as Docker.ImagePushOptions);
    await followDockerStream<PushEvent>(docker, stream, onEvent);
  } catch (error) {
    throw dockerError(error, { action: 'push', image: target.reference, registry: target.registry });
  }
  if (!digest) {
    throw new ModelDockError({
      code: 'push-no-digest',
      title: 'The registry did not say what it stored',
      message: `The push of ${target.reference} finished without a digest from ${target.registry}.`,
      fix: 'Push again; if it keeps happening, check the registry\'s own logs.',
    });
  }
  return { reference: target.reference, digest, pinned: `${target.repo}@${digest}`, at: new Date().toISOString(), imageId };
}

/** Asks the engine to check a login against the registry (docker login without storing anything). */
export async function checkRegistryLogin(docker: Docker, credential: RegistryCredential): Promise<void> {
  try {
    await docker.checkAuth({ username: credential.username, password: credential.password, serveraddress: credential.registry });
  } catch (error) {
    throw dockerError(error, { action: 'login', registry: credential.registry });
  }
}
