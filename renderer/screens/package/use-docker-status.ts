import { useCallback, useEffect, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { DockerStatus } from '../../../shared/schemas/docker';
import type { StepProgress } from '../../../shared/schemas/validation';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';

export interface DockerState {
  status: DockerStatus | null;
  checking: boolean;
  /** The status call itself failed (not "Docker is down", which is a status with available=false). */
  error: ErrorInfo | null;
  refresh(): Promise<void>;
  /** Talk to another Docker Engine (a docker context); null: the docker CLI's own choice. */
  chooseContext(context: string | null): Promise<void>;
  makingBase: boolean;
  baseProgress: StepProgress | null;
  baseError: ErrorInfo | null;
  makeBase(): Promise<void>;
}

/** Whether a Docker Engine answers and what it has; the offline base image is made from here. */
export function useDockerStatus(): DockerState {
  const [status, setStatus] = useState<DockerStatus | null>(null);
  const [checking, setChecking] = useState(true);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [makingBase, setMakingBase] = useState(false);
  const [baseProgress, setBaseProgress] = useState<StepProgress | null>(null);
  const [baseError, setBaseError] = useState<ErrorInfo | null>(null);

  const refresh = useCallback(async () => {
    setChecking(true);
    try {
      setStatus(await api.call('docker.status', {}));
      setError(null);
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => { void refresh(); }, [refresh]);

  const chooseContext = useCallback(async (context: string | null) => {
    setChecking(true);
    try {
      setStatus(await api.call('docker.useContext', { context }));
      setError(null);
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setChecking(false);
    }
  }, []);

  const makeBase = useCallback(async () => {
    setMakingBase(true);
    setBaseError(null);
    setBaseProgress(null);
    try {
      await api.call('docker.makeBase', { force: false }, { onProgress: setBaseProgress });
      await refresh();
    } catch (e) {
      setBaseError(errorInfoOf(e));
    } finally {
      setMakingBase(false);
      setBaseProgress(null);
    }
  }, [refresh]);

  return { status, checking, error, refresh, chooseContext, makingBase, baseProgress, baseError, makeBase };
}
