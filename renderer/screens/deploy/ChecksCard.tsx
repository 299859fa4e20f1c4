import type { CheckResult, DeployManifests } from '../../../shared/schemas/kubernetes';
import { Card } from '../../components/Card';
import { Why } from '../../components/Why';

const GROUPS: { severity: CheckResult['severity']; title: string; help: string }[] = [
  { severity: 'required', title: 'Required', help: 'A failure here blocks the export: clusters run by a platform team usually refuse such manifests.' },
  { severity: 'recommended', title: 'Recommended', help: 'Good practice; the export goes ahead without them.' },
];

/** Every check the manifests went through, failed ones first with their reason and fix. */
export function ChecksCard({ manifests }: { manifests: DeployManifests | null }) {
  const summary = manifests?.summary;
  const badge = !summary ? null : summary.failed === 0
    ? <span className="chip chip-ok" data-testid="checks-badge" data-failed="0">{summary.passed} passed</span>
    : <span className={`chip ${summary.failedRequired > 0 ? 'chip-error' : 'chip-warning'}`} data-testid="checks-badge" data-failed={summary.failed}>
      {summary.failed} failed · {summary.passed} passed
    </span>;
  return (
    <Card title={<span className="title-with-badge">Checks {badge}</span>}
      subtitle="What a platform team's review (kube-score, Polaris, Checkov) would look at, run on the manifests as they are now."
      testId="deploy-checks">
      {!manifests && <p className="muted">The checks run once an image is picked.</p>}
      {manifests && GROUPS.map((group) => {
        const checks = manifests.checks.filter((c) => c.severity === group.severity);
        const failed = checks.filter((c) => !c.passed);
        const passed = checks.filter((c) => c.passed);
        return (
          <section key={group.severity} className="check-group" data-testid={`checks-${group.severity}`} data-failed={failed.length} data-passed={passed.length}>
            <h3 className={`group-title ${failed.length > 0 ? (group.severity === 'required' ? 'group-error' : 'group-warning') : 'group-info'}`}>
              {group.title}: {failed.length > 0 ? `${failed.length} failed, ` : ''}{passed.length} passed
            </h3>
            <p className="muted small">{group.help}</p>
            {failed.length > 0 && (
              <ul className="finding-list check-list">
                {failed.map((c, i) => (
                  <li key={`${c.id}-${c.object}-${i}`} className={`finding ${group.severity === 'required' ? 'finding-error' : 'finding-warning'}`}
                    data-testid="check-failed" data-check={c.id} data-severity={c.severity}>
                    <span className="finding-icon" aria-hidden="true">!</span>
                    <div className="finding-body">
                      <div className="finding-title">{c.title}{c.object && <span className="muted mono check-object"> · {c.object}</span>}</div>
                      <div className="finding-detail" data-testid="check-reason">{c.reason}</div>
                      {c.fix && <div className="finding-hint" data-testid="check-fix"><strong>Fix:</strong> {c.fix}</div>}
                    </div>
                  </li>
                ))}
              </ul>
            )}
            {passed.length > 0 && (
              <details className="disclosure check-passed-list">
                <summary data-testid={`checks-${group.severity}-passed-toggle`}>Show the {passed.length} passed</summary>
                <ul className="passed-list">
                  {passed.map((c, i) => (
                    <li key={`${c.id}-${c.object}-${i}`} data-testid="check-passed" data-check={c.id}>
                      <span className="check-ok" aria-hidden="true">✓</span>
                      <span><strong>{c.title}</strong>{c.object && <span className="muted mono check-object"> · {c.object}</span>} <span className="muted">{c.reason}</span></span>
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </section>
        );
      })}
      {manifests && manifests.warnings.length > 0 && (
        <ul className="capacity-warnings" data-testid="manifest-warnings">
          {manifests.warnings.map((w) => <li key={w}>{w}</li>)}
        </ul>
      )}
      <Why testId="why-checks">
        <p>Manifests can be valid YAML and still be unsafe or fragile: a container running as root, no memory limit, a probe that restarts a pod while it is still loading the model. These checks catch what reviewers and admission controllers in most companies reject.</p>
        <p>Each failure says what to change. Most are fixed by a setting on this screen; the export refuses while a required check fails unless you choose to export anyway.</p>
      </Why>
    </Card>
  );
}
