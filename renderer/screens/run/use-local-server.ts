import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { ServerStatus } from '../../../shared/schemas/serve';
import type { StepProgress } from '../../../shared/schemas/validation';
import { api } from '../../api/client';
import { errorInfoOf, isCancelled } from '../../api/api-error';
import { useWorkbench } from '../../state/workbench';
import { usePoll } from './use-poll';

export interface LocalServer {
  status: ServerStatus | null;
  /** True until the first serve.status answer: the screen does not flash "not running" for a running server. */
  loading: boolean;
  starting: boolean;
  stopping: boolean;
  progress: StepProgress | null;
  error: ErrorInfo | null;
  dismissError(): void;
  start(port: number | undefined): Promise<void>;
  stop(): Promise<void>;
  cancelStart(): void;
}

const LIVE_STATES = new Set(['starting', 'ready', 'stopping']);

/** The open model's local server as the engine knows it; it keeps running while the user visits other steps. */
export function useLocalServer(modelPath: string): LocalServer {
  const { reportRunOutcome } = useWorkbench();
  const [status, setStatus] = useState<ServerStatus | null>(null);
  const [loading, setLoading] = useState(true);
  const [starting, setStarting] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [progress, setProgress] = useState<StepProgress | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const startAbort = useRef<AbortController | null>(null);

  const refresh = useCallback(async () => {
    const { servers } = await api.call('serve.status', { modelPath });
    setStatus(servers[0] ?? null);
    setLoading(false);
  }, [modelPath]);

  useEffect(() => { void refresh().catch((e: unknown) => { setError(errorInfoOf(e)); setLoading(false); }); }, [refresh]);
  // A server can stop on its own (crash, killed): keep watching while it is supposed to be up.
  usePoll(refresh, 2000, !!status && LIVE_STATES.has(status.state) && !starting && !stopping);

  useEffect(() => {
    if (!status) return;
    if (status.state === 'ready') reportRunOutcome(modelPath, 'serving');
    else if (status.state === 'failed') reportRunOutcome(modelPath, 'error');
    else if (status.state === 'stopped') reportRunOutcome(modelPath, 'idle');
  }, [status, modelPath, reportRunOutcome]);

  const start = useCallback(async (port: number | undefined) => {
    const controller = new AbortController();
    startAbort.current = controller;
    setStarting(true);
    setError(null);
    setProgress(null);
    try {
      const next = await api.call('serve.start', { modelPath, port, restart: false }, { signal: controller.signal, onProgress: setProgress });
      setStatus(next);
    } catch (e) {
      if (!isCancelled(e) && !controller.signal.aborted) {
        setError(errorInfoOf(e));
        reportRunOutcome(modelPath, 'error');
      }
      await refresh().catch(() => {});
    } finally {
      setStarting(false);
      setProgress(null);
      startAbort.current = null;
    }
  }, [modelPath, refresh, reportRunOutcome]);

  const stop = useCallback(async () => {
    setStopping(true);
    setError(null);
    try {
      setStatus(await api.call('serve.stop', { modelPath }));
    } catch (e) {
      setError(errorInfoOf(e));
      await refresh().catch(() => {});
    } finally {
      setStopping(false);
    }
  }, [modelPath, refresh]);

  const cancelStart = useCallback(() => {
    startAbort.current?.abort();
    void api.call('serve.stop', { modelPath }).then(setStatus).catch(() => {});
  }, [modelPath]);

  return { status, loading, starting, stopping, progress, error, dismissError: () => setError(null), start, stop, cancelStart };
}
