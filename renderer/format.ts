import type { Dim } from '../shared/schemas/tensor';

/** Numbers people compare always carry a unit and a sensible precision. */
export function formatBytes(bytes: number): { value: string; unit: string } {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) { value /= 1024; i += 1; }
  return { value: i === 0 ? String(value) : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2), unit: units[i] };
}

export function bytesText(bytes: number): string {
  const { value, unit } = formatBytes(bytes);
  return `${value} ${unit}`;
}

/** 4,867 -> "4.87" "thousand"; keeps small counts exact. */
export function formatCount(count: number): { value: string; unit: string } {
  if (count < 10_000) return { value: count.toLocaleString('en-US'), unit: '' };
  const steps: [number, string][] = [[1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']];
  for (const [size, unit] of steps) {
    if (count >= size) {
      const v = count / size;
      return { value: v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2), unit };
    }
  }
  return { value: String(count), unit: '' };
}

export function formatMs(ms: number): { value: string; unit: string } {
  if (!Number.isFinite(ms)) return { value: '—', unit: '' };
  if (ms === 0) return { value: '0', unit: '' };
  if (ms < 1) return { value: (ms * 1000).toFixed(ms * 1000 >= 100 ? 0 : 1), unit: 'µs' };
  if (ms < 1000) return { value: ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2), unit: 'ms' };
  return { value: (ms / 1000).toFixed(2), unit: 's' };
}

export function msText(ms: number): string {
  const { value, unit } = formatMs(ms);
  return `${value} ${unit}`.trim();
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(perSecond >= 1e5 ? 0 : 1)} k/s`;
  if (perSecond === 0) return '0';
  return `${perSecond.toFixed(perSecond >= 100 ? 0 : 1)}/s`;
}

export function dimText(dim: Dim): string {
  return dim === null ? '?' : String(dim);
}

export function isSymbolic(dim: Dim): boolean {
  return typeof dim !== 'number';
}

/** "1 core", "0.5 cores", "2 cores". */
export function coresText(cores: number): string {
  return `${cores} ${cores === 1 ? 'core' : 'cores'}`;
}

export function threadsText(threads: number): string {
  return threads === 0 ? 'auto threads' : threads === 1 ? '1 thread' : `${threads} threads`;
}

export function fileNameOf(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

export function timeAgo(iso: string): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.max(0, (Date.now() - then) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}
