import { visibleLength } from './term';

/**
 * A small aligned-table formatter for terminal output: columns padded to their widest cell, numbers right-aligned,
 * an optional header underlined with dashes. Cells may carry colour codes (width ignores them).
 */
export interface TableOptions {
  header?: string[];
  /** Columns to right-align (by index); by default any column whose cells all look numeric. */
  alignRight?: number[];
  indent?: number;
  gap?: number;
}

export function formatTable(rows: string[][], options: TableOptions = {}): string {
  const all = options.header ? [options.header, ...rows] : rows;
  if (all.length === 0) return '';
  const columns = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(0, ...all.map((r) => visibleLength(r[c] ?? ''))));
  const right = new Set(options.alignRight ?? numericColumns(rows, columns));
  const indent = ' '.repeat(options.indent ?? 0);
  const gap = ' '.repeat(options.gap ?? 2);

  const line = (cells: string[]) => indent + widths.map((w, c) => {
    const cell = cells[c] ?? '';
    const pad = ' '.repeat(w - visibleLength(cell));
    return right.has(c) ? pad + cell : cell + (c === columns - 1 ? '' : pad);
  }).join(gap).replace(/\s+$/, '');

  const out: string[] = [];
  if (options.header) {
    out.push(line(options.header));
    out.push(indent + widths.map((w) => '-'.repeat(w)).join(gap));
  }
  for (const r of rows) out.push(line(r));
  return out.join('\n') + '\n';
}

function numericColumns(rows: string[][], columns: number): number[] {
  const result: number[] = [];
  for (let c = 0; c < columns; c++) {
    const cells = rows.map((r) => (r[c] ?? '').trim()).filter((v) => v !== '');
    if (cells.length > 0 && cells.every((v) => /^[-+]?[\d,.]+(e[-+]?\d+)?\s*(%|ms|s|B|KB|MB|GB|\/s)?$/i.test(v))) result.push(c);
  }
  return result;
}
