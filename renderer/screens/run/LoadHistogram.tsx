import { niceMax, useWidth } from '../../charts/use-width';
import { msText } from '../../format';

interface LoadHistogramProps {
  /** Upper bound in ms and count, in increasing order (as the load test reports them). */
  buckets: { ms: number; count: number }[];
  p50: number;
  p90: number;
  p99: number;
  testId?: string;
}

/**
 * Latency of every request in a load test, from the test's buckets: one bar per bucket, equally wide (bucket
 * bounds grow geometrically, so equal widths read like a log axis), with p50/p90/p99 marked where they fall.
 */
export function LoadHistogram({ buckets: all, p50, p90, p99, testId }: LoadHistogramProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const first = all.findIndex((b) => b.count > 0);
  let last = all.length - 1;
  while (last > first && all[last].count === 0) last--;
  const buckets = first < 0 ? [] : all.slice(first, last + 1);
  const lowerOf = (i: number) => (first + i > 0 ? all[first + i - 1].ms : 0);
  const height = 190;
  const pad = { left: 44, right: 16, top: 28, bottom: 28 };
  const plotW = Math.max(60, width - pad.left - pad.right);
  const plotH = height - pad.top - pad.bottom;
  const maxCount = niceMax(Math.max(...buckets.map((b) => b.count), 1));
  const barW = plotW / Math.max(1, buckets.length);
  /** Where a latency falls: inside its bucket, in proportion between the bucket's bounds. */
  const xOf = (ms: number) => {
    const i = buckets.findIndex((b) => ms <= b.ms);
    if (i < 0) return pad.left + plotW;
    const lo = lowerOf(i);
    const within = buckets[i].ms > lo ? (ms - lo) / (buckets[i].ms - lo) : 1;
    return pad.left + (i + Math.max(0, Math.min(1, within))) * barW;
  };
  if (buckets.length === 0) return null;
  const markers = [
    // p90 and p99 are often close: p99's label sits a line lower so the two never overlap.
    { label: 'p50', ms: p50, cls: 'marker-p50', anchor: 'end' as const, dx: -4, dy: 0 },
    { label: 'p90', ms: p90, cls: 'marker-p90', anchor: 'start' as const, dx: 4, dy: 0 },
    { label: 'p99', ms: p99, cls: 'marker-p99', anchor: 'start' as const, dx: 4, dy: 14 },
  ];
  const tickEvery = Math.max(1, Math.ceil(buckets.length / Math.max(2, Math.floor(plotW / 90))));
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  return (
    <div ref={ref} className="chart" data-testid={testId} data-buckets={buckets.length}>
      <svg width={width} height={height} role="img" aria-label={`Latency of ${total} requests: p50 ${msText(p50)}, p90 ${msText(p90)}, p99 ${msText(p99)}`}>
        <line x1={pad.left} x2={pad.left + plotW} y1={pad.top + plotH} y2={pad.top + plotH} className="chart-axis" />
        <text x={pad.left - 6} y={pad.top} className="chart-tick" textAnchor="end" dominantBaseline="central">{maxCount}</text>
        <text x={pad.left - 6} y={pad.top + plotH} className="chart-tick" textAnchor="end" dominantBaseline="central">0</text>
        {buckets.map((b, i) => {
          const h = (b.count / maxCount) * plotH;
          return (
            <rect key={b.ms} x={pad.left + i * barW + 1} y={pad.top + plotH - h} width={Math.max(1, barW - 2)} height={h} className="chart-bar" rx={1}>
              <title>{`${msText(lowerOf(i))}–${msText(b.ms)}: ${b.count} requests`}</title>
            </rect>
          );
        })}
        {markers.map((m) => {
          const x = xOf(m.ms);
          return (
            <g key={m.label} className={m.cls}>
              <line x1={x} x2={x} y1={pad.top - 16} y2={pad.top + plotH} className="chart-marker" />
              <text x={x + m.dx} y={pad.top - 8 + m.dy} textAnchor={m.anchor} className="chart-marker-label">
                {m.label} {msText(m.ms)}
              </text>
            </g>
          );
        })}
        {buckets.map((b, i) => (i % tickEvery === tickEvery - 1 || i === buckets.length - 1) && (
          <text key={`t${b.ms}`} x={pad.left + (i + 1) * barW} y={height - 8} className="chart-tick" textAnchor="end">≤ {msText(b.ms)}</text>
        ))}
      </svg>
    </div>
  );
}
