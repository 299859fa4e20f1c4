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

export type TestOutcome = 'idle' | 'done' | 'error';

/** The Run step's local server for the open model: not started, serving, or failed. */
export type RunOutcome = 'idle' | 'serving' | 'error';

/** The Package step's latest build of the open model: none yet, an image built, or a failed build. */
/** 'no-docker': no Docker Engine answers, so nothing can be built yet (the dot warns before the user gets there). */
export type PackageOutcome = 'idle' | 'built' | 'error' | 'no-docker';
export type DeployOutcome = 'idle' | 'exported' | 'error';

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
  /** The file a failed open was about (its path, or the dropped file's name); null for other model errors. */
  openErrorFile: string | null;
  dismissOpenError(): void;
  notice: Notice | null;
  dismissNotice(): void;
  recent: RecentModel[];
  validation: Validation;
  testStatus: TestOutcome;
  /** The latest prediction or benchmark's outcome for that model; ignored once another model is open. */
  reportTestOutcome(modelPath: string, outcome: 'done' | 'error'): void;
  packageStatus: PackageOutcome;
  /** The Package screen says how the open model's latest build went; ignored once another model is open. */
  reportPackageOutcome(modelPath: string, outcome: PackageOutcome): void;
  deployStatus: DeployOutcome;
  /** The Deploy screen says how the open model's latest export went; ignored once another model is open. */
  reportDeployOutcome(modelPath: string, outcome: DeployOutcome): void;
  /** Reads modeldock.yaml again (after a screen wrote it), so the top bar and other screens see the change. */
  refreshSpec(): Promise<void>;
  runStatus: RunOutcome;
  /** The Run screen says how the open model's local server is doing; ignored once another model is open. */
  reportRunOutcome(modelPath: string, outcome: RunOutcome): void;
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
  const [openErrorFile, setOpenErrorFile] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [recent, setRecent] = useState<RecentModel[]>([]);
  const [validation, setValidation] = useState<Validation>({ status: 'idle' });
  const [testStatus, setTestStatus] = useState<TestOutcome>('idle');
  const [runStatus, setRunStatus] = useState<RunOutcome>('idle');
  const [packageStatus, setPackageStatus] = useState<PackageOutcome>('idle');
  const [deployStatus, setDeployStatus] = useState<DeployOutcome>('idle');
  const [browserOpen, setBrowserOpen] = useState(false);
  const validateAbort = useRef<AbortController | null>(null);
  // The model on screen, read by answers that arrive late (spec, test runs) so they never land on another model.
  const shownPath = useRef<string | null>(null);

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
    shownPath.current = report.path;
    setModel(report);
    setSpec(null);
    setTestStatus('idle');
    setRunStatus('idle');
    setPackageStatus('idle');
    setDeployStatus('idle');
    setValidation({ status: 'idle' });
    setStep('model');
    void refreshRecent();
    if (report.format === 'onnx') {
      void runValidation(report.path);
      void api.call('docker.status', {}).then((docker) => {
        if (!docker.available && shownPath.current === report.path) setPackageStatus((old) => (old === 'idle' ? 'no-docker' : old));
      }, () => { /* the Package screen says why when it is opened */ });
      try {
        const found = await api.call('spec.forModel', { modelPath: report.path });
        if (shownPath.current === report.path) setSpec(found);
      } catch {
        if (shownPath.current === report.path) setSpec(null);
      }
    }
  }, [refreshRecent, runValidation]);

  const clearModel = useCallback(() => {
    validateAbort.current?.abort();
    shownPath.current = null;
    setModel(null);
    setSpec(null);
    setValidation({ status: 'idle' });
    setTestStatus('idle');
    setRunStatus('idle');
    setPackageStatus('idle');
    setNotice(null);
  }, []);

  const clearOpenError = useCallback(() => {
    setOpenError(null);
    setOpenErrorFile(null);
  }, []);

  /** An error about the open model or the app (not about a file being opened): the model stays on screen. */
  const showError = useCallback((error: unknown) => {
    setOpenError(errorInfoOf(error));
    setOpenErrorFile(null);
  }, []);

  // A failed open shows nothing half-way: not the previous model under a banner about another file, but the empty
  // Model step (drop zone, recent models) with the banner naming the file that failed.
  const failOpen = useCallback((error: unknown, file: string) => {
    clearModel();
    setOpenError(errorInfoOf(error));
    setOpenErrorFile(file);
    setStep('model');
  }, [clearModel]);

  /** Every way of opening (Browse, recent, drop, upload, the desktop menu) ends here. */
  const openAt = useCallback(async (path: string, shownAs: string) => {
    clearOpenError();
    setNotice(null);
    setStep('model');
    setOpening({ label: `Opening ${shownAs}`, upload: null, progress: null });
    try {
      const report = await api.call('model.open', { path }, { onProgress: (progress) => setOpening((o) => o && { ...o, progress }) });
      await show(report);
    } catch (error) {
      failOpen(error, shownAs);
    } finally {
      setOpening(null);
    }
  }, [clearOpenError, failOpen, show]);

  const openPath = useCallback((path: string) => openAt(path, path), [openAt]);

  const openFile = useCallback(async (file: File) => {
    clearOpenError();
    setStep('model');
    setOpening({ label: `Sending ${file.name} to ModelDock`, upload: 0, progress: null });
    let path: string;
    try {
      path = await api.pathForFile(file, (fraction) => setOpening((o) => o && { ...o, upload: fraction }));
    } catch (error) {
      setOpening(null);
      failOpen(error, file.name);
      return;
    }
    // Named as the user knows it, not by the uploaded copy's path in the data folder.
    await openAt(path, file.name);
  }, [clearOpenError, failOpen, openAt]);

  // The desktop app's File > Open Model… and Open Recent take the same path as Browse; web mode never sends these.
  useEffect(() => api.onMenuCommand((command) => {
    if (command.command === 'open-model') void openPath(command.path);
  }), [openPath]);

  const browse = useCallback(async () => {
    if (api.transportKind === 'web') {
      setBrowserOpen(true);
      return;
    }
    try {
      const { path } = await api.call('dialog.openModel', {});
      if (path) await openPath(path);
    } catch (error) {
      showError(error);
    }
  }, [openPath, showError]);

  const validate = useCallback(async () => {
    if (model?.format === 'onnx') await runValidation(model.path);
  }, [model, runValidation]);

  const applyFix = useCallback(async (kind: FixKind) => {
    if (!model) return;
    clearOpenError();
    setOpening({ label: 'Writing a fixed copy of the model', upload: null, progress: null });
    try {
      const { path, report } = await api.call('model.fix', { path: model.path, fix: kind });
      await show(report);
      setNotice({ text: 'Fixed copy written; the original file is untouched. You are now looking at the copy:', path });
    } catch (error) {
      showError(error);
    } finally {
      setOpening(null);
    }
  }, [clearOpenError, model, show, showError]);

  const forget = useCallback(async (path: string) => {
    try {
      setRecent((await api.call('model.forget', { path })).items);
    } catch (error) {
      showError(error);
    }
  }, [showError]);

  const closeModel = useCallback(() => {
    clearModel();
    setStep('model');
  }, [clearModel]);

  const reportTestOutcome = useCallback((modelPath: string, outcome: 'done' | 'error') => {
    if (shownPath.current === modelPath) setTestStatus(outcome);
  }, []);

  const reportRunOutcome = useCallback((modelPath: string, outcome: RunOutcome) => {
    if (shownPath.current === modelPath) setRunStatus(outcome);
  }, []);

  const reportPackageOutcome = useCallback((modelPath: string, outcome: PackageOutcome) => {
    if (shownPath.current === modelPath) setPackageStatus(outcome);
  }, []);

  const reportDeployOutcome = useCallback((modelPath: string, outcome: DeployOutcome) => {
    if (shownPath.current === modelPath) setDeployStatus(outcome);
  }, []);

  const refreshSpec = useCallback(async () => {
    const modelPath = shownPath.current;
    if (!modelPath) return;
    try {
      const found = await api.call('spec.forModel', { modelPath });
      if (shownPath.current === modelPath) setSpec(found);
    } catch {
      // The spec stays as it was shown; the screen that wrote it reports its own errors.
    }
  }, []);

  const value = useMemo<Workbench>(() => ({
    step, setStep, model, spec, opening, openError, openErrorFile, dismissOpenError: clearOpenError,
    notice, dismissNotice: () => setNotice(null), recent, validation, testStatus, reportTestOutcome, packageStatus, reportPackageOutcome,
    deployStatus, reportDeployOutcome, refreshSpec,
    runStatus, reportRunOutcome,
    browserOpen, setBrowserOpen, openPath, openFile, browse, validate, applyFix, forget, closeModel,
  }), [step, model, spec, opening, openError, openErrorFile, clearOpenError, notice, recent, validation, testStatus,
    reportTestOutcome, packageStatus, reportPackageOutcome, deployStatus, reportDeployOutcome, refreshSpec, runStatus, reportRunOutcome, browserOpen, openPath, openFile, browse, validate, applyFix, forget, closeModel]);

  return <WorkbenchContext.Provider value={value}>{children}</WorkbenchContext.Provider>;
}

