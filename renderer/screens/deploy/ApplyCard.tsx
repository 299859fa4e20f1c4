import { useEffect, useMemo, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { DeployManifestsRequestInput } from '../../../shared/schemas/kubernetes';
import type {
  AppliedObject, ClusterList, DeployApplyResult, DeployDiff, DeploymentRollout, ObjectDiff,
} from '../../../shared/schemas/kubernetes-apply';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { Card } from '../../components/Card';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { Why } from '../../components/Why';
import { useKeepMountedWhile } from '../../state/screen-slots';

interface ApplyCardProps {
  /** The manifests request the screen shows; null while it cannot be made (no image, a setting with a problem). */
  request: DeployManifestsRequestInput | null;
  /** Why nothing can be applied now, shared with the export (or null). */
  blocked: string | null;
  /** The namespace of the settings: the default here. */
  defaultNamespace: string;
  /** Same choice as the export's "Export anyway". */
  allowFailedChecks: boolean;
  /** Saves the settings first, so modeldock.yaml matches what went to the cluster. */
  beforeApply: () => Promise<void>;
}

interface Running {
  applied: AppliedObject[];
  total: number;
  rollout: DeploymentRollout[] | null;
  elapsed: number;
}

/**
 * Apply to a live cluster: pick a kube context and namespace, see what would change (a server-side dry run),
 * confirm, then follow the rollout. Says plainly, before anything is sent, which real cluster it talks to.
 */
export function ApplyCard({ request, blocked, defaultNamespace, allowFailedChecks, beforeApply }: ApplyCardProps) {
  const [clusters, setClusters] = useState<ClusterList | null>(null);
  const [listError, setListError] = useState<ErrorInfo | null>(null);
  const [context, setContext] = useState('');
  const [namespace, setNamespace] = useState(defaultNamespace);
  const [createNamespace, setCreateNamespace] = useState(false);
  const [forceConflicts, setForceConflicts] = useState(false);
  const [diff, setDiff] = useState<DeployDiff | null>(null);
  const [diffing, setDiffing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState<Running | null>(null);
  useKeepMountedWhile(running !== null);
  const [result, setResult] = useState<DeployApplyResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    let live = true;
    api.call('deploy.clusters', {})
      .then((list) => {
        if (!live) return;
        setClusters(list);
        setContext(list.current ?? list.contexts[0]?.name ?? '');
      })
      .catch((e) => { if (live) setListError(errorInfoOf(e)); });
    return () => { live = false; };
  }, []);
  useEffect(() => setNamespace(defaultNamespace), [defaultNamespace]);

  const target = useMemo(() => (request ? {
    ...request, context: context || undefined, namespace: namespace.trim() || undefined, createNamespace, forceConflicts,
  } : null), [request, context, namespace, createNamespace, forceConflicts]);
  // A diff belongs to one request, context and namespace: any change makes it stale.
  const targetKey = target ? JSON.stringify(target) : '';
  useEffect(() => {
    setDiff(null);
    setConfirming(false);
  }, [targetKey]);
  useEffect(() => () => abort.current?.abort(), []);

  const chosen = clusters?.contexts.find((c) => c.name === context) ?? null;
  const namespaceValid = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace.trim());
  const busy = diffing || running !== null;

  async function showChanges() {
    if (!target) return;
    setDiffing(true);
    setError(null);
    setResult(null);
    try {
      setDiff(await api.call('deploy.diff', target));
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setDiffing(false);
    }
  }

  async function apply() {
    if (!target || !diff) return;
    setConfirming(false);
    setError(null);
    setResult(null);
    const controller = new AbortController();
    abort.current = controller;
    setRunning({ applied: [], total: diff.objects.length, rollout: null, elapsed: 0 });
    try {
      await beforeApply();
      const done = await api.call('deploy.apply', { ...target, allowFailedChecks }, {
        signal: controller.signal,
        onProgress: (event) => setRunning((r) => {
          if (!r) return r;
          if (event.kind === 'applied') return { ...r, applied: [...r.applied, event.object], total: event.total };
          return { ...r, rollout: event.deployments, elapsed: event.elapsedSeconds };
        }),
      });
      setResult(done);
      setDiff(null);
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      abort.current = null;
      setRunning(null);
    }
  }

  if (listError) {
    return (
      <Card title="Apply to a cluster" testId="deploy-apply">
        <ErrorBanner error={listError} testId="apply-error" />
      </Card>
    );
  }
  if (clusters && !clusters.found) {
    return (
      <Card title="Apply to a cluster" testId="deploy-apply">
        <p className="muted" data-testid="apply-no-kubeconfig">
          No kube context was found ({clusters.files.join(', ')}): a kube context is the entry in a kubeconfig file that tells
          kubectl which cluster to reach and how you log in to it. Exporting the YAML or the bundle above works without one.
        </p>
      </Card>
    );
  }

  const changes = diff ? diff.counts.new + diff.counts.changed : 0;
  const failedRequired = diff?.checks.failedRequired ?? 0;
  const refused = failedRequired > 0 && !allowFailedChecks;
  const reason = blocked ?? (!clusters ? 'Reading your kubeconfig…' : !namespaceValid ? 'The namespace must be lowercase letters, digits and "-".' : null);
  return (
    <Card title="Apply to a cluster" subtitle="Send these manifests to a Kubernetes cluster you have access to, and watch the new version roll out." testId="deploy-apply">
      {chosen && (
        <div className="apply-live" role="note" data-testid="apply-live-banner">
          <span className="apply-live-icon" aria-hidden="true">!</span>
          <span>This talks to a live cluster: <strong className="mono">{chosen.name}</strong> (<span className="mono">{chosen.server ?? 'no server'}</span>). Changes are real.</span>
        </div>
      )}
      <div className="export-row">
        <label className="setting-label" htmlFor="apply-context">Context</label>
        <select id="apply-context" className="input deploy-image-select" value={context} onChange={(e) => setContext(e.target.value)} disabled={busy} data-testid="apply-context">
          {clusters?.contexts.map((c) => <option key={c.name} value={c.name}>{c.name}{c.current ? ' (current)' : ''}</option>)}
        </select>
        <label className="setting-label" htmlFor="apply-namespace">Namespace</label>
        <input id="apply-namespace" className="input mono apply-namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} disabled={busy} data-testid="apply-namespace" />
        <label className="toggle-row">
          <input type="checkbox" checked={createNamespace} onChange={(e) => setCreateNamespace(e.target.checked)} disabled={busy} data-testid="apply-create-namespace" />
          <span>create it if missing</span>
        </label>
      </div>
      <div className="export-row">
        <button type="button" className="button" onClick={() => void showChanges()} disabled={!target || !!reason || busy} data-testid="apply-diff">
          {diffing && <span className="spinner" aria-hidden="true" />}
          Show changes
        </button>
        <button type="button" className="button button-primary" onClick={() => setConfirming(true)} disabled={!diff || refused || busy || confirming} data-testid="apply-run">
          Apply to {context || 'the cluster'}…
        </button>
        {running && <button type="button" className="button" onClick={() => abort.current?.abort()} data-testid="apply-cancel">Cancel</button>}
      </div>
      {reason && <p className="export-blocked" data-testid="apply-blocked">{reason}</p>}
      {!reason && !diff && !running && !result && <p className="muted small">First see what would change; nothing is sent to the cluster until you confirm.</p>}
      {refused && <p className="export-blocked" data-testid="apply-refused">{failedRequired} required check{failedRequired === 1 ? '' : 's'} failed: fix the settings, or tick &quot;Export anyway&quot; above to apply to a test cluster.</p>}
      {error?.code === 'cluster-conflict' && (
        <label className="toggle-row export-anyway">
          <input type="checkbox" checked={forceConflicts} onChange={(e) => setForceConflicts(e.target.checked)} data-testid="apply-force-conflicts" />
          <span>Take over the fields another tool manages (ModelDock owns them from now on)</span>
        </label>
      )}
      {error && <ErrorBanner error={error} testId="apply-error" />}
      {confirming && diff && (
        <div className="apply-confirm" data-testid="apply-confirm-box">
          <p>Apply {diff.objects.length} objects ({diff.counts.new} new, {diff.counts.changed} changed) to <strong className="mono">{diff.context}</strong>, namespace <strong className="mono">{diff.namespace}</strong>? This changes the cluster.</p>
          <div className="export-row">
            <button type="button" className="button button-primary" onClick={() => void apply()} data-testid="apply-confirm">Yes, apply</button>
            <button type="button" className="button" onClick={() => setConfirming(false)} data-testid="apply-confirm-cancel">Not now</button>
          </div>
        </div>
      )}
      {diff && !running && <DiffList diff={diff} changes={changes} />}
      {running && <RunningView running={running} />}
      {result && <ResultView result={result} />}
      <Why testId="why-apply">
        <p>ModelDock uses the kubeconfig kubectl uses (KUBECONFIG, else ~/.kube/config) and your login in it; it can do only what that login may do.</p>
        <p>&quot;Show changes&quot; asks the cluster to apply in a dry run (server-side apply) and compares the result with what it holds now: nothing is stored. &quot;Apply&quot; then sends the objects for real and follows the Deployment until the new pods are ready. To go back, the rollout steps above show the undo command.</p>
      </Why>
    </Card>
  );
}

