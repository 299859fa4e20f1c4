import type { ReactNode } from 'react';
import type { ModelReport, OnnxSummary, ValueInfo } from '../../../shared/schemas/model';
import { HorizontalBarChart } from '../../charts/HorizontalBarChart';
import { Card } from '../../components/Card';
import { Stat } from '../../components/Stat';
import { ShapeBadge, TypeChip } from '../../components/TensorBadges';
import { Why } from '../../components/Why';
import { bytesText, formatBytes, formatCount } from '../../format';
import { ProvenanceCard } from './ProvenanceCard';

/** What the model takes and returns, what it is made of, and what it says about itself. */
export function InspectView({ report, summary, validation }: { report: ModelReport; summary: OnnxSummary; validation: ReactNode }) {
  return (
    <div className="stack" data-testid="inspect-view">
      <SummaryCards report={report} summary={summary} />
      {report.provenance && <ProvenanceCard provenance={report.provenance} />}
      <IoTable summary={summary} />
      {validation}
      <div className="grid-2">
        <Card title="Operators" subtitle={`${summary.nodeCount} nodes, ${summary.opHistogram.length} operator types`}>
          <HorizontalBarChart
            testId="op-histogram"
            bars={[...summary.opHistogram].sort((a, b) => b.count - a.count).slice(0, 24).map((op) => ({
              label: op.domain && op.domain !== 'ai.onnx' ? `${op.domain}:${op.opType}` : op.opType,
              value: op.count,
            }))}
          />
          {summary.opHistogram.length > 24 && <p className="muted small">Showing the 24 most used of {summary.opHistogram.length} operator types.</p>}
        </Card>
        <MetadataCard summary={summary} />
      </div>
      {summary.externalData.length > 0 && <ExternalDataCard summary={summary} />}
    </div>
  );
}

