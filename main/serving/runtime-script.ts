import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';

/**
 * The bundled serving runtime, dist/serving/modeldock-serve.js: beside the bundle that runs this code
 * (dist/modeldock.js, dist/main.js), or, from the TypeScript sources (tests, tsx), in the checkout's dist/.
 */
export function findServingRuntime(env: Record<string, string | undefined> = process.env): string {
  const candidates = [
    env.MODELDOCK_SERVE_SCRIPT,
    path.join(__dirname, 'serving', 'modeldock-serve.js'),
    path.resolve(__dirname, '..', '..', 'dist', 'serving', 'modeldock-serve.js'),
    path.resolve(__dirname, '..', 'dist', 'serving', 'modeldock-serve.js'),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((file) => fs.existsSync(file));
  if (found) return found;
  throw new ModelDockError({
    code: 'serve-runtime-missing',
    title: 'The serving runtime is not built',
    message: `ModelDock could not find modeldock-serve.js (looked in ${[...new Set(candidates.map((c) => path.dirname(c)))].join(', ')}).`,
    fix: 'Run `npm run build` in the ModelDock folder, then try again.',
  });
}

/** Node for the child: the same executable; inside Electron it must be told to behave as plain Node. */
export function runtimeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}

/** Whether nothing listens on host:port yet (checked before starting, so a clash is named plainly). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

export function portInUseError(port: number, host: string, usedBy?: string): ModelDockError {
  return new ModelDockError({
    code: 'port-in-use',
    title: `Port ${port} is already in use`,
    message: usedBy
      ? `${usedBy} is already being served on ${host}:${port}.`
      : `Another program is listening on ${host}:${port}, so the server cannot use it.`,
    fix: 'Pick another port, or leave the port empty to use any free one.',
  });
}
