import * as http from 'node:http';
import { startCancelledError, exitedError, notReadyError } from './container-errors';
import { discard, urlOf, waitForLogEnd, type TrackedContainer } from './container-tracked';

/** Whether a model server is ready (its /readyz), and waiting until a starting container's is. */

const READY_POLL_MS = 40;

/**
 * One GET /readyz with node:http. Not fetch: right after a container starts, docker-proxy may accept the connection
 * and never answer, and fetch's timeout (an unref'd timer) then leaves a promise that never settles in a process
 * with nothing else to do (the CLI). A socket timeout here always ends the attempt.
 */
export function answersReady(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${url}/readyz`, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200));
      response.on('error', () => resolve(false));
    });
    request.setTimeout(timeoutMs, () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** Polls until the model is ready; a container that exits, times out or is cancelled is discarded and reported. */
export async function waitUntilReady(tracked: TrackedContainer, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const url = urlOf(tracked);
  const deadline = performance.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void tracked.exited.then((code) => { exitCode = code; });
  while (true) {
    if (signal?.aborted) {
      await discard(tracked);
      throw startCancelledError();
    }
    if (exitCode !== undefined) {
      await waitForLogEnd(tracked);
      tracked.exitCode = exitCode;
      const error = exitedError(tracked, exitCode);
      await discard(tracked, error);
      throw error;
    }
    if (performance.now() > deadline) {
      const error = notReadyError(tracked, timeoutMs);
      await discard(tracked, error);
      throw error;
    }
    if (await answersReady(url)) return;
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}
