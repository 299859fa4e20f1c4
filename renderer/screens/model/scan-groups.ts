import type { ScanLocation, ScanReport, ScanVerdict } from '../../../shared/schemas/scan';

/** One line of the scan's checklist: an import the file makes, or another finding (a Lambda layer, a damaged stream). */
export interface ScanItem {
  key: string;
  verdict: ScanVerdict;
  kind: 'import' | 'finding';
  /** "posix.system" for an import; the finding's title otherwise. */
  name: string;
  why: string;
  count: number;
  where: ScanLocation[];
}

export interface ScanGroup {
  verdict: ScanVerdict;
  title: string;
  items: ScanItem[];
}

const GROUP_TITLES: Record<ScanVerdict, string> = {
  dangerous: 'Dangerous: would run code on this computer',
  unverified: 'Not verified: not on the list of known-safe imports',
  safe: 'Known safe: only rebuilds data',
};

/** Most serious first; within a group, imports before other findings, then the most frequent. */
export function scanGroups(report: ScanReport): ScanGroup[] {
  const items: ScanItem[] = [
    ...report.imports.map((i, index): ScanItem => ({
      key: `import-${index}`,
      verdict: i.verdict,
      kind: 'import',
      name: i.module === '<unresolved>' ? `a computed import (${i.name})` : `${i.module}.${i.name}`,
      why: i.reason,
      count: i.count,
      where: i.where,
    })),
    ...report.findings.map((f, index): ScanItem => ({
      key: `finding-${index}`,
      verdict: f.verdict,
      kind: 'finding',
      name: f.title,
      why: f.detail,
      count: 1,
      where: f.where ? [f.where] : [],
    })),
  ];
  const order: ScanVerdict[] = ['dangerous', 'unverified', 'safe'];
  return order
    .map((verdict) => ({
      verdict,
      title: GROUP_TITLES[verdict],
      items: items
        .filter((item) => item.verdict === verdict)
        .sort((a, b) => (a.kind === b.kind ? b.count - a.count : a.kind === 'import' ? -1 : 1)),
    }))
    .filter((group) => group.items.length > 0);
}

/** "net/data.pkl, byte 139" or "the file, byte 55". */
export function locationText(location: ScanLocation): string {
  return `${location.member ?? 'the file'}, byte ${location.offset.toLocaleString('en-US')}`;
}

/** The first few places, and how many more there are. */
export function whereText(where: ScanLocation[], count: number, shown = 3): string {
  if (where.length === 0) return '';
  const listed = where.slice(0, shown).map(locationText).join('; ');
  const more = Math.max(count, where.length) - Math.min(shown, where.length);
  return more > 0 ? `${listed}; and ${more} more` : listed;
}

export const VERDICT_HEADLINES: Record<ScanVerdict, string> = {
  safe: 'Safe to load',
  unverified: 'Not verified: load it only if you trust its source',
  dangerous: 'Dangerous: do not load this file',
};
