import type { Finding, Severity } from '../../../shared/schemas/validation';
import { Card } from '../../components/Card';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { msText } from '../../format';
import { useWorkbench } from '../../state/workbench';

const GROUPS: { severity: Severity; title: string }[] = [
  { severity: 'error', title: 'Must fix before production' },
  { severity: 'warning', title: 'Worth a look' },
  { severity: 'info', title: 'Good to know' },
];

/** The validation report as a checklist grouped by severity, with a button where the app can fix it. */
export function ValidationCard() {
  const { validation, applyFix, opening } = useWorkbench();
  return (
    <Card
      title="Validation"
      subtitle="Will this model load and run in production? Structure, operators, an ONNX Runtime session and a smoke run on synthetic inputs."
      testId="validation"
    >
      {validation.status === 'idle' && <p className="muted">Not checked yet. Press <strong>Validate model</strong> at the top.</p>}
      {validation.status === 'running' && (
        <ProgressBar
          testId="validation-progress"
          value={validation.progress ? (validation.progress.index - 1) / Math.max(1, validation.progress.total) : null}
          label={validation.progress ? `Step ${validation.progress.index}/${validation.progress.total}: ${validation.progress.step}` : 'Starting checks…'}
        />
      )}
      {validation.status === 'error' && <ErrorBanner error={validation.error} testId="validation-error" />}
      {validation.status === 'done' && (() => {
        const { report } = validation;
        const counts = { error: 0, warning: 0, info: 0 };
        for (const f of report.findings) counts[f.severity] += 1;
        const verdict = !report.ok ? 'failed' : counts.warning > 0 ? 'passed-with-warnings' : 'passed';
        return (
          <div className="validation-report">
            <div className={`verdict verdict-${verdict}`} data-testid="validation-status" data-ok={String(report.ok)} data-verdict={verdict}>
              <span className="verdict-icon" aria-hidden="true">{report.ok ? '✓' : '✕'}</span>
              <div>
                <div className="verdict-title">
                  {verdict === 'passed' && 'Passed: this model loads and runs'}
                  {verdict === 'passed-with-warnings' && 'Passed, with warnings worth a look'}
                  {verdict === 'failed' && 'Failed: this model will not run as it is'}
                </div>
                <div className="muted small">
                  {counts.error} {counts.error === 1 ? 'error' : 'errors'} · {counts.warning} {counts.warning === 1 ? 'warning' : 'warnings'} · {counts.info} info
                  {report.smokeRun && ` · session created in ${msText(report.smokeRun.sessionCreateMs)}, smoke run ${msText(report.smokeRun.runMs)}`}
                </div>
              </div>
            </div>
            {GROUPS.map((group) => {
              const findings = report.findings.filter((f) => f.severity === group.severity);
              if (findings.length === 0) return null;
              return (
                <section key={group.severity} className="finding-group" aria-label={group.title}>
                  <h3 className={`group-title group-${group.severity}`}>{group.title}</h3>
                  <ul className="finding-list">
                    {findings.map((finding, i) => (
                      <FindingItem key={`${finding.check}-${i}`} finding={finding} busy={!!opening} onFix={(kind) => void applyFix(kind)} />
                    ))}
                  </ul>
                </section>
              );
            })}
            {report.smokeRun && report.smokeRun.outputs.length > 0 && (
              <details className="disclosure">
                <summary>Smoke run outputs</summary>
                <table className="table table-compact">
                  <thead><tr><th scope="col">Output</th><th scope="col">Type</th><th scope="col">Dims</th><th scope="col">NaN</th><th scope="col">Inf</th></tr></thead>
                  <tbody>
                    {report.smokeRun.outputs.map((o) => (
                      <tr key={o.name}>
                        <td className="mono">{o.name}</td><td className="mono">{o.elementType}</td><td className="mono">[{o.dims.join(', ')}]</td>
                        <td className="num">{o.nanCount}</td><td className="num">{o.infCount}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            )}
          </div>
        );
      })()}
    </Card>
  );
}

function FindingItem({ finding, onFix, busy }: { finding: Finding; onFix: (kind: NonNullable<Finding['fix']>['kind']) => void; busy: boolean }) {
  const icon = finding.severity === 'error' ? '✕' : finding.severity === 'warning' ? '!' : 'i';
  return (
    <li className={`finding finding-${finding.severity}`} data-testid={`finding-${finding.check}`} data-severity={finding.severity}>
      <span className="finding-icon" aria-label={finding.severity}>{icon}</span>
      <div className="finding-body">
        <div className="finding-title">{finding.title}</div>
        <p className="finding-detail">{finding.detail}</p>
        {finding.hint && <p className="finding-hint"><strong>What to do:</strong> {finding.hint}</p>}
        <span className="finding-check mono">{finding.check}</span>
      </div>
      {finding.fix && (
        <button type="button" className="button button-primary button-small" onClick={() => onFix(finding.fix!.kind)} disabled={busy} data-testid={`fix-button-${finding.fix.kind}`}>
          {finding.fix.label}
        </button>
      )}
    </li>
  );
}
