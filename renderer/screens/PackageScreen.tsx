import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../shared/errors';
import type { BuildRecord, ImagePlan } from '../../shared/schemas/docker';
import type { ModelReport } from '../../shared/schemas/model';
import { api } from '../api/client';
import { errorInfoOf } from '../api/api-error';
import { Card } from '../components/Card';
import { usePrimaryAction } from '../state/primary-action';
import { useWorkbench } from '../state/workbench';
import { BuildCard } from './package/BuildCard';
import { DockerfileCard } from './package/DockerfileCard';
import { DockerStatusCard } from './package/DockerStatusCard';
import { baseOf, buildRequest, draftFromSpec, draftProblems, type ImageDraft } from './package/image-settings';
import { ImageSettingsCard } from './package/ImageSettingsCard';
import { PushCard } from './package/PushCard';
import { useDockerStatus } from './package/use-docker-status';
import { useImageBuild } from './package/use-image-build';
import { VersionsCard } from './package/VersionsCard';
import { requestImageRun } from './run/run-choice';
import './package/package.css';
import { useKeepMountedWhile } from '../state/screen-slots';

/** Package step: turn the open ONNX model into a Docker image, keep its versions, push one to a registry. */
export function PackageScreen() {
  const { model, setStep } = useWorkbench();
  if (!model || model.format !== 'onnx' || !model.onnx) return <NoModel hasModel={!!model} onOpen={() => setStep('model')} />;
  return <Package key={model.path} model={model} />;
}

function Package({ model }: { model: ModelReport }) {
  const { spec, setStep, reportPackageOutcome, packageStatus } = useWorkbench();
  const docker = useDockerStatus();
  const build = useImageBuild();
  useKeepMountedWhile(build.running);
  const specPath = spec?.exists ? spec.specPath : undefined;
  const [draft, setDraft] = useState<ImageDraft>(() => draftFromSpec(spec?.spec));
  const [plan, setPlan] = useState<ImagePlan | null>(null);
  const [planning, setPlanning] = useState(false);
  const [planError, setPlanError] = useState<ErrorInfo | null>(null);
  const [builds, setBuilds] = useState<BuildRecord[] | null>(null);
  const [historyError, setHistoryError] = useState<ErrorInfo | null>(null);
  const problems = draftProblems(draft);
  const valid = !problems.reference && !problems.base;
  const available = docker.status?.available ?? false;

  // Until the user picks a base, use one the engine already has: no download on an offline machine.
  const status = docker.status;
  useEffect(() => {
    if (!status?.available || draft.baseTouched) return;
    const choice = status.defaultBasePresent ? 'default' : status.offlineBasePresent ? 'offline' : 'default';
    if (choice !== draft.baseChoice) setDraft((d) => ({ ...d, baseChoice: choice }));
  }, [status, draft.baseTouched, draft.baseChoice]);

  // The plan follows the settings, a moment after the user stops typing.
  const planKey = JSON.stringify([draft.reference.trim(), baseOf(draft), draft.platform, specPath]);
  const planId = useRef(0);
  useEffect(() => {
    const id = ++planId.current;
    if (!valid) {
      setPlanning(false);
      return;
    }
    setPlanning(true);
    const timer = setTimeout(async () => {
      try {
        const next = await api.call('image.plan', buildRequest(model.path, specPath, draft));
        if (id === planId.current) { setPlan(next); setPlanError(null); }
      } catch (e) {
        if (id === planId.current) setPlanError(errorInfoOf(e));
      } finally {
        if (id === planId.current) setPlanning(false);
      }
    }, 300);
    return () => clearTimeout(timer);
  }, [planKey, valid]); // eslint-disable-line react-hooks/exhaustive-deps

  const refreshHistory = useCallback(async () => {
    try {
      const { builds: all } = await api.call('image.history', { modelPath: model.path });
      setBuilds(all);
      setHistoryError(null);
    } catch (e) {
      setHistoryError(errorInfoOf(e));
      setBuilds((old) => old ?? []);
    }
  }, [model.path]);
  useEffect(() => { void refreshHistory(); }, [refreshHistory]);

  useEffect(() => {
    if (builds && builds.length > 0) reportPackageOutcome(model.path, 'built');
  }, [builds, model.path, reportPackageOutcome]);

  // The sidebar dot warns while no engine answers, and stops warning once one does.
  const engineUp = docker.status?.available;
  useEffect(() => {
    if (engineUp === false && packageStatus === 'idle') reportPackageOutcome(model.path, 'no-docker');
    if (engineUp === true && packageStatus === 'no-docker') reportPackageOutcome(model.path, 'idle');
  }, [engineUp, packageStatus, model.path, reportPackageOutcome]);

  async function runBuild() {
    const record = await build.start(buildRequest(model.path, specPath, draft));
    if (record) reportPackageOutcome(model.path, 'built');
    await refreshHistory();
    void docker.refresh();
  }
  useEffect(() => {
    if (build.error) reportPackageOutcome(model.path, 'error');
  }, [build.error, model.path, reportPackageOutcome]);

  function runImage(record: BuildRecord) {
    // By id: a later build may have taken this record's name:tag.
    requestImageRun(record.imageId);
    setStep('run');
  }

  async function removeImage(record: BuildRecord) {
    try {
      await api.call('image.remove', { image: record.imageId });
    } catch (e) {
      setHistoryError(errorInfoOf(e));
    }
    await refreshHistory();
  }

  usePrimaryAction({
    label: build.running ? 'Building…' : 'Build image',
    run: () => void runBuild(),
    busy: build.running,
    disabled: !available || !valid,
    hint: !docker.status ? 'Looking for Docker…' : !available ? 'Docker is not available' : !valid ? 'Fix the image settings first' : undefined,
    testId: 'build-image',
  });

  return (
    <div className="screen" data-testid="package-screen">
      <DockerStatusCard docker={docker} />
      <BuildCard build={build} onRun={runImage} />
      <div className="package-columns">
        <ImageSettingsCard draft={draft} onChange={setDraft} problems={problems} defaultReference={plan?.reference ?? null}
          docker={docker.status} disabled={build.running} />
        <DockerfileCard plan={plan} planning={planning} error={planError} />
      </div>
      <VersionsCard builds={builds} error={historyError} onRun={runImage} onRemove={removeImage} />
      {builds && builds.some((b) => b.present) && <PushCard builds={builds} onPushed={() => void refreshHistory()} />}
    </div>
  );
}

function NoModel({ hasModel, onOpen }: { hasModel: boolean; onOpen: () => void }) {
  usePrimaryAction({ label: 'Open a model', run: onOpen, testId: 'goto-model' });
  return (
    <div className="screen narrow">
      <Card title="Package: put your model in a Docker image" testId="package-empty">
        <p className="lead">
          {hasModel
            ? 'The open file is not an ONNX model. Convert it to ONNX (the Model step shows how), then open the .onnx file to package it here.'
            : 'Open an ONNX model in the Model step; then wrap it and a small prediction server into a Docker image here: one file that runs the same on your laptop, a server or the cloud.'}
        </p>
        <ul className="plain-list">
          <li>See the Dockerfile ModelDock writes for you, and exactly which files go in.</li>
          <li>Build with a progress bar; a new model version rebuilds in seconds.</li>
          <li>Keep every version, run any of them in a container, push one to a registry.</li>
        </ul>
      </Card>
    </div>
  );
}
