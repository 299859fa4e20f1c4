import type { ModelReport } from '../../../shared/schemas/model';
import { Card } from '../../components/Card';
import { Why } from '../../components/Why';
import { bytesText } from '../../format';
import { ConvertCard } from './ConvertCard';
import { formatFacts } from './format-facts';
import { ScanCard } from './ScanCard';

/** Non-ONNX files: what the file is, whether it is safe to load, and how to get to ONNX. */
export function ConversionView({ report }: { report: ModelReport }) {
  const hint = report.conversion;
  const facts = formatFacts(report.format);
  return (
    <div className="stack" data-testid="conversion-recipe">
      <Card
        title={<>This is a <span data-testid="detected-format">{report.formatLabel}</span> file</>}
        subtitle={`${report.fileName} · ${bytesText(report.bytes)}`}
        testId="format-card"
        actions={hint && (
          <button
            type="button"
            className="button button-small"
            onClick={() => document.querySelector('[data-testid="convert-card"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
            data-testid="jump-to-convert"
          >
            Convert to ONNX ↓
          </button>
        )}
      >
        <div className="format-facts">
          {facts && <p className="lead" data-testid="format-what">{facts.what}</p>}
          {facts && (
            <p className="format-made-by">Usually written by <code>{facts.madeBy}</code></p>
          )}
          {!facts && <p className="lead">{hint?.summary ?? 'ModelDock serves ONNX models. Convert this model to ONNX, then open the .onnx file here.'}</p>}
        </div>
        <Why summary="Why ONNX?">
          ONNX is a portable file format for trained models: one file holds the graph and the weights, and ONNX Runtime runs it
          fast on any server without your training framework installed. Pickled or framework-specific files need the exact
          library versions they were saved with, which makes them fragile (and unsafe to load from strangers) in production.
        </Why>
      </Card>
      {report.scan && <ScanCard report={report.scan} />}
      {hint && <ConvertCard report={report} />}
    </div>
  );
}
