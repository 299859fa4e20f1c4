import type { ModelReport } from '../../../shared/schemas/model';
import { Card } from '../../components/Card';
import { CodeBlock } from '../../components/CodeBlock';
import { Why } from '../../components/Why';
import { bytesText } from '../../format';

/** Non-ONNX files: say what the file is and how to get to ONNX, with code to copy. */
export function ConversionView({ report }: { report: ModelReport }) {
  const hint = report.conversion;
  return (
    <div className="stack" data-testid="conversion-recipe">
      <Card
        title={<>This is a <span data-testid="detected-format">{report.formatLabel}</span> file</>}
        subtitle={`${report.fileName} · ${bytesText(report.bytes)}`}
      >
        <p className="lead">{hint?.summary ?? 'ModelDock serves ONNX models. Convert this model to ONNX, then open the .onnx file here.'}</p>
        <Why summary="Why ONNX?">
          ONNX is a portable file format for trained models: one file holds the graph and the weights, and ONNX Runtime runs it
          fast on any server without your training framework installed. Pickled or framework-specific files need the exact
          library versions they were saved with, which makes them fragile (and unsafe to load from strangers) in production.
        </Why>
      </Card>
      {hint && (
        <Card title="Convert it to ONNX" subtitle="Run this where you trained the model, then open the .onnx file it writes.">
          <ol className="steps-list" data-testid="conversion-steps">
            {hint.steps.map((step) => <li key={step}>{step}</li>)}
          </ol>
          <CodeBlock code={hint.snippet} language={hint.snippetLanguage} testId="conversion-snippet" />
        </Card>
      )}
    </div>
  );
}
