import type { Classification, ImagePreview, LatencyStats, PredictResponse } from '../../../shared/schemas/inference';
import type { WireTensor } from '../../../shared/schemas/tensor';
import { LatencyHistogram } from '../../charts/LatencyHistogram';
import { Card } from '../../components/Card';
import { Stat } from '../../components/Stat';
import { formatMs } from '../../format';
import { valueText } from '../../tensor-text';

export function PredictResults({ result }: { result: PredictResponse }) {
  return (
    <div className="stack" data-testid="predict-results">
      {result.notes.map((note) => (
        <div key={note} className="banner banner-warning" role="status" data-testid="predict-note">
          <div className="banner-icon" aria-hidden="true">!</div>
          <div className="banner-body"><p className="banner-message">{note}</p></div>
        </div>
      ))}
      {result.classification && <ClassificationCard classification={result.classification} />}
      {result.previews.length > 0 && <ModelSeesCard previews={result.previews} />}
      <LatencyCard latency={result.latency} />
      <Card title="Outputs" subtitle="Every output tensor the model returned.">
        {result.outputs.map((tensor) => <OutputTable key={tensor.name} tensor={tensor} />)}
      </Card>
    </div>
  );
}

const MAX_ROWS = 10;

/** Each photo as its tensor, turned back into a picture: the framing and colours the model actually got. */
function ModelSeesCard({ previews }: { previews: ImagePreview[] }) {
  return (
    <Card
      title="What the model sees"
      subtitle="Each photo after decoding, resizing and normalising, turned back into a picture. Check the framing (stretched or cropped, upright or turned) and compare the value ranges with your training tensors."
      testId="model-sees"
    >
      <div className="model-sees">
        {previews.map((p, i) => (
          <figure key={i} className="model-sees-item" data-testid="model-sees-item">
            <img className="model-sees-image" src={`data:image/png;base64,${p.png}`} alt={`${p.source} as the model sees it, ${p.width}×${p.height}`}
              style={{ imageRendering: p.width < 128 ? 'pixelated' : 'auto' }} />
            <figcaption>
              <span className="mono">{p.source}</span>
              <span className="muted small"> → {p.width}×{p.height}, {p.layout}, input {p.input}</span>
              <table className="model-sees-stats" data-testid="model-sees-stats">
                <thead><tr><th>channel</th><th>min</th><th>mean</th><th>max</th></tr></thead>
                <tbody>
                  {p.channels.map((c, ch) => (
                    <tr key={ch}><td>{p.channelNames[ch] ?? ch}</td><td className="mono">{c.min.toFixed(3)}</td><td className="mono">{c.mean.toFixed(3)}</td><td className="mono">{c.max.toFixed(3)}</td></tr>
                  ))}
                </tbody>
              </table>
            </figcaption>
          </figure>
        ))}
      </div>
    </Card>
  );
}

