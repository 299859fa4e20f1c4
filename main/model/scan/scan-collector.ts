import type { ScanCall, ScanFinding, ScanImport, ScanLocation, ScanVerdict } from '../../../shared/schemas/scan';
import { canonicalModule, judgeImport, type PolicyContext } from './import-policy';

/** Gathers what the scanners find in one file: distinct imports and calls with their places, and findings. */
const MAX_PLACES = 20;
const RANK: Record<ScanVerdict, number> = { safe: 0, unverified: 1, dangerous: 2 };

export function worse(a: ScanVerdict, b: ScanVerdict): ScanVerdict {
  return RANK[a] >= RANK[b] ? a : b;
}

export class ScanCollector {
  private readonly importsByKey = new Map<string, ScanImport>();
  private readonly callsByKey = new Map<string, ScanCall>();
  readonly findings: ScanFinding[] = [];
  readonly scanned: string[] = [];
  bytesScanned = 0;

  addImport(module: string, name: string, where: ScanLocation, context: PolicyContext): void {
    const key = `${module}\u0000${name}\u0000${context.torchscript ? 1 : 0}`;
    let entry = this.importsByKey.get(key);
    if (!entry) {
      const judged = judgeImport(module, name, context);
      entry = { module: canonicalModule(module), name, verdict: judged.verdict, reason: judged.reason, count: 0, where: [] };
      if (canonicalModule(module) !== module) entry.reason = `${entry.reason} (The file writes the module as "${module}".)`;
      this.importsByKey.set(key, entry);
    }
    entry.count++;
    if (entry.where.length < MAX_PLACES) entry.where.push(where);
  }

  /** An import whose module or name is computed at load time: never clean. */
  addUnresolvedImport(why: string, where: ScanLocation): void {
    const key = `\u0001${why}`;
    let entry = this.importsByKey.get(key);
    if (!entry) {
      entry = {
        module: '<unresolved>', name: why, verdict: 'unverified', count: 0, where: [],
        reason: 'The module or name is computed while loading, so the scan cannot tell what is imported. Legitimate model files never do this.',
      };
      this.importsByKey.set(key, entry);
    }
    entry.count++;
    if (entry.where.length < MAX_PLACES) entry.where.push(where);
  }

  addCall(kind: ScanCall['kind'], target: string, resolved: boolean, where: ScanLocation): void {
    const key = `${kind}\u0000${target}`;
    let entry = this.callsByKey.get(key);
    if (!entry) {
      entry = { kind, target, resolved, count: 0, where: [] };
      this.callsByKey.set(key, entry);
    }
    entry.count++;
    if (entry.where.length < MAX_PLACES) entry.where.push(where);
  }

  addFinding(finding: ScanFinding): void {
    if (this.findings.length < 200) this.findings.push(finding);
  }

  /** Adds everything another collector found (a second reading of the same bytes). */
  mergeFrom(other: ScanCollector): void {
    for (const [key, entry] of other.importsByKey) {
      const mine = this.importsByKey.get(key);
      if (!mine) this.importsByKey.set(key, { ...entry, where: [...entry.where] });
      else { mine.count += entry.count; mine.where.push(...entry.where.slice(0, MAX_PLACES - mine.where.length)); }
    }
    for (const [key, entry] of other.callsByKey) {
      const mine = this.callsByKey.get(key);
      if (!mine) this.callsByKey.set(key, { ...entry, where: [...entry.where] });
      else { mine.count += entry.count; mine.where.push(...entry.where.slice(0, MAX_PLACES - mine.where.length)); }
    }
    for (const f of other.findings) this.addFinding(f);
  }

  get imports(): ScanImport[] {
    return [...this.importsByKey.values()].sort((a, b) => RANK[b.verdict] - RANK[a.verdict] || b.count - a.count);
  }

  get calls(): ScanCall[] {
    return [...this.callsByKey.values()].sort((a, b) => Number(a.resolved) - Number(b.resolved) || b.count - a.count);
  }

  verdict(): ScanVerdict {
    let verdict: ScanVerdict = 'safe';
    for (const i of this.importsByKey.values()) verdict = worse(verdict, i.verdict);
    for (const f of this.findings) verdict = worse(verdict, f.verdict);
    for (const c of this.callsByKey.values()) if (!c.resolved) verdict = worse(verdict, 'unverified');
    return verdict;
  }
}
