import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ErrorInfo } from '../../shared/errors';
import type { BuildRecord } from '../../shared/schemas/docker';
import type { DeployManifestsRequestInput } from '../../shared/schemas/kubernetes';
import type { KubernetesSettings } from '../../shared/schemas/kubernetes-settings';
import type { ModelReport } from '../../shared/schemas/model';
import { api } from '../api/client';
import { errorInfoOf } from '../api/api-error';
import { Card } from '../components/Card';
import { fileNameOf } from '../format';
import { usePrimaryAction } from '../state/primary-action';
import { useWorkbench } from '../state/workbench';
import { ApplyCard } from './deploy/ApplyCard';
import { CapacityCard } from './deploy/CapacityCard';
import { ChecksCard } from './deploy/ChecksCard';
import { imageChoice, setAt, settingProblems } from './deploy/deploy-settings';
import { BundleExport } from './deploy/BundleExport';
import { ExportCard, type ExportState } from './deploy/ExportCard';
import { ExposureCard, GuardCard } from './deploy/ExposureCard';
import { ImageVersionCard } from './deploy/ImageVersionCard';
import { RolloutCard, RolloutStepsCard } from './deploy/RolloutCard';
import { SaveStatus } from './deploy/SaveStatus';
import { ResourcesCard, ScalingCard } from './deploy/ScalingCard';
import { useDeploySpec } from './deploy/use-deploy-spec';
import { useManifests } from './deploy/use-manifests';
import { YamlPreviewCard } from './deploy/YamlPreviewCard';
import { requestImageRun } from './run/run-choice';
import { takesImages } from '../../shared/schemas/spec';
import './deploy/deploy.css';

/** Deploy step: choose how the model runs in a Kubernetes cluster, see the manifests and their checks, export them. */
export function DeployScreen() {
  const { model, setStep } = useWorkbench();
  if (!model || model.format !== 'onnx' || !model.onnx) return <NoModel hasModel={!!model} onOpen={() => setStep('model')} />;
  return <Deploy key={model.path} model={model} />;
}

function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : '.';
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

const isValid = (settings: KubernetesSettings) => Object.keys(settingProblems(settings)).length === 0;

