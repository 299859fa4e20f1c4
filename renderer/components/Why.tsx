import type { ReactNode } from 'react';

/** The "why?" disclosure: the explanation is there for those who want it, out of the way for the rest. */
export function Why({ summary = 'Why?', children, testId }: { summary?: string; children: ReactNode; testId?: string }) {
  return (
    <details className="why" data-testid={testId}>
      <summary>{summary}</summary>
      <div className="why-body">{children}</div>
    </details>
  );
}
