import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ErrorInfo } from '../../shared/errors';
import type { SpecDocument } from '../../shared/schemas/app';
import type { ModelReport, RecentModel } from '../../shared/schemas/model';
import type { FixKind, StepProgress, ValidationReport } from '../../shared/schemas/validation';
import { api } from '../api/client';
import { errorInfoOf, isCancelled } from '../api/api-error';
import type { StepStatus } from '../components/StatusDot';

export type StepId = 'model' | 'test' | 'package' | 'run' | 'deploy' | 'monitor';

export interface Opening {
  label: string;
  /** 0..1 while a dropped file uploads; then the engine's steps. */
  upload: number | null;
  progress: StepProgress | null;
}

export type Validation =
  | { status: 'idle' }
  | { status: 'running'; progress: StepProgress | null }
  | { status: 'done'; report: ValidationReport }
  | { status: 'error'; error: ErrorInfo };

export interface Notice {
  text: string;
  path?: string;
}

export interface Workbench {
  step: StepId;
  setStep(step: StepId): void;
  model: ModelReport | null;
  spec: SpecDocument | null;
  opening: Opening | null;
  openError: ErrorInfo | null;
  dismissOpenError(): void;
  notice: Notice | null;
  dismissNotice(): void;
  recent: RecentModel[];
  validation: Validation;
  testStatus: 'idle' | 'done' | 'error';
  setTestStatus(status: 'idle' | 'done' | 'error'): void;
  browserOpen: boolean;
  setBrowserOpen(open: boolean): void;
  openPath(path: string): Promise<void>;
  openFile(file: File): Promise<void>;
  browse(): Promise<void>;
  validate(): Promise<void>;
  applyFix(kind: FixKind): Promise<void>;
  forget(path: string): Promise<void>;
  closeModel(): void;
}

const WorkbenchContext = createContext<Workbench | null>(null);

export function useWorkbench(): Workbench {
  const value = useContext(WorkbenchContext);
  if (!value) throw new Error('useWorkbench outside WorkbenchProvider');
  return value;
}

