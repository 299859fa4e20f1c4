import type { ErrorInfo } from '../../../shared/errors';
import type { ImagePlan } from '../../../shared/schemas/docker';
import { Card } from '../../components/Card';
import { CodeBlock } from '../../components/CodeBlock';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Why } from '../../components/Why';
import { bytesText } from '../../format';

const LAYER_TEXT: Record<string, string> = {
  onnxruntime: 'ONNX Runtime',
  runtime: 'server',
  config: 'settings',
  model: 'your model',
  dockerfile: 'recipe',
};

/** The Dockerfile a build would use and exactly which files go into the image, before anything is built. */
export function DockerfileCard({ plan, planning, error }: { plan: ImagePlan | null; planning: boolean; error: ErrorInfo | null }) {
  return (
    <Card
      title="Dockerfile"
      subtitle="The recipe Docker follows, written for you and saved with the build. Read it, or hand it to your platform team."
      testId="dockerfile-card"
      actions={planning ? <span className="muted small plan-updating" data-testid="plan-updating"><span className="spinner" aria-hidden="true" /> updating…</span> : undefined}
    >
      {error && <ErrorBanner error={error} testId="plan-error" />}
      {plan && (
        <div className="plan" data-testid="plan" data-reference={plan.reference}>
          {plan.warnings.length > 0 && (
            <ul className="plan-warnings" data-testid="plan-warnings">
              {plan.warnings.map((w) => <li key={w}>{w}</li>)}
            </ul>
          )}
          <CodeBlock code={plan.dockerfile} language="Dockerfile" testId="dockerfile" />
          <div>
            <h3 className="section-title">What goes into the image · {bytesText(plan.contextBytes)}</h3>
            <div className="layer-sizes" data-testid="layer-sizes">
              {layerTotals(plan).map(([layer, bytes, count]) => (
                <span key={layer} className="layer-size"><span className={`chip layer-${layer}`}>{LAYER_TEXT[layer] ?? layer}</span> {bytesText(bytes)} <span className="muted">in {count} {count === 1 ? 'file' : 'files'}</span></span>
              ))}
            </div>
            <div className="context-scroll">
            <table className="table table-compact context-table" data-testid="context-files">
              <thead><tr><th>File</th><th>Layer</th><th className="num">Size</th></tr></thead>
              <tbody>
                {plan.files.map((f) => (
                  <tr key={f.path} data-testid="context-file">
                    <td className="mono">{f.path}</td>
                    <td><span className={`chip layer-${f.layer}`}>{LAYER_TEXT[f.layer] ?? f.layer}</span></td>
                    <td className="num">{bytesText(f.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
            <p className="field-help">Only these files are sent to Docker: never the rest of your model's folder, never credentials.</p>
          </div>
        </div>
      )}
      {!plan && !error && <p className="muted">{planning ? 'Writing the Dockerfile…' : 'The Dockerfile appears here.'}</p>}
      <Why summary="Why is it written this way?">
        <p>Layers are ordered from what changes least to what changes most: ONNX Runtime, then the server, then settings and your model last. A new model version rebuilds only the last layers; the rest comes from Docker's cache.</p>
        <p>The server runs as an ordinary user (not root), Docker checks its health through /healthz, and labels record the model's name, version and fingerprint (sha256), so anyone can tell what is inside a running container.</p>
      </Why>
    </Card>
  );
}

/** Bytes and file count per layer, in the order the layers first appear (the Dockerfile's order). */
function layerTotals(plan: ImagePlan): [string, number, number][] {
  const totals = new Map<string, [number, number]>();
  for (const f of plan.files) {
    const [bytes, count] = totals.get(f.layer) ?? [0, 0];
    totals.set(f.layer, [bytes + f.bytes, count + 1]);
  }
  return [...totals].map(([layer, [bytes, count]]) => [layer, bytes, count]);
}
