import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { BuildRecord, ContainerStatus } from '../../../shared/schemas/docker';
import type { StepProgress } from '../../../shared/schemas/validation';
import { api } from '../../api/client';
import { errorInfoOf, isCancelled } from '../../api/api-error';
import { useWorkbench } from '../../state/workbench';
import { usePoll } from './use-poll';

export interface ContainerSettings {
  image: string;
  port?: number;
  cpus?: number;
  memoryMB?: number;
  env: Record<string, string>;
}

export interface ModelContainer {
  status: ContainerStatus | null;
  starting: boolean;
  stopping: boolean;
  progress: StepProgress | null;
  error: ErrorInfo | null;
  dismissError(): void;
  start(settings: ContainerSettings): Promise<void>;
  stop(): Promise<void>;
  cancelStart(): void;
}

const LIVE_STATES = new Set(['starting', 'ready', 'unhealthy', 'stopping']);

export function isLive(status: ContainerStatus | null): boolean {
  return !!status && LIVE_STATES.has(status.state);
}

/**
 * The open model's container, as the engine knows it: found again when the user comes back to the Run step
 * (a container started from one of this model's images keeps running while other steps are visited).
 */
export function useContainer(modelPath: string, builds: BuildRecord[] | null): ModelContainer {
  const { reportRunOutcome } = useWorkbench();
  const [status, setStatus] = useState<ContainerStatus | null>(null);
  const [starting, setStarting] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [progress, setProgress] = useState<StepProgress | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const startAbort = useRef<AbortController | null>(null);

  // Re-attach to a running container made from this model's images.
  useEffect(() => {
    if (!builds || status) return;
    const ids = new Set(builds.flatMap((b) => [b.imageId, b.reference]));
    let gone = false;
    api.call('container.list', {}).then(({ containers }) => {
      const mine = containers.find((c) => isLive(c) && (ids.has(c.imageId) || ids.has(c.image)));
      if (!gone && mine) setStatus((current) => current ?? mine);
    }).catch(() => { /* Docker may be down; the container card says so when the user acts. */ });
    return () => { gone = true; };
  }, [builds, status]);

  const refresh = useCallback(async () => {
    if (!status) return;
    setStatus(await api.call('container.status', { id: status.id }));
  }, [status]);

  // A container can exit on its own (crash, out of memory): keep watching while it should be up.
  usePoll(refresh, 2000, isLive(status) && !starting && !stopping);

  useEffect(() => {
    if (!status) return;
    if (status.state === 'ready') reportRunOutcome(modelPath, 'serving');
    else if (status.state === 'exited' && status.error) reportRunOutcome(modelPath, 'error');
    else if (status.state === 'removed' || status.state === 'exited') reportRunOutcome(modelPath, 'idle');
  }, [status, modelPath, reportRunOutcome]);

  const start = useCallback(async (settings: ContainerSettings) => {
    const controller = new AbortController();
    startAbort.current = controller;
    setStarting(true);
    setError(null);
    setProgress(null);
    try {
      const next = await api.call('container.run', { ...settings, readyTimeoutSeconds: 60 }, { signal: controller.signal, onProgress: setProgress });
      setStatus(next);
    } catch (e) {
      if (!isCancelled(e) && !controller.signal.aborted) {
        setError(errorInfoOf(e));
        reportRunOutcome(modelPath, 'error');
      }
    } finally {
      setStarting(false);
      setProgress(null);
      startAbort.current = null;
    }
  }, [modelPath, reportRunOutcome]);

  const stop = useCallback(async () => {
    if (!status) return;
    setStopping(true);
    setError(null);
    try {
      setStatus(await api.call('container.stop', { id: status.id, remove: true }));
    } catch (e) {
      setError(errorInfoOf(e));
      await refresh().catch(() => {});
    } finally {
      setStopping(false);
    }
  }, [status, refresh]);

  const cancelStart = useCallback(() => {
    startAbort.current?.abort();
  }, []);

  return { status, starting, stopping, progress, error, dismissError: () => setError(null), start, stop, cancelStart };
}
