import { useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { GeneratedFile } from '../../../shared/schemas/kubernetes';
import { Card } from '../../components/Card';
import { CodeBlock } from '../../components/CodeBlock';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Why } from '../../components/Why';

type Format = 'plain' | 'kustomize' | 'notes';

const FORMATS: { id: Format; label: string; help: string }[] = [
  { id: 'plain', label: 'Plain YAML', help: 'Everything in one file: kubectl apply -f it.' },
  { id: 'kustomize', label: 'Kustomize', help: 'A base with dev and prod overlays: kubectl apply -k an overlay.' },
  { id: 'notes', label: 'Notes', help: 'How to deploy, promote and roll back.' },
];

function formatOf(path: string): Format {
  if (path.startsWith('k8s/plain/')) return 'plain';
  if (path.startsWith('k8s/kustomize/')) return 'kustomize';
  return 'notes';
}

/** "k8s/kustomize/overlays/prod/kustomization.yaml" -> "overlays/prod/kustomization.yaml". */
function shortName(path: string): string {
  return path.replace(/^k8s\/(plain|kustomize)\//, '').replace(/^k8s\//, '');
}

interface YamlPreviewCardProps {
  files: GeneratedFile[] | null;
  updating: boolean;
  error: ErrorInfo | null;
}

/** The files an export writes, as they are now: plain YAML, the Kustomize base and overlays, and the notes. */
export function YamlPreviewCard({ files, updating, error }: YamlPreviewCardProps) {
  const [format, setFormat] = useState<Format>('plain');
  const [chosen, setChosen] = useState<Record<Format, string | null>>({ plain: null, kustomize: null, notes: null });
  const inFormat = (files ?? []).filter((f) => formatOf(f.path) === format);
  const file = inFormat.find((f) => f.path === chosen[format]) ?? inFormat[0] ?? null;
  return (
    <Card title="YAML preview" subtitle="Exactly what the export writes, updated as you change the settings."
      actions={updating ? <span className="muted small plan-updating" data-testid="yaml-updating"><span className="spinner" aria-hidden="true" />Updating…</span> : undefined}
      testId="deploy-yaml">
      {error && <ErrorBanner error={error} testId="manifests-error" />}
      <div className="tabs" role="tablist" aria-label="Format">
        {FORMATS.map((f) => (
          <button key={f.id} type="button" role="tab" className="tab" aria-selected={format === f.id} title={f.help}
            onClick={() => setFormat(f.id)} data-testid={`yaml-format-${f.id}`}>{f.label}</button>
        ))}
      </div>
      <p className="muted small yaml-format-help">{FORMATS.find((f) => f.id === format)?.help}</p>
      {inFormat.length > 1 && (
        <div className="file-tabs" role="tablist" aria-label="Files">
          {inFormat.map((f) => (
            <button key={f.path} type="button" role="tab" aria-selected={f.path === file?.path} className="file-tab mono"
              onClick={() => setChosen((c) => ({ ...c, [format]: f.path }))} data-testid="yaml-file-tab" data-path={f.path}>{shortName(f.path)}</button>
          ))}
        </div>
      )}
      {!files && !error && <p className="muted">The manifests appear once an image is picked.</p>}
      {file && (
        <div className="yaml-preview" data-testid="yaml-preview" data-path={file.path}>
          <CodeBlock code={file.content} language={file.path} testId="yaml-code" />
        </div>
      )}
      <Why testId="why-yaml">
        <p>Kubernetes is configured with YAML files that describe what should run (a Deployment), how it is reached (a Service) and how it scales (a HorizontalPodAutoscaler). You do not have to edit them: change the settings here and they are regenerated.</p>
        <p>Plain YAML is one file for <code>kubectl apply -f</code>. Kustomize is what many platform teams use: a shared base plus small per-environment overlays (dev uses its own namespace and one pod; prod uses your settings).</p>
      </Why>
    </Card>
  );
}
