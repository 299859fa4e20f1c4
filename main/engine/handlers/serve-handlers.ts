import type { EngineServices, Handlers } from '../types';

type ServeCalls = 'serve.start' | 'serve.stop' | 'serve.status' | 'serve.logs' | 'serve.metrics' | 'serve.example' | 'serve.try';

/** "Serve locally": the serving runtime as a child process of the engine (see main/serving/local-servers.ts). */
export function serveHandlers(services: EngineServices): Pick<Handlers, ServeCalls> {
  const servers = services.servers;
  /** The model's inputs as ONNX Runtime sees them, for sample request bodies. */
  const inputsOf = async (modelPath: string, signal: AbortSignal) => (await services.inference.describe(modelPath, { signal })).io.inputs;
  return {
    async 'serve.start'({ modelPath, specPath, port, restart }, { onProgress, signal }) {
      return servers.start(modelPath, {
        specPath, port, restart, signal,
        onStep: (step, index, total) => onProgress({ step, index, total }),
      });
    },
    async 'serve.stop'({ modelPath }) {
      return servers.stop(modelPath);
    },
    async 'serve.status'({ modelPath }) {
      return { servers: servers.list(modelPath) };
    },
    async 'serve.logs'({ modelPath, afterSeq, limit }) {
      return servers.logs(modelPath, afterSeq, limit);
    },
    async 'serve.metrics'({ modelPath }) {
      return servers.metrics(modelPath);
    },
    async 'serve.example'({ modelPath, protocol, body, image }, { signal }) {
      // The inputs are described once per model file (cached), and say whether a photo can be sent instead.
      return servers.example(modelPath, protocol, await inputsOf(modelPath, signal), body, image);
    },
    async 'serve.try'({ modelPath, protocol, body, image }, { signal }) {
      return servers.try(modelPath, protocol, body, body === undefined && !image ? await inputsOf(modelPath, signal) : [], image);
    },
  };
}
