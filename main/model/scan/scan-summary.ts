import type { ScanImport, ScanVerdict } from '../../../shared/schemas/scan';
import type { ScanCollector } from './scan-collector';

/** The plain-words summary and the next step for a scan's verdict. */
export function summarise(fileName: string, verdict: ScanVerdict, collector: ScanCollector): { summary: string; advice: string } {
  const imports = collector.imports;
  const names = (list: ScanImport[]) => list.slice(0, 4).map((i) => (i.module === '<unresolved>' ? 'a computed import' : `${i.module}.${i.name}`)).join(', ')
    + (list.length > 4 ? ` and ${list.length - 4} more` : '');
  const findings = (v: ScanVerdict) => collector.findings.filter((f) => f.verdict === v);

  if (verdict === 'dangerous') {
    const bad = imports.filter((i) => i.verdict === 'dangerous');
    const parts = [bad.length ? `imports ${names(bad)}` : '', ...findings('dangerous').slice(0, 3).map((f) => f.title.charAt(0).toLowerCase() + f.title.slice(1))].filter(Boolean);
    return {
      summary: `${fileName} is dangerous: it ${parts.join('; ')}. Loading it (pickle, joblib, torch.load, Keras) would run that code on this computer.`,
      advice: 'Do not load this file. Ask its author for the model again, preferably as ONNX or safetensors, or re-create it from the training code you trust.',
    };
  }
  if (verdict === 'unverified') {
    const open = imports.filter((i) => i.verdict === 'unverified');
    const custom = open.filter((i) => i.module === '__main__' || i.module === '__mp_main__');
    const reasons = [
      open.length ? `it imports ${names(open)}, which ${open.length === 1 ? 'is' : 'are'} not on the list of known-safe imports` : '',
      ...findings('unverified').slice(0, 3).map((f) => f.title.charAt(0).toLowerCase() + f.title.slice(1)),
    ].filter(Boolean);
    if (collector.calls.some((c) => !c.resolved) && reasons.length === 0) reasons.push('it calls values computed while loading');
    return {
      summary: `ModelDock found nothing known to be dangerous in ${fileName}, but cannot vouch for it: ${reasons.join('; ')}.`,
      advice: custom.length
        ? `Loading it needs the code of ${custom.map((c) => c.name).slice(0, 3).join(', ')} from the script that saved it. Load it only if you trust its source, in the environment where it was made.`
        : 'Load it only if you trust where it came from. Review the imports listed, or ask for the model as ONNX or safetensors.',
    };
  }
  const count = imports.length;
  return {
    summary: count
      ? `${fileName} looks safe: its ${count} import${count === 1 ? '' : 's'} only rebuild data (arrays, tensors, estimators and standard containers).`
      : `${fileName} looks safe: it carries no imports or code.`,
    advice: 'You can convert it. The scan checks what the file makes Python import and call; it cannot rule out bugs in those libraries themselves, so keep them up to date.',
  };
}