function ClassificationCard({ classification }: { classification: Classification }) {
  const rows = classification.rows.slice(0, MAX_ROWS);
  const kind = classification.scoreKind === 'probability' ? 'probability' : classification.scoreKind === 'logit' ? 'logit (raw score)' : 'score';
  return (
    <Card title="Prediction" subtitle={`Top classes per row from "${classification.output}", by ${kind}.`} testId="classification">
      <div className="class-rows">
        {rows.map((row, r) => (
          <div key={r} className="class-row" data-testid={`class-row-${r}`}>
            <div className="class-row-head">
              <span className="muted small">Row {r + 1}</span>
              <span className="class-top mono" data-testid={r === 0 ? 'top1-label' : `top1-label-${r}`}>
                {row.top[0]?.label ?? `class ${row.top[0]?.index}`}
              </span>
              {row.top[0] && classification.scoreKind === 'probability' && (
                <span className="class-top-score">{(row.top[0].score * 100).toFixed(1)}%</span>
              )}
            </div>
            <ul className="class-bars">
              {row.top.map((entry) => (
                <li key={entry.index} className="class-bar">
                  <span className="class-name mono" title={`index ${entry.index}`}>{entry.label ?? `class ${entry.index}`}</span>
                  <span className="bar-track" aria-hidden="true">
                    <span className="bar-fill" style={{ width: `${barWidth(entry.score, classification, row.top.map((t) => t.score))}%` }} />
                  </span>
                  <span className="class-score num">{classification.scoreKind === 'probability' ? `${(entry.score * 100).toFixed(1)}%` : entry.score.toFixed(3)}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      {classification.rows.length > MAX_ROWS && <p className="muted small">Showing {MAX_ROWS} of {classification.rows.length} rows; the Outputs table below has all values.</p>}
      {!rows[0]?.top[0]?.label && <p className="muted small">No class names found. Add them to the model's metadata or, later, to the package spec (labels) to read names instead of indexes.</p>}
    </Card>
  );
}

function barWidth(score: number, classification: Classification, scores: number[]): number {
  if (classification.scoreKind === 'probability') return Math.max(0, Math.min(100, score * 100));
  const min = Math.min(...scores, 0);
  const max = Math.max(...scores);
  return max === min ? 100 : ((score - min) / (max - min)) * 100;
}

function LatencyCard({ latency }: { latency: LatencyStats }) {
  const stat = (ms: number) => formatMs(ms);
  const first = stat(latency.firstMs);
  const p50 = stat(latency.p50);
  const p90 = stat(latency.p90);
  const p99 = stat(latency.p99);
  return (
    <Card title="Latency" subtitle={`Time inside ONNX Runtime over ${latency.runs} ${latency.runs === 1 ? 'run' : 'runs'}. p90 means 90% of runs were at least this fast.`} testId="latency">
      <div className="stat-grid stat-grid-4">
        <Stat label="First run" value={first.value} unit={first.unit} testId="latency-first" hint="Includes one-time warm-up work" />
        <Stat label="p50 (median)" value={p50.value} unit={p50.unit} testId="latency-p50" />
        <Stat label="p90" value={p90.value} unit={p90.unit} testId="latency-p90" />
        <Stat label="p99" value={p99.value} unit={p99.unit} testId="latency-p99" />
      </div>
      {latency.samples.length > 1 && (
        <LatencyHistogram samples={latency.samples} p50={latency.p50} p90={latency.p90} p99={latency.p99} testId="latency-histogram" />
      )}
    </Card>
  );
}

const MAX_CELLS = 200;

function OutputTable({ tensor }: { tensor: WireTensor }) {
  const twoD = tensor.dims.length === 2 && tensor.dims[1] <= 16;
  const total = tensor.data.length;
  return (
    <div className="output-block" data-testid={`result-table-${tensor.name}`}>
      <div className="output-head">
        <span className="mono strong">{tensor.name}</span>
        <span className="chip">{tensor.elementType}</span>
        <span className="badge mono">[{tensor.dims.join(', ')}]</span>
        <span className="muted small">{total.toLocaleString('en-US')} {total === 1 ? 'value' : 'values'}</span>
      </div>
      {twoD ? <MatrixTable tensor={tensor} /> : (
        <div className="value-flow mono">
          {tensor.data.slice(0, MAX_CELLS).map((v, i) => <span key={i} className="value-cell">{valueText(v)}</span>)}
        </div>
      )}
      {total > (twoD ? Math.min(MAX_ROWS, tensor.dims[0]) * tensor.dims[1] : MAX_CELLS) && (
        <p className="muted small" data-testid="truncated-note">
          Showing the first {twoD ? `${MAX_ROWS} rows` : `${MAX_CELLS} values`} of {total.toLocaleString('en-US')} values.
        </p>
      )}
    </div>
  );
}

function MatrixTable({ tensor }: { tensor: WireTensor }) {
  const [rows, cols] = tensor.dims;
  return (
    <table className="table table-compact table-values">
      <thead>
        <tr><th scope="col">row</th>{Array.from({ length: cols }, (_, c) => <th key={c} scope="col" className="num">{c}</th>)}</tr>
      </thead>
      <tbody>
        {Array.from({ length: Math.min(rows, MAX_ROWS) }, (_, r) => (
          <tr key={r}>
            <th scope="row" className="muted">{r}</th>
            {Array.from({ length: cols }, (_, c) => <td key={c} className="num mono">{valueText(tensor.data[r * cols + c])}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
