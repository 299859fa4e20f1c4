import { formatMs } from '../format';
import { niceMax, ticks, useWidth } from './use-width';

export interface PercentileGroup {
  label: string;
  p50: number;
  p90: number;
  p99: number;
}

/** Latency percentiles per benchmark configuration: three bars per group, one colour per percentile. */
export function PercentileBars({ groups, testId }: { groups: PercentileGroup[]; testId?: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const height = 220;
  const pad = { left: 56, right: 12, top: 28, bottom: 40 };
  const plotW = Math.max(60, width - pad.left - pad.right);
  const plotH = height - pad.top - pad.bottom;
  const max = niceMax(Math.max(...groups.map((g) => g.p99), 0.001));
  const groupW = plotW / Math.max(1, groups.length);
  const barW = Math.min(28, (groupW - 16) / 3);
  const y = (ms: number) => pad.top + plotH - (ms / max) * plotH;
  const keys = ['p50', 'p90', 'p99'] as const;
  return (
    <div ref={ref} className="chart" data-testid={testId}>
      <svg width={width} height={height} role="img" aria-label="Latency percentiles per configuration">
        {ticks(max).map((t) => {
          const f = formatMs(t);
          return (
            <g key={t}>
              <line x1={pad.left} x2={pad.left + plotW} y1={y(t)} y2={y(t)} className="chart-grid" />
              <text x={pad.left - 6} y={y(t)} className="chart-tick" textAnchor="end" dominantBaseline="central">{f.value} {f.unit}</text>
            </g>
          );
        })}
        {groups.map((group, gi) => {
          const cx = pad.left + gi * groupW + groupW / 2;
          return (
            <g key={group.label}>
              {keys.map((key, ki) => {
                const bx = cx - (barW * 3) / 2 + ki * barW;
                return (
                  <rect key={key} x={bx + 1} y={y(group[key])} width={barW - 2} height={pad.top + plotH - y(group[key])} className={`chart-bar bar-${key}`} rx={2}>
                    <title>{`${group.label} ${key}: ${formatMs(group[key]).value} ${formatMs(group[key]).unit}`}</title>
                  </rect>
                );
              })}
              <text x={cx} y={height - pad.bottom + 16} className="chart-tick" textAnchor="middle">{group.label}</text>
            </g>
          );
        })}
        <g transform={`translate(${pad.left}, 10)`}>
          {keys.map((key, i) => (
            <g key={key} transform={`translate(${i * 64}, 0)`}>
              <rect width={10} height={10} y={-5} className={`chart-bar bar-${key}`} rx={2} />
              <text x={14} className="chart-tick" dominantBaseline="central">{key}</text>
            </g>
          ))}
        </g>
      </svg>
    </div>
  );
}
