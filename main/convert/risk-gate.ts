import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { ScanReport } from '../../shared/schemas/scan';

/**
 * Python never loads a file whose static scan is not "safe" unless the user has read the report and accepted the
 * risk: unpickling runs whatever the file asks for, with the user's rights.
 */
export function riskWarning(scan: ScanReport | null, fileName: string): string | null {
  if (scan?.verdict === 'safe') return null;
  const what = scan?.verdict === 'dangerous'
    ? `The scan found code in ${fileName} that can run commands, read or delete files, or reach the network`
    : `The scan could not vouch for everything ${fileName} imports`;
  return `${what}. Converting loads the file in Python, which runs that code with your rights (your files, your credentials, your network). Continue only if you trust where the file came from.`;
}

export function assertRiskAccepted(scan: ScanReport | null, modelPath: string, acceptRisk: boolean): void {
  if (acceptRisk || scan?.verdict === 'safe') return;
  const name = path.basename(modelPath);
  const findings = scan ? namedFindings(scan) : [];
  const verdict = scan?.verdict ?? 'not scanned';
  throw new ModelDockError({
    code: scan?.verdict === 'dangerous' ? 'convert-refused-dangerous' : 'convert-refused-unverified',
    title: scan?.verdict === 'dangerous' ? 'This file can run harmful code: not converted' : 'This file is not verified safe: not converted',
    message: `The safety scan of ${name} says "${verdict}"${findings.length ? `: ${findings.slice(0, 5).join('; ')}${findings.length > 5 ? `; and ${findings.length - 5} more` : ''}` : ''}. Converting would load it in Python, which runs that code with your rights.`,
    fix: 'Read the scan report (modeldock scan FILE). If you trust where the file came from, convert again and accept the risk (--accept-risk, or the confirmation in the app).',
    detail: scan ? JSON.stringify({ imports: scan.imports.filter((i) => i.verdict !== 'safe'), findings: scan.findings }, null, 2).slice(0, 20_000) : undefined,
  });
}

function namedFindings(scan: ScanReport): string[] {
  const out: string[] = [];
  for (const i of scan.imports) if (i.verdict !== 'safe') out.push(`${i.verdict} import ${i.module}.${i.name}`);
  for (const c of scan.calls) if (!c.resolved) out.push(`unresolved call ${c.target}`);
  for (const f of scan.findings) if (f.verdict !== 'safe') out.push(f.title);
  return [...new Set(out)];
}
