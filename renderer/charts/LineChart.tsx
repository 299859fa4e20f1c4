import { niceMax, ticks, useWidth } from './use-width';

export interface LineSeries {
  name: string;
  points: { x: number; y: number }[];
}

interface LineChartProps {
  series: LineSeries[];
  xLabel: string;
  yLabel: string;
  formatY: (y: number) => string;
  testId?: string;
}

/** Throughput vs batch size: x values are placed evenly (batch sizes grow geometrically), one line per series. */
export function LineChart({ series, xLabel, yLabel, formatY, testId }: LineChartProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const height = 220;
  const pad = { left: 64, right: 16, top: 28, bottom: 40 };
  const plotW = Math.max(60, width - pad.left - pad.right);
  const plotH = height - pad.top - pad.bottom;
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const max = niceMax(Math.max(...series.flatMap((s) => s.points.map((p) => p.y)), 1));
  const x = (value: number) => pad.left + (xs.length <= 1 ? plotW / 2 : (xs.indexOf(value) / (xs.length - 1)) * plotW);
  const y = (value: number) => pad.top + plotH - (value / max) * plotH;
  return (
    <div ref={ref} className="chart" data-testid={testId}>
      <svg width={width} height={height} role="img" aria-label={`${yLabel} by ${xLabel}`}>
        {ticks(max).map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={pad.left + plotW} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={pad.left - 6} y={y(t)} className="chart-tick" textAnchor="end" dominantBaseline="central">{formatY(t)}</text>
          </g>
        ))}
        {xs.map((value) => (
          <text key={value} x={x(value)} y={pad.top + plotH + 16} className="chart-tick" textAnchor="middle">{value}</text>
        ))}
        <text x={pad.left + plotW / 2} y={height - 4} className="chart-tick" textAnchor="middle">{xLabel}</text>
        {series.map((s, si) => {
          const points = [...s.points].sort((a, b) => a.x - b.x);
          return (
            <g key={s.name} className={`series series-${si % 4}`}>
              <polyline points={points.map((p) => `${x(p.x)},${y(p.y)}`).join(' ')} className="chart-line" />
              {points.map((p) => (
                <circle key={p.x} cx={x(p.x)} cy={y(p.y)} r={4} className="chart-point">
                  <title>{`${s.name}, ${xLabel} ${p.x}: ${formatY(p.y)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
        <g transform={`translate(${pad.left}, 10)`}>
          {series.map((s, i) => (
            <g key={s.name} transform={`translate(${i * 110}, 0)`} className={`series series-${i % 4}`}>
              <line x1={0} x2={14} className="chart-line" />
              <text x={18} className="chart-tick" dominantBaseline="central">{s.name}</text>
            </g>
          ))}
        </g>
      </svg>
    </div>
  );
}
