import { useCallback, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { BuildRecord, ImageBuildProgress, ImageBuildRequest } from '../../../shared/schemas/docker';
import { api } from '../../api/client';
import { errorInfoOf, isCancelled } from '../../api/api-error';

const KEEP_LINES = 5000;

export interface BuildStep {
  index: number;
  text: string;
  cached: boolean;
}

export interface ImageBuild {
  running: boolean;
  progress: ImageBuildProgress | null;
  /** Docker's steps as they were announced, with whether each came from the cache. */
  steps: BuildStep[];
  lines: string[];
  result: BuildRecord | null;
  error: ErrorInfo | null;
  cancelled: boolean;
  start(request: ImageBuildRequest): Promise<BuildRecord | null>;
  cancel(): void;
  dismiss(): void;
}

/** One build at a time: streamed steps and raw lines, the finished record, or the reason it failed. */
export function useImageBuild(): ImageBuild {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ImageBuildProgress | null>(null);
  const [steps, setSteps] = useState<BuildStep[]>([]);
  const [lines, setLines] = useState<string[]>([]);
  const [result, setResult] = useState<BuildRecord | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const onProgress = useCallback((event: ImageBuildProgress) => {
    setProgress(event);
    if (event.line !== null) {
      const line = event.line;
      setLines((old) => (old.length >= KEEP_LINES ? [...old.slice(-KEEP_LINES + 1), line] : [...old, line]));
    }
    if (event.phase === 'build' && event.stepIndex !== null && event.stepText !== null) {
      const step: BuildStep = { index: event.stepIndex, text: event.stepText.replace(/^Step \d+\/\d+\s*:\s*/, ''), cached: event.cached };
      setSteps((old) => {
        const at = old.findIndex((s) => s.index === step.index);
        if (at < 0) return [...old, step];
        if (old[at].cached === step.cached && old[at].text === step.text) return old;
        const next = [...old];
        next[at] = step;
        return next;
      });
    }
  }, []);

  const start = useCallback(async (request: ImageBuildRequest) => {
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setProgress(null);
    setSteps([]);
    setLines([]);
    setResult(null);
    setError(null);
    setCancelled(false);
    try {
      const record = await api.call('image.build', request, { signal: controller.signal, onProgress });
      setResult(record);
      return record;
    } catch (e) {
      if (isCancelled(e) || controller.signal.aborted) setCancelled(true);
      else setError(errorInfoOf(e));
      return null;
    } finally {
      setRunning(false);
      abort.current = null;
    }
  }, [onProgress]);

  const cancel = useCallback(() => abort.current?.abort(), []);
  const dismiss = useCallback(() => { setError(null); setCancelled(false); }, []);

  return { running, progress, steps, lines, result, error, cancelled, start, cancel, dismiss };
}
