import { formatMs, msText } from '../format';
import { niceMax, useWidth } from './use-width';

interface LatencyHistogramProps {
  samples: number[];
  p50: number;
  p90: number;
  p99: number;
  /** A target latency to show as "what good looks like", when there is one. */
  targetMs?: number;
  testId?: string;
}

/** Distribution of run latencies with p50/p90/p99 markers. */
export function LatencyHistogram({ samples, p50, p90, p99, targetMs, testId }: LatencyHistogramProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const height = 180;
  const pad = { left: 40, right: 16, top: 24, bottom: 28 };
  const plotW = Math.max(60, width - pad.left - pad.right);
  const plotH = height - pad.top - pad.bottom;
  const lo = Math.min(...samples);
  const hi = Math.max(...samples, lo + 1e-6);
  const binCount = Math.max(5, Math.min(40, Math.ceil(Math.sqrt(samples.length) * 2)));
  const binWidth = (hi - lo) / binCount || 1;
  const bins = new Array<number>(binCount).fill(0);
  for (const s of samples) bins[Math.min(binCount - 1, Math.floor((s - lo) / binWidth))] += 1;
  const maxCount = niceMax(Math.max(...bins, 1));
  const domainLo = lo;
  const domainHi = Math.max(hi, targetMs ?? 0);
  const x = (ms: number) => pad.left + ((ms - domainLo) / (domainHi - domainLo || 1)) * plotW;
  const barW = plotW / binCount * ((hi - lo) / (domainHi - domainLo || 1));
  const markers: { label: string; ms: number; cls: string }[] = [
    { label: 'p50', ms: p50, cls: 'marker-p50' },
    { label: 'p90', ms: p90, cls: 'marker-p90' },
    { label: 'p99', ms: p99, cls: 'marker-p99' },
  ];
  const axisTicks = [domainLo, (domainLo + domainHi) / 2, domainHi];
  if (samples.length === 0) return null;
  return (
    <div ref={ref} className="chart" data-testid={testId}>
      <svg width={width} height={height} role="img" aria-label={`Latency histogram of ${samples.length} runs: p50 ${msText(p50)}, p90 ${msText(p90)}, p99 ${msText(p99)}`}>
        <line x1={pad.left} x2={pad.left + plotW} y1={pad.top + plotH} y2={pad.top + plotH} className="chart-axis" />
        <text x={pad.left - 6} y={pad.top} className="chart-tick" textAnchor="end" dominantBaseline="central">{maxCount}</text>
        <text x={pad.left - 6} y={pad.top + plotH} className="chart-tick" textAnchor="end" dominantBaseline="central">0</text>
        {bins.map((count, i) => {
          const h = (count / maxCount) * plotH;
          return (
            <rect key={i} x={x(lo + i * binWidth) + 0.5} y={pad.top + plotH - h} width={Math.max(1, barW - 1)} height={h} className="chart-bar" rx={1}>
              <title>{`${msText(lo + i * binWidth)}–${msText(lo + (i + 1) * binWidth)}: ${count} runs`}</title>
            </rect>
          );
        })}
        {markers.map((m, i) => (
          <g key={m.label} className={m.cls}>
            <line x1={x(m.ms)} x2={x(m.ms)} y1={pad.top - 4} y2={pad.top + plotH} className="chart-marker" />
            <text x={x(m.ms)} y={pad.top - 10 - (i % 2) * 0} textAnchor={i === 2 ? 'end' : i === 0 ? 'start' : 'middle'} className="chart-marker-label">
              {m.label} {msText(m.ms)}
            </text>
          </g>
        ))}
        {targetMs !== undefined && (
          <g className="marker-target">
            <line x1={x(targetMs)} x2={x(targetMs)} y1={pad.top} y2={pad.top + plotH} className="chart-target" />
            <text x={x(targetMs) - 4} y={pad.top + 12} textAnchor="end" className="chart-marker-label">target</text>
          </g>
        )}
        {axisTicks.map((t, i) => {
          const f = formatMs(t);
          return (
            <text key={i} x={x(t)} y={height - 8} className="chart-tick" textAnchor={i === 0 ? 'start' : i === 2 ? 'end' : 'middle'}>
              {f.value} {f.unit}
            </text>
          );
        })}
      </svg>
    </div>
  );
}
