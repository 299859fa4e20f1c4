import type { Provenance } from '../../../shared/schemas/provenance';
import type { ScanVerdict } from '../../../shared/schemas/scan';
import { CodeBlock } from '../../components/CodeBlock';
import { CopyButton } from '../../components/CopyButton';
import { bytesText } from '../../format';
import { Card } from '../../components/Card';
import { diffText } from './ConvertResultView';
import { ScanFindings } from './ScanCard';
import { scanGroups } from './scan-groups';

const ORIGIN_HEADLINES: Record<ScanVerdict | 'none', string> = {
  safe: 'The original scanned safe',
  unverified: 'The original was not verified safe',
  dangerous: 'The original was flagged dangerous',
  none: 'The original was not scanned',
};
const ICONS: Record<ScanVerdict | 'none', string> = { safe: '✓', unverified: '?', dangerous: '!', none: '?' };

/**
 * "Converted from": the record ModelDock kept when it made this ONNX model (the original file and its sha256, its
 * safety scan with the findings, a risk someone accepted, and whether the outputs matched), so the scan report
 * stays with the model after the original file is out of sight. The deploy bundle carries the same record.
 */
export function ProvenanceCard({ provenance: p }: { provenance: Provenance }) {
  const verdict = p.scan?.verdict ?? 'none';
  const groups = p.scan ? scanGroups(p.scan) : [];
  const tone = verdict === 'none' ? 'unverified' : verdict;
  const python = [p.python.label, p.python.version ? `Python ${p.python.version}` : null].filter(Boolean).join(', ');
  return (
    <Card
      title="Converted from"
      subtitle={`ModelDock converted this model on ${new Date(p.createdAt).toLocaleString()}; the record stays beside it (${p.onnx.fileName}.provenance.json) and goes into the deploy bundle.`}
      testId="provenance-card"
      className={`scan-card scan-card-${tone}`}
    >
      <div className="provenance-source">
        <span className="mono strong" data-testid="provenance-source">{p.source.fileName}</span>
        <span className="chip" data-testid="provenance-format">{p.source.formatLabel}</span>
        <span className="muted small">{bytesText(p.source.bytes)}</span>
      </div>
      <p className="mono small provenance-path" data-testid="provenance-path">{p.source.path}</p>
      {p.source.sha256 && (
        <p className="small provenance-sha">
          <span className="muted">sha256{p.source.sha256Of === 'folder-listing' ? ' (of the folder\'s file list)' : ''} </span>
          <span className="mono" data-testid="provenance-sha256">{p.source.sha256}</span>
          <CopyButton text={p.source.sha256} label="Copy" />
        </p>
      )}

      <div className={`scan-verdict scan-verdict-${tone}`} data-testid="provenance-verdict" data-verdict={verdict}>
        <span className="scan-verdict-icon" aria-hidden="true">{ICONS[verdict]}</span>
        <div className="scan-verdict-text">
          <div className="scan-verdict-kicker">Safety scan of {p.source.fileName}</div>
          <h3 className="scan-verdict-title" data-testid="provenance-verdict-title">{ORIGIN_HEADLINES[verdict]}</h3>
          {p.scan && <p className="small">{p.scan.summary}</p>}
        </div>
      </div>

      {p.riskAccepted && (
        <div className={`risk-warning ${verdict === 'dangerous' ? '' : 'risk-warning-unverified'}`} data-testid="provenance-risk">
          <strong>The risk was accepted.</strong> The scan did not clear {p.source.fileName}, and someone confirmed loading it
          in Python to convert it.{p.riskWarning && <> What they were told: <em>{p.riskWarning}</em></>}
        </div>
      )}

      <ComparisonLine provenance={p} />

      <p className="small muted" data-testid="provenance-converter">
        {p.converter.name}{p.converter.version ? (p.converter.name === 'torch.onnx' ? ` (torch ${p.converter.version})` : ` ${p.converter.version}`) : ''}{p.converter.opset ? ` · opset ${p.converter.opset}` : ''} · {python}
        {p.recipe.modelClass ? ` · class ${p.recipe.modelClass}` : ''}
      </p>

      {groups.length > 0 && (
        <details className="disclosure" data-testid="provenance-scan">
          <summary>The scan's findings ({groups.reduce((n, g) => n + g.items.length, 0)})</summary>
          <ScanFindings groups={groups} testIdPrefix="provenance-scan" />
        </details>
      )}
      <details className="disclosure" data-testid="provenance-recipe">
        <summary>The recipe that ran{p.recipe.origin === 'given' ? ' (as shown in the app)' : ''}</summary>
        <CodeBlock code={p.recipe.text} language="python" />
      </details>
    </Card>
  );
}

function ComparisonLine({ provenance: p }: { provenance: Provenance }) {
  const c = p.comparison;
  const outcome = c ? (c.passed ? 'passed' : 'failed') : 'skipped';
  return (
    <div className={`compare-verdict compare-${outcome}`} data-testid="provenance-comparison" data-outcome={outcome}>
      <span className="verdict-icon" aria-hidden="true">{outcome === 'passed' ? '✓' : outcome === 'failed' ? '✕' : '–'}</span>
      <div className="small">
        {c
          ? `${c.passed ? 'Outputs matched the original' : 'Outputs differed from the original'}: largest difference ${diffText(c.maxAbsDiff)}, allowed ${diffText(c.tolerance)} + ${diffText(c.relativeTolerance)} × |original|, on batches of ${c.samples.map((s) => s.batch).join(' and ')}.`
          : `Outputs were not compared. ${p.comparisonNote ?? ''}`}
      </div>
    </div>
  );
}
