import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { SpecDocument } from '../../../shared/schemas/app';
import type { MonitorThresholds } from '../../../shared/schemas/monitor-live';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { notSavedReason } from '../deploy/use-deploy-spec';

export interface Thresholds {
  driftThreshold: number;
  errorRate: number;
  latencyP99Ms: number;
  minAccuracy: number | null;
}

export const DEFAULT_THRESHOLDS: Thresholds = { driftThreshold: 0.2, errorRate: 0.05, latencyP99Ms: 500, minAccuracy: null };

export type ThresholdSave = { kind: 'idle' | 'pending' | 'saving' | 'saved' } | { kind: 'error'; error: ErrorInfo } | { kind: 'blocked'; reason: string };

const SAVE_DELAY_MS = 700;
const SECTION_COMMENT = 'Model monitoring: drift window and threshold, alert thresholds (the Monitor step and the exported alert rules).';

export function toRequestThresholds(t: Thresholds): MonitorThresholds {
  return { driftThreshold: t.driftThreshold, errorRate: t.errorRate, latencyP99Ms: t.latencyP99Ms, ...(t.minAccuracy !== null ? { minAccuracy: t.minAccuracy } : {}) };
}

/**
 * The thresholds of the spec's monitoring: section (driftThreshold and alerts.*): read once, edited on screen and
 * written back shortly after each change. The section's other keys (window, profile) are taken from the file as
 * it is then; the engine writes only the values that changed, so the rest of the spec and its comments stay.
 */
export function useMonitorSpec(modelPath: string): { thresholds: Thresholds; setThresholds: (t: Thresholds) => void; save: ThresholdSave; doc: SpecDocument | null; flush: () => Promise<void> } {
  const [doc, setDoc] = useState<SpecDocument | null>(null);
  const [thresholds, setState] = useState<Thresholds>(DEFAULT_THRESHOLDS);
  const [save, setSave] = useState<ThresholdSave>({ kind: 'idle' });
  const latest = useRef(thresholds);
  const docRef = useRef<SpecDocument | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let live = true;
    void api.call('spec.forModel', { modelPath }).then((found) => {
      if (!live) return;
      docRef.current = found;
      setDoc(found);
      const m = found.spec?.monitoring;
      const next: Thresholds = {
        driftThreshold: m?.driftThreshold ?? DEFAULT_THRESHOLDS.driftThreshold,
        errorRate: m?.alerts?.errorRate ?? DEFAULT_THRESHOLDS.errorRate,
        latencyP99Ms: m?.alerts?.latencyP99Ms ?? DEFAULT_THRESHOLDS.latencyP99Ms,
        minAccuracy: m?.alerts?.minAccuracy ?? null,
      };
      latest.current = next;
      setState(next);
    }).catch((e: unknown) => { if (live) setSave({ kind: 'error', error: errorInfoOf(e) }); });
    return () => { live = false; };
  }, [modelPath]);

  const write = useCallback(async () => {
    const base = docRef.current;
    if (!base) return;
    setSave({ kind: 'saving' });
    try {
      const onDisk = base.exists ? await api.call('spec.read', { path: base.specPath }) : base;
      if (onDisk.exists && !onDisk.spec) {
        setSave({ kind: 'blocked', reason: `${onDisk.specPath} has problems (${onDisk.issues[0]?.message ?? 'invalid'}); nothing was saved.` });
        return;
      }
      const t = latest.current;
      const current: Partial<NonNullable<NonNullable<SpecDocument['spec']>['monitoring']>> = onDisk.spec?.monitoring ?? {};
      const { minAccuracy: _old, ...otherAlerts } = current.alerts ?? {};
      void _old;
      const section = {
        ...current,
        driftThreshold: t.driftThreshold,
        alerts: { ...otherAlerts, errorRate: t.errorRate, latencyP99Ms: t.latencyP99Ms, ...(t.minAccuracy !== null ? { minAccuracy: t.minAccuracy } : {}) },
      };
      const written = await api.call('spec.writeSection', {
        path: base.specPath,
        section: 'monitoring',
        value: section,
        headComment: SECTION_COMMENT,
        ...(base.exists ? {} : { starterText: base.text }),
      });
      if (!written.spec) {
        setSave({ kind: 'blocked', reason: notSavedReason(written, 'monitoring') });
        return;
      }
      docRef.current = written;
      setDoc(written);
      setSave({ kind: 'saved' });
    } catch (e) {
      setSave({ kind: 'error', error: errorInfoOf(e) });
    }
  }, []);

  const setThresholds = useCallback((next: Thresholds) => {
    latest.current = next;
    setState(next);
    if (timer.current) clearTimeout(timer.current);
    setSave({ kind: 'pending' });
    timer.current = setTimeout(() => { timer.current = null; void write(); }, SAVE_DELAY_MS);
  }, [write]);

  /** Writes a pending change now (the export reads the spec from disk). */
  const flush = useCallback(async () => {
    if (!timer.current) return;
    clearTimeout(timer.current);
    timer.current = null;
    await write();
  }, [write]);

  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);
  return { thresholds, setThresholds, save, doc, flush };
}