/** The sidebar's status dot for each step, derived from what is known about the open model. */
export function stepStatus(step: StepId, wb: Pick<Workbench, 'model' | 'validation' | 'testStatus' | 'openError'> & Partial<Pick<Workbench, 'runStatus' | 'packageStatus' | 'deployStatus'>>): StepStatus {
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
  if (step === 'package') {
    if (!model || model.format !== 'onnx') return 'not-started';
    if (wb.packageStatus === 'built') return 'done';
    if (wb.packageStatus === 'error') return 'error';
    return wb.packageStatus === 'no-docker' ? 'warning' : 'ready';
  }
  if (step === 'deploy') {
    if (!model || model.format !== 'onnx') return 'not-started';
    if (wb.deployStatus === 'exported') return 'done';
    if (wb.deployStatus === 'error') return 'error';
    return wb.packageStatus === 'built' ? 'ready' : 'not-started';
  }
  if (step === 'monitor') {
    // Something to watch: the model is being served locally (containers and URLs are picked on the screen).
    if (!model || model.format !== 'onnx') return 'not-started';
    return wb.runStatus === 'serving' ? 'ready' : 'not-started';
  }
  if (step === 'run') {
    if (!model || model.format !== 'onnx') return 'not-started';
    return wb.runStatus === 'serving' ? 'ready' : wb.runStatus === 'error' ? 'error' : 'not-started';
  }
  return 'not-started';
}
