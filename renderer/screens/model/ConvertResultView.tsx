import { useEffect, useRef } from 'react';
import type { ConvertResult } from '../../../shared/schemas/convert';
import { CopyButton } from '../../components/CopyButton';
import { Stat } from '../../components/Stat';
import { formatMs } from '../../format';

/** A difference people compare with a tolerance: exponent form when tiny, so 1.2e-7 and 1e-4 line up. */
export function diffText(value: number | null): string {
  if (value === null) return 'not comparable';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return Math.abs(value) < 1e-3 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
}

/**
 * What the conversion produced: do the ONNX model's outputs match the original's (max abs diff against the
 * tolerance, per sample batch), where the file is, and the next step's button: open it in the workbench.
 */
export function ConvertResultView({ result, onOpen, opening }: { result: ConvertResult; onOpen: () => void; opening: boolean }) {
  const { comparison } = result;
  const outcome = comparison ? (comparison.passed ? 'passed' : 'failed') : 'skipped';
  const duration = formatMs(result.durationMs);
  const problems = result.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
  // The result arrives below where the user was watching the log: bring it, and its next-step button, into view.
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => { box.current?.scrollIntoView({ block: 'nearest' }); }, [result]);
  return (
    <div ref={box} className="compare" data-testid="convert-result">
      <div className={`compare-verdict compare-${outcome}`} data-testid="compare-verdict" data-outcome={outcome}>
        <span className="verdict-icon" aria-hidden="true">{outcome === 'passed' ? '✓' : outcome === 'failed' ? '✕' : '–'}</span>
        <div>
          <div className="verdict-title">
            {outcome === 'passed' && 'Converted: the ONNX model gives the same outputs as the original'}
            {outcome === 'failed' && 'Converted, but the outputs differ from the original beyond the tolerance'}
            {outcome === 'skipped' && 'Converted; the outputs were not compared'}
          </div>
          <div className="muted small" data-testid="compare-detail">
            {comparison
              ? `Largest difference ${diffText(comparison.maxAbsDiff)}, allowed ${diffText(comparison.tolerance)} + ${diffText(comparison.relativeTolerance)} × |original| on ${comparison.samples.length} sample ${comparison.samples.length === 1 ? 'batch' : 'batches'}.`
              : result.comparisonNote ?? 'The recipe did not save reference outputs.'}
          </div>
        </div>
      </div>

      {comparison && (
        <div className="stat-grid stat-grid-4">
          <Stat label="Max abs difference" value={diffText(comparison.maxAbsDiff)} testId="compare-max-diff" />
          <Stat label="Tolerance" value={diffText(comparison.tolerance)} unit={`+ ${diffText(comparison.relativeTolerance)}×|x|`} testId="compare-tolerance" />
          <Stat label="Batches compared" value={comparison.samples.map((s) => s.batch).join(', ')} unit="rows" testId="compare-batches"
            hint="A second batch size proves the batch axis is dynamic." />
          <Stat label="Conversion time" value={duration.value} unit={duration.unit} testId="convert-duration" />
        </div>
      )}

      {comparison && comparison.samples.length > 0 && (
        <details className="disclosure">
          <summary>Per output and batch</summary>
          <table className="table table-compact" data-testid="compare-table">
            <thead><tr><th scope="col">Batch</th><th scope="col">Output</th><th scope="col">Shape</th><th scope="col" className="num">Max abs diff</th><th scope="col" className="num">Outside tolerance</th></tr></thead>
            <tbody>
              {comparison.samples.flatMap((sample) => sample.outputs.map((output) => (
                <tr key={`${sample.batch}-${output.name}`}>
                  <td className="num">{sample.batch}</td>
                  <td className="mono">{output.name}</td>
                  <td className="mono">[{output.shape.join(', ')}]</td>
                  <td className="num mono">{diffText(output.maxAbsDiff)}</td>
                  <td className={`num ${output.mismatches ? 'status-text-error' : ''}`}>{output.mismatches}{output.problem ? ` (${output.problem})` : ''}</td>
                </tr>
              )))}
            </tbody>
          </table>
        </details>
      )}

      {problems.length > 0 && (
        <p className="muted" data-testid="convert-findings">
          The static check of the new model found {problems.length} {problems.length === 1 ? 'thing' : 'things'} worth a look
          ({problems.slice(0, 2).map((p) => p.title).join('; ')}); Validate shows them once it is open.
        </p>
      )}

      <div className="compare-next">
        <button type="button" className="button button-primary" onClick={onOpen} disabled={opening} data-testid="open-converted">
          Open the ONNX model
        </button>
        <span className="mono small compare-path" data-testid="converted-path">{result.onnxPath}</span>
        <CopyButton text={result.onnxPath} label="Copy path" />
      </div>
    </div>
  );
}
