import { useEffect, useMemo, useState } from 'react';
import type { BuildRecord } from '../../../shared/schemas/docker';
import type { ModelReport } from '../../../shared/schemas/model';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { ErrorBanner } from '../../components/ErrorBanner';
import { usePrimaryAction } from '../../state/primary-action';
import { useWorkbench } from '../../state/workbench';
import type { ErrorInfo } from '../../../shared/errors';
import { ContainerCard } from './ContainerCard';
import { ContainerStats } from './ContainerStats';
import { checkDraft, EMPTY_DRAFT, type ContainerDraft } from './container-settings';
import { LoadTestCard } from './LoadTestCard';
import { LogPanel, type LogSource } from './LogPanel';
import { takeRequestedImage } from './run-choice';
import { TryPanel, type TryTarget } from './TryPanel';
import { isLive, useContainer } from './use-container';

/** Run step, Docker mode: the model's image in a container, with its log, resources, requests and a load test. */
export function DockerRun({ model }: { model: ModelReport }) {
  const { setStep } = useWorkbench();
  const [builds, setBuilds] = useState<BuildRecord[] | null>(null);
  const [historyError, setHistoryError] = useState<ErrorInfo | null>(null);
  const [draft, setDraft] = useState<ContainerDraft>(EMPTY_DRAFT);
  const container = useContainer(model.path, builds);
  const check = checkDraft(draft);

  useEffect(() => {
    let gone = false;
    const requested = takeRequestedImage();
    (async () => {
      const { builds: mine } = await api.call('image.history', { modelPath: model.path });
      let list = mine;
      // The Package step may ask for an earlier version built from another file of the same model.
      if (requested && !mine.some((b) => b.reference === requested || b.imageId === requested)) {
        const { builds: all } = await api.call('image.history', {});
        const found = all.find((b) => b.reference === requested || b.imageId === requested);
        if (found) list = [found, ...mine];
      }
      if (gone) return;
      setBuilds(list);
      const first = list.find((b) => b.present && (!requested || b.imageId === requested || b.reference === requested)) ?? list.find((b) => b.present);
      setDraft((d) => (d.image ? d : { ...d, image: first?.imageId ?? '' }));
    })().catch((e: unknown) => {
      if (!gone) {
        setHistoryError(errorInfoOf(e));
        setBuilds([]);
      }
    });
    return () => { gone = true; };
  }, [model.path]);

  const status = container.status;
  const live = isLive(status) || container.starting;
  const ready = status?.state === 'ready' && !container.stopping;

  usePrimaryAction(isLive(status) && !container.starting ? {
    label: container.stopping ? 'Stopping…' : 'Stop container',
    run: () => void container.stop(),
    busy: container.stopping,
    testId: 'container-stop',
  } : {
    label: container.starting ? 'Starting…' : 'Run container',
    run: () => { if (check.settings) void container.start(check.settings); },
    busy: container.starting || builds === null,
    disabled: !check.settings,
    hint: check.problems.image ?? (check.settings ? undefined : 'Fix the settings first'),
    testId: 'container-run',
  });

  const id = status?.id ?? null;
  const logSource = useMemo<LogSource | undefined>(() => (id ? {
    fetch: (afterSeq) => api.call('container.logs', { id, afterSeq }),
    title: 'Container log',
    subtitle: 'What the server inside the container writes: one line per request and event, exactly as production logs will read.',
    emptyText: 'No lines yet.',
    testId: 'container-log',
  } : undefined), [id]);

  const tryTarget: TryTarget = {
    send: (protocol, body, image) => {
      if (!id) throw new Error('No container is running.');
      return api.call('container.try', { id, protocol, body, image });
    },
    baseUrl: ready ? status?.url ?? null : null,
    subtitle: 'Send the container a request the way a client would, in each protocol it speaks.',
    notReadyText: 'Run the container to send requests.',
    testId: 'container-try',
  };

  return (
    <>
      {historyError && <ErrorBanner error={historyError} onDismiss={() => setHistoryError(null)} testId="container-history-error" />}
      <ContainerCard container={container} builds={builds} draft={draft} onDraftChange={setDraft} check={check} onOpenPackage={() => setStep('package')} />
      <ContainerStats container={status} live={status?.state === 'ready' || status?.state === 'unhealthy'} />
      <div className="run-columns">
        <TryPanel modelPath={model.path} serverUrl={tryTarget.baseUrl} ready={ready} target={tryTarget} />
        {logSource
          ? <LogPanel key={id} modelPath={model.path} live={live} source={logSource} />
          : <LogPanel key="none" modelPath={model.path} live={false} source={{ fetch: async () => ({ lines: [], nextSeq: 0, dropped: 0 }), title: 'Container log', subtitle: 'What the server inside the container writes, once it runs.', emptyText: 'No container yet. Run one to see its log.', testId: 'container-log' }} />}
      </div>
      <LoadTestCard container={status} ready={ready} />
    </>
  );
}
