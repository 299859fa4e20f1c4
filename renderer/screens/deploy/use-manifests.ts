import { useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { DeployManifests, DeployManifestsRequestInput } from '../../../shared/schemas/kubernetes';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';

export interface ManifestsState {
  manifests: DeployManifests | null;
  /** The request the shown manifests were made from (export sends the same). */
  request: DeployManifestsRequestInput | null;
  updating: boolean;
  error: ErrorInfo | null;
}

/** The manifests and their checks, regenerated a moment after the request changes; stale answers are dropped. */
export function useManifests(request: DeployManifestsRequestInput | null): ManifestsState {
  const [state, setState] = useState<ManifestsState>({ manifests: null, request: null, updating: false, error: null });
  const key = request ? JSON.stringify(request) : '';
  const callId = useRef(0);
  useEffect(() => {
    const id = ++callId.current;
    if (!request) {
      setState((s) => ({ ...s, updating: false }));
      return;
    }
    setState((s) => ({ ...s, updating: true }));
    const timer = setTimeout(async () => {
      try {
        const manifests = await api.call('deploy.manifests', request);
        if (id === callId.current) setState({ manifests, request, updating: false, error: null });
      } catch (e) {
        if (id === callId.current) setState((s) => ({ ...s, updating: false, error: errorInfoOf(e) }));
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}
