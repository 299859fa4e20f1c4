import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { ConvertPhase, ConvertPlan, ConvertResult } from '../../../shared/schemas/convert';
import { api } from '../../api/client';
import { errorInfoOf, isCancelled } from '../../api/api-error';

const KEEP_LINES = 2000;

export interface RecipeInputs {
  pythonPath?: string;
  inputShape?: number[];
  modelClass?: string;
}

export interface LogLine {
  text: string;
  stream: 'stdout' | 'stderr' | 'engine';
}

export interface Conversion {
  plan: ConvertPlan | null;
  planning: boolean;
  planError: ErrorInfo | null;
  /** Asks again with other choices (interpreter, shape, class); `refresh` probes the interpreters anew. */
  replan(inputs: RecipeInputs, refresh?: boolean): void;
  running: boolean;
  phase: ConvertPhase | null;
  lines: LogLine[];
  result: ConvertResult | null;
  runError: ErrorInfo | null;
  cancelled: boolean;
  run(inputs: RecipeInputs & { pythonPath: string; acceptRisk: boolean }): Promise<void>;
  cancel(): void;
}

/**
 * The way to ONNX for one model file: the plan (recipe, interpreters, packages) and a conversion run with its
 * streamed log. Answers that arrive after the user changed their choices, or after another file was opened, are
 * dropped.
 */
export function useConversion(modelPath: string): Conversion {
  const [plan, setPlan] = useState<ConvertPlan | null>(null);
  const [planning, setPlanning] = useState(false);
  const [planError, setPlanError] = useState<ErrorInfo | null>(null);
  const [running, setRunning] = useState(false);
  const [phase, setPhase] = useState<ConvertPhase | null>(null);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [result, setResult] = useState<ConvertResult | null>(null);
  const [runError, setRunError] = useState<ErrorInfo | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const planSeq = useRef(0);
  const runAbort = useRef<AbortController | null>(null);
  // Progress lines arrive faster than React should render; they are batched once per animation frame.
  const pending = useRef<LogLine[]>([]);
  const flushQueued = useRef(false);

  const replan = useCallback((inputs: RecipeInputs, refresh = false) => {
    const seq = ++planSeq.current;
    setPlanning(true);
    setPlanError(null);
    api.call('convert.plan', {
      path: modelPath,
      ...(inputs.pythonPath ? { pythonPath: inputs.pythonPath } : {}),
      ...(inputs.inputShape ? { inputShape: inputs.inputShape } : {}),
      ...(inputs.modelClass ? { modelClass: inputs.modelClass } : {}),
      refresh,
    }).then((answer) => {
      if (seq === planSeq.current) setPlan(answer);
    }, (error: unknown) => {
      if (seq === planSeq.current) setPlanError(errorInfoOf(error));
    }).finally(() => {
      if (seq === planSeq.current) setPlanning(false);
    });
  }, [modelPath]);

  useEffect(() => {
    setPlan(null);
    setResult(null);
    setRunError(null);
    setLines([]);
    setPhase(null);
    setCancelled(false);
    replan({});
    return () => {
      planSeq.current += 1;
      runAbort.current?.abort();
    };
  }, [modelPath, replan]);

  const flush = useCallback(() => {
    flushQueued.current = false;
    const batch = pending.current;
    pending.current = [];
    if (batch.length) setLines((old) => [...old, ...batch].slice(-KEEP_LINES));
  }, []);

  const run = useCallback(async (inputs: RecipeInputs & { pythonPath: string; acceptRisk: boolean }) => {
    runAbort.current?.abort();
    const controller = new AbortController();
    runAbort.current = controller;
    setRunning(true);
    setResult(null);
    setRunError(null);
    setCancelled(false);
    setLines([]);
    setPhase('checking');
    pending.current = [];
    try {
      const answer = await api.call('convert.run', {
        path: modelPath,
        pythonPath: inputs.pythonPath,
        acceptRisk: inputs.acceptRisk,
        ...(inputs.inputShape ? { inputShape: inputs.inputShape } : {}),
        ...(inputs.modelClass ? { modelClass: inputs.modelClass } : {}),
      }, {
        signal: controller.signal,
        onProgress: (event) => {
          if (controller.signal.aborted) return;
          setPhase(event.phase);
          pending.current.push({ text: event.line, stream: event.stream });
          if (!flushQueued.current) {
            flushQueued.current = true;
            requestAnimationFrame(flush);
          }
        },
      });
      if (controller.signal.aborted) return;
      flush();
      setResult(answer);
      // Streamed lines keep their stream (stderr shows as such); the engine's log stands in if none arrived.
      setLines((old) => (old.length ? old : answer.log.map((text) => ({ text, stream: 'stdout' as const }))));
      setPhase('done');
    } catch (error) {
      flush();
      if (controller.signal.aborted || isCancelled(error)) {
        setCancelled(true);
        return;
      }
      setRunError(errorInfoOf(error));
    } finally {
      if (runAbort.current === controller) {
        runAbort.current = null;
        setRunning(false);
      }
    }
  }, [modelPath, flush]);

  const cancel = useCallback(() => {
    runAbort.current?.abort();
    setCancelled(true);
    setRunning(false);
  }, []);

  return { plan, planning, planError, replan, running, phase, lines, result, runError, cancelled, run, cancel };
}
