import { useWidth } from '../../charts/use-width';

interface SparklineProps {
  /** Oldest first; null marks a gap (no value for that sample). */
  values: Array<number | null>;
  /** A second line drawn fainter (e.g. p99 under p50). */
  secondary?: Array<number | null>;
  label: string;
  testId?: string;
}

/** A small trend line under a live number: shape over the last minute, not exact values. */
export function Sparkline({ values: allValues, secondary: allSecondary, label, testId }: SparklineProps) {
  // Samples before the first value (a rate needs two scrapes) would leave an empty stretch on the left.
  const missing = (v: number | null | undefined) => v === null || v === undefined || !Number.isFinite(v);
  let skip = 0;
  while (skip < allValues.length - 1 && missing(allValues[skip]) && missing(allSecondary?.[skip])) skip++;
  const values = allValues.slice(skip);
  const secondary = allSecondary?.slice(skip);
  const [ref, width] = useWidth<HTMLDivElement>(200);
  const height = 36;
  const all = [...values, ...(secondary ?? [])].filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(...all, 0) || 1;
  const count = Math.max(values.length, secondary?.length ?? 0, 2);
  const x = (i: number) => (i / (count - 1)) * (width - 2) + 1;
  const y = (v: number) => height - 2 - (v / max) * (height - 6);
  const path = (series: Array<number | null>) => {
    let d = '';
    let pen = false;
    series.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  return (
    <div ref={ref} className="sparkline" data-testid={testId} data-points={values.filter((v) => !missing(v)).length}>
      <svg width={width} height={height} role="img" aria-label={label}>
        <line x1={0} x2={width} y1={height - 1.5} y2={height - 1.5} className="sparkline-base" />
        {secondary && <path d={path(secondary)} className="sparkline-line sparkline-secondary" />}
        <path d={path(values)} className="sparkline-line" />
      </svg>
    </div>
  );
}
