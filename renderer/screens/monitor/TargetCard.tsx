import { useEffect, useState } from 'react';
import type { MonitorSnapshot, MonitorTarget } from '../../../shared/schemas/monitor-live';
import type { ContainerStatus } from '../../../shared/schemas/docker';
import type { ServerStatus } from '../../../shared/schemas/serve';
import { api } from '../../api/client';
import { Card } from '../../components/Card';
import { usePoll } from '../run/use-poll';

type Kind = MonitorTarget['kind'];

/**
 * Which running copy of the model to watch: its local server (Run step), a container of its image, or any
 * ModelDock server by URL (a deployed one behind a port-forward or an ingress). The first running one is picked.
 */
export function TargetCard({ modelPath, modelName, target, onTarget, snapshot }: {
  modelPath: string; modelName: string; target: MonitorTarget | null; onTarget: (t: MonitorTarget | null) => void; snapshot: MonitorSnapshot | null;
}) {
  const [local, setLocal] = useState<ServerStatus | null>(null);
  const [containers, setContainers] = useState<ContainerStatus[]>([]);
  const [kind, setKind] = useState<Kind | null>(null);
  const [url, setUrl] = useState('');
  const [checked, setChecked] = useState(false);

  usePoll(async () => {
    const [servers, listed] = await Promise.all([
      api.call('serve.status', { modelPath }).catch(() => ({ servers: [] as ServerStatus[] })),
      api.call('container.list', {}).catch(() => ({ containers: [] as ContainerStatus[] })),
    ]);
    setLocal(servers.servers.find((s) => s.state === 'ready') ?? null);
    setContainers(listed.containers.filter((c) => c.modelName === modelName && (c.state === 'ready' || c.state === 'unhealthy')));
    setChecked(true);
  }, 4000, true);

  // First choice once we know what runs: the local server, else a container, else a URL.
  useEffect(() => {
    if (!checked || kind !== null) return;
    if (local) choose('local');
    else if (containers[0]) choose('container', containers[0].id);
    else setKind('url');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [checked, local, containers, kind]);

  function choose(next: Kind, containerId?: string) {
    setKind(next);
    if (next === 'local') onTarget({ kind: 'local', modelPath });
    else if (next === 'container') {
      const id = containerId ?? containers[0]?.id;
      onTarget(id ? { kind: 'container', id } : null);
    } else onTarget(url.trim() ? { kind: 'url', url: url.trim() } : null);
  }

  const state = snapshot?.state;
  return (
    <Card title="What to watch" subtitle="A running copy of this model: started in the Run step, or anywhere you can reach by URL." testId="monitor-target">
      <div className="segmented monitor-target-kinds" role="radiogroup" aria-label="Server to monitor">
        <button type="button" role="radio" aria-checked={kind === 'local'} className="segment" onClick={() => choose('local')} data-testid="monitor-target-local">
          Local server{local ? '' : ' (not running)'}
        </button>
        <button type="button" role="radio" aria-checked={kind === 'container'} className="segment" onClick={() => choose('container')} disabled={containers.length === 0} data-testid="monitor-target-container">
          Container{containers.length ? ` (${containers.length})` : ' (none running)'}
        </button>
        <button type="button" role="radio" aria-checked={kind === 'url'} className="segment" onClick={() => choose('url')} data-testid="monitor-target-url">By URL</button>
      </div>
      {kind === 'container' && containers.length > 1 && (
        <select className="input" value={target?.kind === 'container' ? target.id : ''} onChange={(e) => onTarget({ kind: 'container', id: e.target.value })} data-testid="monitor-container-select">
          {containers.map((c) => <option key={c.id} value={c.id}>{c.name} · {c.url}</option>)}
        </select>
      )}
      {kind === 'url' && (
        <form className="export-row" onSubmit={(e) => { e.preventDefault(); onTarget(url.trim() ? { kind: 'url', url: url.trim() } : null); }}>
          <label className="setting-label" htmlFor="monitor-url">Server URL</label>
          <input id="monitor-url" className="input mono" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="http://127.0.0.1:8080"
            spellCheck={false} data-testid="monitor-url-input" />
          <button type="submit" className="button" data-testid="monitor-url-watch">Watch</button>
        </form>
      )}
      <p className={`monitor-target-state status-text ${state === 'live' ? 'status-text-ok' : ''}`} data-testid="monitor-state" data-state={state ?? 'none'}>
        {!target ? (kind === 'url' ? 'Enter the address of a ModelDock server (its /metrics is read by ModelDock, every 2 seconds).' : 'Nothing chosen yet.')
          : !snapshot ? 'Connecting…'
            : state === 'live' ? <>Watching <span className="mono">{snapshot.target.label}</span>{snapshot.modelName ? <> · model <strong>{snapshot.modelName}</strong> {snapshot.modelVersion ? `v${snapshot.modelVersion}` : ''}</> : null}</>
              : snapshot.note}
      </p>
    </Card>
  );
}
