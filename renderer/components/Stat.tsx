import type { ReactNode } from 'react';

interface StatProps {
  label: string;
  value: ReactNode;
  unit?: string;
  hint?: string;
  testId?: string;
  mono?: boolean;
  /** Words rather than a number: drawn smaller so a long producer name still fits. */
  text?: boolean;
}

/** A number people compare: large, aligned, unit always beside it. */
export function Stat({ label, value, unit, hint, testId, mono, text }: StatProps) {
  return (
    <div className="stat" title={hint}>
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${mono ? 'mono' : ''} ${text ? 'stat-value-text' : ''}`}>
        <span data-testid={testId}>{value}</span>
        {unit && <span className="stat-unit">{unit}</span>}
      </div>
    </div>
  );
}
