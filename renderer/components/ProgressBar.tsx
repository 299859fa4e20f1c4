interface ProgressBarProps {
  /** 0..1, or null while the amount of work is not known yet. */
  value: number | null;
  label: string;
  testId?: string;
}

export function ProgressBar({ value, label, testId }: ProgressBarProps) {
  const percent = value === null ? null : Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="progress" data-testid={testId}>
      <div className="progress-label">
        <span data-testid={testId ? `${testId}-label` : undefined}>{label}</span>
        {percent !== null && <span className="progress-percent">{percent}%</span>}
      </div>
      <div
        className={`progress-track ${percent === null ? 'progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
      >
        <div className="progress-fill" style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
    </div>
  );
}
