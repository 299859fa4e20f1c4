import {
  dockerConfigCredentials, findCredential, normalizeRegistry, SessionCredentialStore,
} from '../../docker/credential-store';
import { checkRegistryLogin, pushImage, pushTarget } from '../../docker/image-push';
import type { EngineServices, Handlers } from '../types';

/** Registry logins (checked by the engine, kept by the credential store) and image pushes. */
export function registryHandlers(services: EngineServices): Pick<Handlers, 'image.push' | 'registry.login' | 'registry.logout' | 'registry.list'> {
  const kept = services.credentials;
  // Logins the user did not ask to remember live here, whatever kind of store the app has.
  const session = kept.kind === 'session' ? kept : new SessionCredentialStore();

  async function listRegistries() {
    const seen = new Set<string>();
    const registries: Array<{ registry: string; username: string; storedIn: 'keychain' | 'session' | 'docker-config' }> = [];
    const sources = session === kept ? [{ store: kept, storedIn: kept.kind }] : [{ store: session, storedIn: 'session' as const }, { store: kept, storedIn: kept.kind }];
    for (const { store, storedIn } of sources) {
      for (const r of await store.list()) {
        const key = normalizeRegistry(r.registry);
        if (seen.has(key)) continue;
        seen.add(key);
        registries.push({ registry: key, username: r.username, storedIn });
      }
    }
    for (const c of dockerConfigCredentials()) {
      if (seen.has(c.registry)) continue;
      seen.add(c.registry);
      registries.push({ registry: c.registry, username: c.username, storedIn: 'docker-config' });
    }
    return { registries };
  }

  return {
    async 'image.push'({ image, target, context }, { onProgress, signal }) {
      const { docker } = await services.docker.get(context);
      const { registry } = pushTarget(image, target);
      const found = (session !== kept ? await session.get(normalizeRegistry(registry)) : null)
        ?? (await findCredential(kept, registry))?.credential ?? null;
      const result = await pushImage(docker, { image, target, credential: found, signal, onProgress });
      await services.builds.addPush(result.imageId, { reference: result.reference, digest: result.digest, at: result.at });
      return { reference: result.reference, digest: result.digest, pinned: result.pinned, at: result.at };
    },
    async 'registry.login'({ registry, username, password, remember, context }) {
      const { docker } = await services.docker.get(context);
      const credential = { registry: normalizeRegistry(registry), username, password };
      await checkRegistryLogin(docker, credential);
      const store = remember ? kept : session;
      await (store === kept ? session : kept).delete(credential.registry).catch(() => {});
      await store.set(credential);
      return { registry: credential.registry, username, storedIn: store.kind };
    },
    async 'registry.logout'({ registry }) {
      const key = normalizeRegistry(registry);
      await Promise.all([kept.delete(key), session.delete(key)]);
      return listRegistries();
    },
    async 'registry.list'() {
      return listRegistries();
    },
  };
}
