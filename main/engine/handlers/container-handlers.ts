import type { EngineServices, Handlers } from '../types';

type ContainerCalls = 'container.run' | 'container.stop' | 'container.status' | 'container.list' | 'container.logs'
  | 'container.stats' | 'container.try' | 'container.loadTest' | 'container.cleanup';

/** Containers run from serving images: the ContainerManager does the work, these only unpack the requests. */
export function containerHandlers(services: EngineServices): Pick<Handlers, ContainerCalls> {
  const containers = services.containers;
  return {
    async 'container.run'(request, { onProgress, signal }) {
      return containers.run(request, { onProgress, signal });
    },
    async 'container.stop'({ id, remove, context }) {
      return containers.stop(id, { remove, context });
    },
    async 'container.status'({ id, context }) {
      return containers.status(id, context);
    },
    async 'container.list'({ context }) {
      return { containers: await containers.list(context) };
    },
    async 'container.logs'({ id, afterSeq, limit, context }) {
      return containers.logs(id, afterSeq, limit, context);
    },
    async 'container.stats'({ id, context }) {
      return containers.stats(id, context);
    },
    async 'container.try'({ id, protocol, body, image, context }) {
      return containers.try(id, protocol, body, context, image);
    },
    async 'container.loadTest'(request, { onProgress, signal }) {
      return containers.loadTest(request, { onProgress, signal });
    },
    async 'container.cleanup'({ context }) {
      return containers.cleanup(context);
    },
  };
}
