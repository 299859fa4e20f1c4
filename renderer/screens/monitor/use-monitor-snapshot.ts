import { useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { MonitorSnapshot, MonitorTarget, MonitorThresholds } from '../../../shared/schemas/monitor-live';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { usePoll } from '../run/use-poll';

export const POLL_MS = 2000;

/** The chosen target's snapshot, read every 2 s by the engine (which also fetches URL targets). */
export function useMonitorSnapshot(target: MonitorTarget | null, thresholds: MonitorThresholds): { snapshot: MonitorSnapshot | null; error: ErrorInfo | null } {
  const [snapshot, setSnapshot] = useState<MonitorSnapshot | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const key = target ? JSON.stringify(target) : '';
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    // Another target: its numbers must not be shown under the old one's.
    setShownKey(key);
    setSnapshot(null);
    setError(null);
  }
  usePoll(async () => {
    if (!target) return;
    try {
      const next = await api.call('monitor.snapshot', { target, thresholds });
      setSnapshot(next);
      setError(null);
    } catch (e) {
      setError(errorInfoOf(e));
    }
  }, POLL_MS, !!target);
  return { snapshot, error };
}