function DiffList({ diff, changes }: { diff: DeployDiff; changes: number }) {
  return (
    <div className="apply-diff" data-testid="apply-diff-result" data-changes={changes}>
      <p className="status-text" data-testid="apply-diff-summary">
        {changes === 0 ? 'Nothing to change: the cluster already holds exactly this.' : `${diff.counts.new} new, ${diff.counts.changed} changed, ${diff.counts.unchanged} unchanged`}
        {!diff.namespaceExists && <> · namespace <span className="mono">{diff.namespace}</span> will be created</>}
      </p>
      <ul className="apply-objects">
        {diff.objects.map((o) => <ObjectRow key={o.ref} object={o} />)}
      </ul>
    </div>
  );
}

function ObjectRow({ object }: { object: ObjectDiff }) {
  const badge = <span className={`chip apply-badge apply-badge-${object.change}`} data-testid="apply-object-badge">{object.change}</span>;
  if (object.change === 'unchanged') {
    return <li className="apply-object" data-testid="apply-object" data-ref={object.ref} data-change={object.change}>{badge} <span className="mono">{object.ref}</span></li>;
  }
  return (
    <li className="apply-object" data-testid="apply-object" data-ref={object.ref} data-change={object.change}>
      <details open={object.change === 'changed'}>
        <summary>{badge} <span className="mono">{object.ref}</span> <span className="muted small">+{object.added} −{object.removed}</span></summary>
        <pre className="apply-diff-lines mono" data-testid="apply-diff-lines">
          {object.lines.map((l, i) => (
            <span key={i} className={`diff-line diff-${l.op}`}>{l.op === 'add' ? '+ ' : l.op === 'remove' ? '- ' : l.op === 'hunk' ? '' : '  '}{l.text}{'\n'}</span>
          ))}
        </pre>
      </details>
    </li>
  );
}