function SummaryCards({ report, summary }: { report: ModelReport; summary: OnnxSummary }) {
  const size = formatBytes(report.bytes);
  const params = formatCount(summary.parameterCount);
  const opsets = summary.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`);
  const producer = [summary.producerName, summary.producerVersion].filter(Boolean).join(' ') || 'not recorded';
  return (
    <div className="stat-grid" data-testid="summary-cards">
      <Stat label="Format" value={`ONNX · IR ${summary.irVersion}`} testId="summary-format" text />
      <Stat label="Opsets" value={opsets.join(', ') || 'none'} testId="summary-opsets" mono text />
      <Stat label="Producer" value={producer} testId="summary-producer" text />
      <Stat label="File size" value={size.value} unit={size.unit} testId="summary-size" hint={`${report.bytes.toLocaleString('en-US')} bytes`} />
      <Stat
        label="Parameters"
        value={params.value}
        unit={`${params.unit ? `${params.unit} ` : ''}· ${bytesText(summary.parameterBytes)}`}
        testId="summary-parameters"
        hint={`${summary.parameterCount.toLocaleString('en-US')} weights in ${summary.initializerCount} tensors`}
      />
      <Stat label="Nodes" value={summary.nodeCount.toLocaleString('en-US')} testId="summary-nodes" />
    </div>
  );
}

function IoTable({ summary }: { summary: OnnxSummary }) {
  const rows: { dir: 'input' | 'output'; info: ValueInfo }[] = [
    ...summary.inputs.map((info) => ({ dir: 'input' as const, info })),
    ...summary.outputs.map((info) => ({ dir: 'output' as const, info })),
  ];
  return (
    <Card title="Inputs and outputs" subtitle="What the model takes and what it returns. A request to the served model sends the inputs.">
      <table className="table" data-testid="io-table">
        <thead>
          <tr><th scope="col">Direction</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Shape</th><th scope="col">Notes</th></tr>
        </thead>
        <tbody>
          {rows.map(({ dir, info }) => (
            <tr key={`${dir}-${info.name}`} data-testid={`${dir}-row-${info.name}`}>
              <td><span className={`direction direction-${dir}`}>{dir === 'input' ? 'Input' : 'Output'}</span></td>
              <td className="mono strong" data-testid="io-name">{info.name}</td>
              <td>
                {info.kind === 'tensor'
                  ? <TypeChip type={info.elementType ?? 'unknown'} testId="io-type" />
                  : <span className="chip chip-warning mono" data-testid="io-type">{info.typeText}</span>}
              </td>
              <td>{info.kind === 'tensor' ? <ShapeBadge shape={info.shape} testId="io-shape" /> : <span className="muted">—</span>}</td>
              <td className="muted">{noteFor(info, dir, summary)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Why summary="What do these mean?" testId="io-why">
        <p><strong>Dynamic dimensions</strong> such as <code className="mono dim-symbolic">batch</code> can take any size at run time, so the served model can score one row or a thousand in a single request. Fixed numbers must match exactly.</p>
        <p><strong>Element type</strong> is the number format each value must have: float32 is a 32-bit decimal, int64 a whole number.</p>
        <p><strong>Opset</strong> is the version of the ONNX operator set the model was exported with; ONNX Runtime must support that version to load it.</p>
        <p><strong>ZipMap</strong> is a step scikit-learn converters add that returns probabilities as a list of dictionaries instead of a plain table; many runtimes, including ONNX Runtime for Node, cannot return it, so ModelDock offers to remove it.</p>
      </Why>
    </Card>
  );
}

function noteFor(info: ValueInfo, dir: 'input' | 'output', summary: OnnxSummary): string {
  if (info.docString) return info.docString;
  if (info.kind !== 'tensor') return 'Not a plain tensor: see the validation report.';
  if (dir === 'output' && summary.labels && info.shape && info.shape[info.shape.length - 1] === summary.labels.length) {
    return `Scores for ${summary.labels.length} classes (${summary.labels.slice(0, 3).join(', ')}${summary.labels.length > 3 ? ', …' : ''})`;
  }
  if (dir === 'input' && info.shape && typeof info.shape[0] !== 'number') return 'Batch size is dynamic.';
  return '';
}

function MetadataCard({ summary }: { summary: OnnxSummary }) {
  const rows = [
    ...(summary.graphName ? [{ key: 'graph name', value: summary.graphName }] : []),
    ...(summary.domain ? [{ key: 'domain', value: summary.domain }] : []),
    ...(summary.modelVersion ? [{ key: 'model version', value: String(summary.modelVersion) }] : []),
    ...(summary.docString ? [{ key: 'description', value: summary.docString }] : []),
    ...summary.metadata,
  ];
  return (
    <Card title="Metadata" subtitle="What the exporter wrote into the file.">
      {rows.length === 0 ? (
        <p className="muted">This model carries no metadata. Class names can be added later in the package spec.</p>
      ) : (
        <table className="table table-compact" data-testid="metadata-table">
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row" className="mono">{row.key}</th>
                <td className="mono wrap">{row.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {summary.customDomains.length > 0 && (
        <p className="small">Custom operator domains: <span className="mono">{summary.customDomains.join(', ')}</span></p>
      )}
    </Card>
  );
}

function ExternalDataCard({ summary }: { summary: OnnxSummary }) {
  return (
    <Card title="External data" subtitle="Weights stored in separate files beside the model; they must travel with it.">
      <table className="table" data-testid="external-data">
        <thead><tr><th scope="col">File</th><th scope="col">Tensors</th><th scope="col">Size</th><th scope="col">Status</th></tr></thead>
        <tbody>
          {summary.externalData.map((file) => (
            <tr key={file.location}>
              <td className="mono">{file.location}</td>
              <td className="num">{file.tensors}</td>
              <td className="num">{file.bytes === null ? '—' : bytesText(file.bytes)}</td>
              <td>{file.problem ? <span className="status-text status-text-error">{file.problem}</span> : <span className="status-text status-text-ok">found</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