/** The open model and everything known about it; the one place that sequences open -> inspect -> validate. */
export function WorkbenchProvider({ children }: { children: ReactNode }) {
  const [step, setStep] = useState<StepId>('model');
  const [model, setModel] = useState<ModelReport | null>(null);
  const [spec, setSpec] = useState<SpecDocument | null>(null);
  const [opening, setOpening] = useState<Opening | null>(null);
  const [openError, setOpenError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [recent, setRecent] = useState<RecentModel[]>([]);
  const [validation, setValidation] = useState<Validation>({ status: 'idle' });
  const [testStatus, setTestStatus] = useState<'idle' | 'done' | 'error'>('idle');
  const [browserOpen, setBrowserOpen] = useState(false);
  const validateAbort = useRef<AbortController | null>(null);

  const refreshRecent = useCallback(async () => {
    try {
      setRecent((await api.call('model.recent', {})).items);
    } catch {
      // The recent list is a convenience; an engine without it must not block opening models.
    }
  }, []);

  useEffect(() => { void refreshRecent(); }, [refreshRecent]);

  const runValidation = useCallback(async (path: string) => {
    validateAbort.current?.abort();
    const controller = new AbortController();
    validateAbort.current = controller;
    setValidation({ status: 'running', progress: null });
    try {
      const report = await api.call('model.validate', { path, smokeRun: true }, {
        signal: controller.signal,
        onProgress: (progress) => { if (!controller.signal.aborted) setValidation({ status: 'running', progress }); },
      });
      if (!controller.signal.aborted) setValidation({ status: 'done', report });
    } catch (error) {
      if (controller.signal.aborted || isCancelled(error)) return;
      setValidation({ status: 'error', error: errorInfoOf(error) });
    }
  }, []);

  const show = useCallback(async (report: ModelReport) => {
    setModel(report);
    setSpec(null);
    setTestStatus('idle');
    setValidation({ status: 'idle' });
    setStep('model');
    void refreshRecent();
    if (report.format === 'onnx') {
      void runValidation(report.path);
      try {
        setSpec(await api.call('spec.forModel', { modelPath: report.path }));
      } catch {
        setSpec(null);
      }
    }
  }, [refreshRecent, runValidation]);

  const openPath = useCallback(async (path: string) => {
    setOpenError(null);
    setNotice(null);
    setOpening({ label: `Opening ${path}`, upload: null, progress: null });
    try {
      const report = await api.call('model.open', { path }, { onProgress: (progress) => setOpening((o) => o && { ...o, progress }) });
      await show(report);
    } catch (error) {
      setOpenError(errorInfoOf(error));
      setStep('model');
    } finally {
      setOpening(null);
    }
  }, [show]);

  const openFile = useCallback(async (file: File) => {
    setOpenError(null);
    setOpening({ label: `Sending ${file.name} to ModelDock`, upload: 0, progress: null });
    let path: string;
    try {
      path = await api.pathForFile(file, (fraction) => setOpening((o) => o && { ...o, upload: fraction }));
    } catch (error) {
      setOpening(null);
      setOpenError(errorInfoOf(error));
      return;
    }
    await openPath(path);
  }, [openPath]);

  const browse = useCallback(async () => {
    if (api.transportKind === 'web') {
      setBrowserOpen(true);
      return;
    }
    try {
      const { path } = await api.call('dialog.openModel', {});
      if (path) await openPath(path);
    } catch (error) {
      setOpenError(errorInfoOf(error));
    }
  }, [openPath]);

  const validate = useCallback(async () => {
    if (model?.format === 'onnx') await runValidation(model.path);
  }, [model, runValidation]);

  const applyFix = useCallback(async (kind: FixKind) => {
    if (!model) return;
    setOpenError(null);
    setOpening({ label: 'Writing a fixed copy of the model', upload: null, progress: null });
    try {
      const { path, report } = await api.call('model.fix', { path: model.path, fix: kind });
      await show(report);
      setNotice({ text: 'Fixed copy written; the original file is untouched. You are now looking at the copy:', path });
    } catch (error) {
      setOpenError(errorInfoOf(error));
    } finally {
      setOpening(null);
    }
  }, [model, show]);

  const forget = useCallback(async (path: string) => {
    try {
      setRecent((await api.call('model.forget', { path })).items);
    } catch (error) {
      setOpenError(errorInfoOf(error));
    }
  }, []);

  const closeModel = useCallback(() => {
    validateAbort.current?.abort();
    setModel(null);
    setSpec(null);
    setValidation({ status: 'idle' });
    setTestStatus('idle');
    setNotice(null);
    setStep('model');
  }, []);

  const value = useMemo<Workbench>(() => ({
    step, setStep, model, spec, opening, openError, dismissOpenError: () => setOpenError(null),
    notice, dismissNotice: () => setNotice(null), recent, validation, testStatus, setTestStatus,
    browserOpen, setBrowserOpen, openPath, openFile, browse, validate, applyFix, forget, closeModel,
  }), [step, model, spec, opening, openError, notice, recent, validation, testStatus, browserOpen, openPath, openFile,
    browse, validate, applyFix, forget, closeModel]);

  return <WorkbenchContext.Provider value={value}>{children}</WorkbenchContext.Provider>;
}

/** The sidebar's status dot for each step, derived from what is known about the open model. */
export function stepStatus(step: StepId, wb: Pick<Workbench, 'model' | 'validation' | 'testStatus' | 'openError'>): StepStatus {
  const { model, validation, testStatus, openError } = wb;
  if (step === 'model') {
    if (!model) return openError ? 'error' : 'not-started';
    if (model.format !== 'onnx') return 'warning';
    if (validation.status === 'error') return 'error';
    if (validation.status !== 'done') return 'ready';
    const findings = validation.report.findings;
    if (findings.some((f) => f.severity === 'error')) return 'error';
    if (findings.some((f) => f.severity === 'warning')) return 'warning';
    return 'done';
  }
  if (step === 'test') {
    if (!model || model.format !== 'onnx') return 'not-started';
    if (testStatus === 'done') return 'done';
    if (testStatus === 'error') return 'error';
    return 'ready';
  }
  return 'not-started';
}
