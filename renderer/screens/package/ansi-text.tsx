import type { ReactNode } from 'react';

/**
 * Build output keeps its colours: SGR escape codes (bold, the 8 + 8 bright foreground colours) become styled
 * spans; every other escape sequence (cursor moves, erase) is dropped.
 */
export function ansiToNodes(text: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  let bold = false;
  let colour: number | null = null;
  let key = 0;
  const pattern = /\x1b\[([0-9;?]*)([A-Za-z])/g;
  let last = 0;
  const push = (chunk: string) => {
    if (!chunk) return;
    if (!bold && colour === null) nodes.push(chunk);
    else nodes.push(<span key={key++} className={`${bold ? 'ansi-bold' : ''} ${colour !== null ? `ansi-${colour}` : ''}`}>{chunk}</span>);
  };
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    push(text.slice(last, match.index));
    last = pattern.lastIndex;
    if (match[2] !== 'm') continue;
    const codes = match[1] === '' ? [0] : match[1].split(';').map(Number);
    for (const code of codes) {
      if (code === 0) { bold = false; colour = null; }
      else if (code === 1) bold = true;
      else if (code === 22) bold = false;
      else if (code === 39) colour = null;
      else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) colour = code;
    }
  }
  push(text.slice(last));
  return nodes;
}