function Deploy({ model }: { model: ModelReport }) {
  const { setStep, reportDeployOutcome, refreshSpec } = useWorkbench();
  const spec = useDeploySpec(model.path, isValid);
  // Saving may have created modeldock.yaml: the top bar and the other screens should see it.
  const saved = spec.save.kind === 'saved';
  useEffect(() => {
    if (saved) void refreshSpec();
  }, [saved, refreshSpec]);
  const [builds, setBuilds] = useState<BuildRecord[] | null>(null);
  const [historyError, setHistoryError] = useState<ErrorInfo | null>(null);
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [readyMsByImage, setReadyMsByImage] = useState<Record<string, number>>({});
  const [outDir, setOutDir] = useState(() => `${folderOf(model.path)}/deploy`);
  const [allowFailed, setAllowFailed] = useState(false);
  const [exporting, setExporting] = useState<ExportState>({ running: false, result: null, error: null });

  useEffect(() => {
    let live = true;
    api.call('image.history', { modelPath: model.path })
      .then(({ builds: all }) => { if (live) { setBuilds(all); setHistoryError(null); } })
      .catch((e) => { if (live) { setBuilds([]); setHistoryError(errorInfoOf(e)); } });
    // Cold starts are measured by containers the Run step started; Docker being away only loses that hint.
    api.call('container.list', {})
      .then(({ containers }) => {
        if (!live) return;
        const byImage: Record<string, number> = {};
        for (const c of containers) if (c.readyMs !== null) byImage[c.imageId] = Math.max(byImage[c.imageId] ?? 0, c.readyMs);
        setReadyMsByImage(byImage);
      })
      .catch(() => {});
    return () => { live = false; };
  }, [model.path]);

  const build = builds?.find((b) => b.id === chosenId) ?? builds?.find((b) => b.present) ?? builds?.[0] ?? null;
  const choice = useMemo(() => (build ? imageChoice(build) : null), [build]);
  const settings = spec.settings;
  const problems = useMemo(() => (settings ? settingProblems(settings) : {}), [settings]);
  const valid = Object.keys(problems).length === 0;
  const specModel = spec.doc?.spec?.model;
  const name = settings?.name ?? specModel?.name ?? fileNameOf(model.path).replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-');

  const modelInputs = useMemo(() => (model.onnx?.inputs ?? []).filter((i) => i.kind === 'tensor').map((i) => ({ name: i.name, elementType: i.elementType, dims: i.shape })), [model.onnx]);
  const request = useMemo<DeployManifestsRequestInput | null>(() => {
    if (!settings || !choice || !valid || !spec.doc) return null;
    return {
      model: { name: specModel?.name ?? name, version: specModel?.version ?? '1', takesImages: takesImages(spec.doc.spec?.inputs, modelInputs) },
      serving: spec.doc.spec?.serving ?? {},
      settings,
      image: choice.image,
      ...(choice.digest ? { digest: choice.digest } : {}),
      ...(choice.loadTest ? { loadTest: choice.loadTest } : {}),
    };
  }, [settings, choice, valid, spec.doc, specModel, name, modelInputs]);
  const manifests = useManifests(request);

  const set = useCallback((path: string, value: unknown) => {
    if (settings) spec.setSettings(setAt(settings, path, value));
  }, [settings, spec]);

  const blocked = !builds ? 'Looking for the images of this model…'
    : !choice ? 'Build an image of this model in the Package step first.'
      : !valid ? 'A setting has a problem (see the red notes above).'
        : null;
  const failedRequired = manifests.manifests?.summary.failedRequired ?? 0;

  async function runExport() {
    if (!request) return;
    setExporting({ running: true, result: null, error: null });
    try {
      await spec.flush();
      const result = await api.call('deploy.export', { ...request, outDir: outDir.trim(), allowFailedChecks: allowFailed });
      setExporting({ running: false, result, error: null });
      reportDeployOutcome(model.path, 'exported');
    } catch (e) {
      setExporting({ running: false, result: null, error: errorInfoOf(e) });
      reportDeployOutcome(model.path, 'error');
    }
  }

  const cliCommand = spec.doc && choice ? [
    'modeldock export', '--spec', shellQuote(spec.doc.specPath), '--image', shellQuote(choice.image),
    ...(choice.digest ? ['--digest', choice.digest] : []), '--out', shellQuote(outDir.trim() || 'deploy'),
    ...(failedRequired > 0 && allowFailed ? ['--allow-failed-checks'] : []),
  ].join(' ') : null;

  const bundleRequest = request && choice && settings ? {
    modelPath: model.path,
    image: choice.image,
    ...(choice.digest ? { digest: choice.digest } : {}),
    kubernetes: settings,
    ...(choice.loadTest ? { loadTest: choice.loadTest } : {}),
    allowFailedChecks: allowFailed,
  } : null;
  const bundleReason = blocked ?? (failedRequired > 0 && !allowFailed ? 'Required checks failed: fix the settings, or tick "Export anyway" above.' : null);

  const exportDisabled = !!blocked || !manifests.manifests || (failedRequired > 0 && !allowFailed) || outDir.trim() === '';
  usePrimaryAction({
    label: exporting.running ? 'Exporting…' : 'Export manifests',
    run: () => void runExport(),
    busy: exporting.running,
    disabled: exportDisabled,
    hint: blocked ? 'Build an image first' : failedRequired > 0 && !allowFailed ? 'Required checks failed' : undefined,
    testId: 'deploy-export-primary',
  });

  function measure() {
    if (choice) requestImageRun(choice.build.imageId);
    setStep('run');
  }

  return (
    <div className="screen deploy-screen" data-testid="deploy-screen">
      <ImageVersionCard builds={builds} error={historyError} choice={choice} onChoose={setChosenId}
        measuredColdStartMs={choice ? readyMsByImage[choice.build.imageId] ?? choice.build.coldStartMs ?? null : null}
        coldStartSeconds={settings?.probes.coldStartSeconds} onUseColdStart={(s) => set('probes.coldStartSeconds', s)}
        onPackage={() => setStep('package')} />
      <SaveStatus save={spec.save} />
      {settings && (
        <div className="deploy-columns">
          <div className="stack">
            <CapacityCard choice={choice} settings={settings} onApply={spec.setSettings} onMeasure={measure} />
            <ScalingCard settings={settings} problems={problems} set={set} />
            <ResourcesCard settings={settings} problems={problems} set={set} />
            <ExposureCard settings={settings} problems={problems} set={set} name={name} />
            <GuardCard settings={settings} problems={problems} set={set} />
            <RolloutCard settings={settings} problems={problems} set={set} />
          </div>
          <div className="stack">
            <ChecksCard manifests={manifests.manifests} />
            <YamlPreviewCard files={manifests.manifests?.files ?? null} updating={manifests.updating} error={manifests.error} />
            <RolloutStepsCard steps={manifests.manifests?.rollout ?? null} />
            <ExportCard outDir={outDir} onOutDir={setOutDir} manifests={manifests.manifests} blocked={blocked}
              allowFailed={allowFailed} onAllowFailed={setAllowFailed} state={exporting} onExport={() => void runExport()} cliCommand={cliCommand}
              bundle={<BundleExport defaultDir={`${folderOf(model.path)}/${name}-bundle`} request={bundleRequest} reason={bundleReason} beforeExport={spec.flush} />} />
            <ApplyCard request={request} blocked={blocked} defaultNamespace={settings.namespace} allowFailedChecks={allowFailed} beforeApply={spec.flush} />
          </div>
        </div>
      )}
    </div>
  );
}

function NoModel({ hasModel, onOpen }: { hasModel: boolean; onOpen: () => void }) {
  usePrimaryAction({ label: 'Open a model', run: onOpen, testId: 'goto-model' });
  return (
    <div className="screen narrow">
      <Card title="Deploy: run your model in a Kubernetes cluster" testId="deploy-empty">
        <p className="lead">
          {hasModel
            ? 'The open file is not an ONNX model. Convert it to ONNX (the Model step shows how), then open the .onnx file to deploy it here.'
            : 'Open an ONNX model in the Model step and build its image in Package; then choose here how it runs in Kubernetes, the system that keeps several copies of your model running, replaces any that crash, and adds more when traffic grows.'}
        </p>
        <ul className="plain-list">
          <li>Choose how many copies (pods) run and how much CPU and memory each gets, sized from your load test.</li>
          <li>See the YAML files and the checks a platform team would run on them.</li>
          <li>Export them to a folder, with the commands to deploy, promote and roll back.</li>
        </ul>
      </Card>
    </div>
  );
}
