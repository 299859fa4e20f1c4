import type { DiffLine } from '../../../shared/schemas/kubernetes-apply';

/**
 * A unified-style line diff (what `diff -u` prints, without file headers): the longest common subsequence of the
 * two texts, then the changes with a few lines of context around each and a "@@" marker where lines are skipped.
 * Objects are a few hundred lines at most, so the quadratic table is small.
 */
export function lineDiff(before: string[], after: string[], contextLines = 3): DiffLine[] {
  const ops = editScript(before, after);
  if (!ops.some((o) => o.op !== 'context')) return [];
  const keep = new Array<boolean>(ops.length).fill(false);
  ops.forEach((o, i) => {
    if (o.op === 'context') return;
    for (let j = Math.max(0, i - contextLines); j <= Math.min(ops.length - 1, i + contextLines); j++) keep[j] = true;
  });
  const out: DiffLine[] = [];
  let skipped = false;
  ops.forEach((o, i) => {
    if (!keep[i]) {
      skipped = true;
      return;
    }
    if (skipped || (out.length === 0 && i > 0)) out.push({ op: 'hunk', text: `@@ line ${o.line} @@` });
    skipped = false;
    out.push({ op: o.op, text: o.text });
  });
  return out;
}

interface Edit {
  op: 'add' | 'remove' | 'context';
  text: string;
  /** 1-based line in the new text (the old one for removals). */
  line: number;
}

function editScript(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      edits.push({ op: 'context', text: a[i], line: j + 1 });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      // Removals before additions, as diff -u prints a replaced line.
      edits.push({ op: 'remove', text: a[i], line: i + 1 });
      i++;
    } else {
      edits.push({ op: 'add', text: b[j], line: j + 1 });
      j++;
    }
  }
  return edits;
}
