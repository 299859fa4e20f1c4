import { ModelDockError } from '../../shared/errors';
import type { TrackedContainer } from './container-tracked';

/** The errors a container can end in, each naming the container and, where it helps, its last log lines. */

const LOG_LINES_IN_ERRORS = 12;

function lastLines(tracked: TrackedContainer): string[] {
  const problems = tracked.logs.problems(LOG_LINES_IN_ERRORS);
  const lines = problems.length ? problems : tracked.logs.tail(LOG_LINES_IN_ERRORS);
  // The runtime says a fatal problem twice (a JSON line on stdout, a sentence on stderr): show it once.
  const seen = new Set<string>();
  return lines.map((l) => l.message).filter((m) => {
    const gist = m.replace(/^[\w-]+: /, '');
    if (seen.has(gist)) return false;
    seen.add(gist);
    return true;
  });
}

function logExcerpt(tracked: TrackedContainer): string {
  const lines = lastLines(tracked);
  return lines.length ? `\nIts last log lines:\n${lines.map((l) => `  ${l}`).join('\n')}` : ' It wrote nothing to its log.';
}

function logDetail(tracked: TrackedContainer): string {
  return tracked.logs.tail(50).map((l) => l.raw).join('\n');
}

export function exitedError(tracked: TrackedContainer, code: number | null, afterReady = false): ModelDockError {
  const oom = code === 137 && tracked.memoryMB ? ` (137 usually means it ran out of its ${tracked.memoryMB} MB memory limit)` : '';
  return new ModelDockError({
    code: 'container-exited',
    title: afterReady ? 'The container stopped' : 'The container stopped right after starting',
    message: `The model server in ${tracked.image} exited with code ${code ?? 'unknown'}${oom}${afterReady ? '' : ' before it was ready'}.`
      + logExcerpt(tracked),
    fix: code === 2
      ? 'A setting is invalid (see the log lines): fix the environment override or the spec and run it again.'
      : 'Read the log lines above; fix the cause (settings, memory limit) and run it again.',
    detail: logDetail(tracked),
  });
}

export function notReadyError(tracked: TrackedContainer, timeoutMs: number): ModelDockError {
  return new ModelDockError({
    code: 'container-ready-timeout',
    title: 'The model was not ready in time',
    message: `The container from ${tracked.image} did not report ready within ${Math.round(timeoutMs / 100) / 10} s; it was stopped and removed.`
      + logExcerpt(tracked),
    fix: 'A large model may need longer: raise the readiness timeout, or give the container more CPU and memory.',
    detail: logDetail(tracked),
  });
}

export function startCancelledError(): ModelDockError {
  return new ModelDockError({ code: 'cancelled', title: 'Cancelled', message: 'Starting the container was cancelled; it was removed.' });
}

export function portMissingError(image: string, containerPort: number): ModelDockError {
  return new ModelDockError({
    code: 'container-port-missing',
    title: 'The container has no published port',
    message: `Docker did not publish port ${containerPort} of ${image} on 127.0.0.1.`,
    fix: 'Try again; if it keeps happening, restart Docker.',
  });
}

/** Asked to answer a request (Try, load test) while starting, stopped or removed. */
export function notAnsweringError(tracked: TrackedContainer): ModelDockError {
  return new ModelDockError({
    code: 'container-not-ready',
    title: 'The container is not ready',
    message: `Container ${tracked.name} is ${tracked.state}, so it cannot answer requests.`,
    fix: tracked.state === 'starting' ? 'Wait until it is ready, then try again.' : 'Start a new container from the image.',
  });
}

export function metadataFailedError(tracked: TrackedContainer, error: unknown): ModelDockError {
  return new ModelDockError({
    code: 'container-metadata-failed',
    title: 'Could not read the model\'s inputs from the container',
    message: `The server in ${tracked.name} did not describe its inputs (${(error as Error).message}).`,
    fix: 'Write the request body yourself, or check the container\'s logs.',
  });
}

export function loadTestRefusedError(status: number, body: string): ModelDockError {
  return new ModelDockError({
    code: 'load-test-request-refused',
    title: 'The model refused the test request',
    message: `The container answered HTTP ${status} to the request the load test would send: ${body.slice(0, 300)}`,
    fix: 'Fix the request body (send it once with Try to see why), then run the load test again.',
  });
}

export function missingError(id: string): ModelDockError {
  return new ModelDockError({
    code: 'container-missing',
    title: 'That container is gone',
    message: `There is no container "${id}" (it was removed, or never existed).`,
    fix: 'Start a new container from the image.',
  });
}

export function notManagedError(name: string): ModelDockError {
  return new ModelDockError({
    code: 'container-not-managed',
    title: 'That container is not ModelDock\'s',
    message: `Container ${name} was not started by ModelDock, so ModelDock leaves it alone.`,
    fix: 'Use the docker command line for containers started outside ModelDock.',
  });
}

export function closedError(): ModelDockError {
  return new ModelDockError({ code: 'engine-closed', title: 'ModelDock is shutting down', message: 'No container can be started now.' });
}
