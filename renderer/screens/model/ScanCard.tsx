import type { ScanReport, ScanVerdict } from '../../../shared/schemas/scan';
import { Card } from '../../components/Card';
import { Why } from '../../components/Why';
import { bytesText, msText } from '../../format';
import { scanGroups, VERDICT_HEADLINES, whereText, type ScanGroup, type ScanItem } from './scan-groups';

const VERDICT_ICONS: Record<ScanVerdict, string> = { safe: '✓', unverified: '?', dangerous: '!' };

/**
 * The static safety scan, prominent: what loading this file would import and run, judged safe / unverified /
 * dangerous, with the findings grouped (dangerous first) and where in the file each one sits.
 */
export function ScanCard({ report }: { report: ScanReport }) {
  const groups = scanGroups(report);
  const members = report.scanned.length;
  return (
    <Card className={`scan-card scan-card-${report.verdict}`} testId="scan-card">
      <div className={`scan-verdict scan-verdict-${report.verdict}`} data-testid="scan-verdict" data-verdict={report.verdict}>
        <span className="scan-verdict-icon" aria-hidden="true">{VERDICT_ICONS[report.verdict]}</span>
        <div className="scan-verdict-text">
          <div className="scan-verdict-kicker">Safety scan</div>
          <h2 className="scan-verdict-title" data-testid="scan-verdict-title">{VERDICT_HEADLINES[report.verdict]}</h2>
          <p className="scan-facts small">
            {report.container} · {members} {members === 1 ? 'part' : 'parts'} read · {bytesText(report.bytesScanned)} in {msText(report.scanMs)} · nothing was loaded or run
          </p>
        </div>
      </div>
      <p className="scan-summary" data-testid="scan-summary">{report.summary}</p>
      <p className="scan-advice" data-testid="scan-advice"><strong>Next step:</strong> {report.advice}</p>

      <Why summary="What does this mean?" testId="scan-explain">
        <p>
          <strong>Unpickling runs code.</strong> Pickle-based files (pickle, joblib, torch.save; Keras files carry code in
          their Lambda layers) are not just data: they are a small program that Python runs to rebuild the object. Each import below is something that program asks Python to
          fetch, and loading the file calls it. Most model files only import what rebuilds arrays, tensors and estimators.
        </p>
        <p>
          A file that imports <code>os.system</code>, <code>subprocess</code>, <code>eval</code> and the like can run any
          command on your computer, with your rights, the moment it is loaded: read your files and keys, install
          something, send data away. ModelDock read this file byte by byte without loading it, so nothing in it has run.
        </p>
        <p>
          &ldquo;Not verified&rdquo; means the scan found nothing known to be harmful but cannot vouch for every import (a
          class from your own code, a library it does not know). Load such a file only if you trust where it came from.
        </p>
      </Why>

      {groups.length > 0 && <ScanFindings groups={groups} />}
      {report.calls.length > 0 && <ScanCalls report={report} />}
    </Card>
  );
}

export function ScanFindings({ groups, testIdPrefix = 'scan' }: { groups: ScanGroup[]; testIdPrefix?: string }) {
  return (
    <div className="scan-groups">
      {groups.map((group) => {
        const list = (
          <ul className="finding-list">
            {group.items.map((item) => <ScanItemRow key={item.key} item={item} testIdPrefix={testIdPrefix} />)}
          </ul>
        );
        // The known-safe imports are the record, not the news: folded away unless they are all there is.
        if (group.verdict === 'safe') {
          return (
            <details key={group.verdict} className="disclosure scan-group" data-testid={`${testIdPrefix}-group-safe`} open={groups.length === 1 && group.items.length <= 3}>
              <summary>{group.items.length} known-safe {group.items.length === 1 ? 'item' : 'items'}: only rebuild data</summary>
              {list}
            </details>
          );
        }
        return (
          <section key={group.verdict} className="scan-group" aria-label={group.title} data-testid={`${testIdPrefix}-group-${group.verdict}`}>
            <h3 className={`group-title scan-group-${group.verdict}`}>{group.title} ({group.items.length})</h3>
            {list}
          </section>
        );
      })}
    </div>
  );
}

function ScanItemRow({ item, testIdPrefix }: { item: ScanItem; testIdPrefix: string }) {
  const severity = item.verdict === 'dangerous' ? 'error' : item.verdict === 'unverified' ? 'warning' : 'info';
  const where = whereText(item.where, item.count);
  return (
    <li className={`finding finding-${severity}`} data-testid={`${testIdPrefix}-finding`} data-verdict={item.verdict} data-kind={item.kind}>
      <span className="finding-icon" aria-hidden="true">{VERDICT_ICONS[item.verdict]}</span>
      <div className="finding-body">
        <div className="scan-item-head">
          <span className={item.kind === 'import' ? 'mono finding-title scan-import-name' : 'finding-title'} data-testid={`${testIdPrefix}-finding-name`}>{item.name}</span>
          {item.kind === 'import' && <span className="chip">import</span>}
          {item.count > 1 && <span className="muted small">{item.count}×</span>}
        </div>
        <p className="finding-detail">{item.why}</p>
        {where && <p className="scan-where mono small" data-testid={`${testIdPrefix}-finding-where`}>Where: {where}</p>}
      </div>
    </li>
  );
}

/** Every call the unpickler would make; computed callables (the scan cannot name them) first. */
function ScanCalls({ report }: { report: ScanReport }) {
  const calls = [...report.calls].sort((a, b) => Number(a.resolved) - Number(b.resolved) || b.count - a.count);
  return (
    <details className="disclosure scan-calls" data-testid="scan-calls">
      <summary>What loading it would call ({calls.length})</summary>
      <div className="scan-calls-scroll">
        <table className="table table-compact">
          <thead><tr><th scope="col">Call</th><th scope="col">Kind</th><th scope="col" className="num">Times</th><th scope="col">Where</th></tr></thead>
          <tbody>
            {calls.map((call, i) => (
              <tr key={`${call.kind}-${call.target}-${i}`}>
                <td className="mono">{call.target}{!call.resolved && <span className="chip chip-warning scan-chip-computed">computed</span>}</td>
                <td className="mono small">{call.kind}</td>
                <td className="num">{call.count}</td>
                <td className="mono small">{whereText(call.where, call.count, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
