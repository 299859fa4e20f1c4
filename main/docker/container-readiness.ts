import { startCancelledError, exitedError, notReadyError } from './container-errors';
import { discard, urlOf, waitForLogEnd, type TrackedContainer } from './container-tracked';

/** Whether a model server is ready (its /readyz), and waiting until a starting container's is. */

const READY_POLL_MS = 40;

export async function answersReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
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