function rolloutFraction(rollout: DeploymentRollout[]): number {
  const desired = rollout.reduce((s, d) => s + d.desired, 0);
  return desired === 0 ? 1 : rollout.reduce((s, d) => s + Math.min(d.available, d.desired), 0) / desired;
}

function RunningView({ running }: { running: Running }) {
  const last = running.applied.at(-1);
  const label = running.rollout
    ? `Rollout (${Math.round(running.elapsed)} s): ${running.rollout.map((d) => `${d.name}: ${d.message}`).join('; ')}`
    : last ? `Step ${running.applied.length}/${running.total}: ${last.result} ${last.ref}` : 'Connecting to the cluster…';
  const value = running.rollout ? rolloutFraction(running.rollout) : running.applied.length / Math.max(1, running.total);
  return (
    <div className="apply-running" data-testid="apply-running">
      <ProgressBar value={value} label={label} testId="apply-progress" />
      <AppliedList applied={running.applied} />
    </div>
  );
}

function AppliedList({ applied }: { applied: AppliedObject[] }) {
  if (applied.length === 0) return null;
  return (
    <ul className="apply-objects" data-testid="apply-applied">
      {applied.map((a) => (
        <li key={a.ref} className="apply-object" data-testid="apply-applied-object" data-result={a.result}>
          <span className={`chip apply-badge apply-badge-${a.result === 'created' ? 'new' : a.result === 'configured' ? 'changed' : 'unchanged'}`}>{a.result}</span> <span className="mono">{a.ref}</span>
        </li>
      ))}
    </ul>
  );
}

function ResultView({ result }: { result: DeployApplyResult }) {
  const { rollout } = result;
  return (
    <div className="export-result" data-testid="apply-result" data-state={rollout.state}>
      {rollout.state === 'complete'
        ? <p className="status-text status-text-ok" data-testid="apply-result-text">Rolled out to <span className="mono">{result.context}</span>, namespace <span className="mono">{result.namespace}</span>, in {rollout.seconds} s.</p>
        : rollout.problem && <ErrorBanner error={rollout.problem} testId="apply-rollout-problem" />}
      <ul className="apply-objects">
        {rollout.deployments.map((d) => (
          <li key={d.name} className="apply-object" data-testid="apply-rollout-deployment" data-done={d.done}>
            <span className={`chip ${d.done ? 'chip-ok' : 'chip-error'}`}>{d.available}/{d.desired} ready</span> <span className="mono">Deployment/{d.name}</span> <span className="muted small">{d.message}</span>
          </li>
        ))}
      </ul>
      <AppliedList applied={result.applied} />
    </div>
  );
}
