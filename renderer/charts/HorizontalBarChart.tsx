import { niceMax, useWidth } from './use-width';

interface Bar {
  label: string;
  value: number;
  note?: string;
}

/** Op-type histogram and similar counts: one labelled bar per row, sorted by the caller. */
export function HorizontalBarChart({ bars, testId, valueLabel = 'count' }: { bars: Bar[]; testId?: string; valueLabel?: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const row = 24;
  const labelWidth = Math.min(200, Math.max(80, ...bars.map((b) => b.label.length * 7.5 + 16)));
  const countWidth = 56;
  const plot = Math.max(40, width - labelWidth - countWidth);
  const max = niceMax(Math.max(...bars.map((b) => b.value), 1));
  const height = bars.length * row;
  return (
    <div ref={ref} className="chart" data-testid={testId}>
      <svg width={width} height={height} role="img" aria-label={`Bar chart of ${valueLabel} per item`}>
        {bars.map((bar, i) => {
          const y = i * row;
          const w = Math.max(2, (bar.value / max) * plot);
          return (
            <g key={bar.label} transform={`translate(0, ${y})`}>
              <title>{`${bar.label}: ${bar.value}${bar.note ? ` (${bar.note})` : ''}`}</title>
              <text x={labelWidth - 8} y={row / 2} className="chart-label mono" textAnchor="end" dominantBaseline="central">{bar.label}</text>
              <rect x={labelWidth} y={4} width={w} height={row - 8} rx={3} className="chart-bar" />
              <text x={labelWidth + w + 6} y={row / 2} className="chart-value" dominantBaseline="central">{bar.value}</text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
