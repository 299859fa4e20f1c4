import type { FeatureSnapshot } from '../../../shared/schemas/monitor-live';
import { useWidth } from '../../charts/use-width';

/**
 * Drift score (PSI) per input feature as bars, with the threshold as a dashed line: a bar past it is red. The
 * scale always shows the threshold with room beyond it, so "how far over" stays visible.
 */
export function DriftBars({ features, threshold }: { features: FeatureSnapshot[]; threshold: number }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const row = 28;
  const labelWidth = Math.min(220, Math.max(90, ...features.map((f) => f.name.length * 7.5 + 16)));
  const valueWidth = 64;
  const plot = Math.max(60, width - labelWidth - valueWidth);
  const top = 18;
  const max = Math.max(threshold * 2, ...features.map((f) => f.psi ?? 0)) * 1.05;
  const x = (v: number) => labelWidth + (Math.min(v, max) / max) * plot;
  const height = top + features.length * row + 4;
  return (
    <div ref={ref} className="chart drift-chart" data-testid="drift-chart">
      <svg width={width} height={height} role="img" aria-label={`Drift score per feature; threshold ${threshold}`}>
        <text x={x(threshold)} y={11} className="chart-label drift-threshold-label" textAnchor="middle">threshold {threshold}</text>
        {features.map((f, i) => {
          const y = top + i * row;
          const over = f.psi !== null && f.psi > threshold;
          return (
            <g key={f.name} transform={`translate(0, ${y})`} data-testid={`drift-bar-${f.name}`} data-over={over ? 'true' : 'false'} data-psi={f.psi ?? ''}>
              <title>{`${f.name}: PSI ${f.psi === null ? 'not yet' : f.psi.toFixed(3)}${f.mean !== null ? `; mean ${round(f.mean)}` : ''}${f.referenceMean !== null ? ` (reference ${round(f.referenceMean)})` : ''}`}</title>
              <text x={labelWidth - 8} y={row / 2} className="chart-label mono" textAnchor="end" dominantBaseline="central">{f.name}</text>
              {f.psi !== null && <rect x={labelWidth} y={5} width={Math.max(2, x(f.psi) - labelWidth)} height={row - 10} rx={3} className={over ? 'drift-bar drift-bar-over' : 'drift-bar'} />}
              <text x={labelWidth + plot + 8} y={row / 2} className={`chart-value ${over ? 'drift-value-over' : ''}`} dominantBaseline="central">
                {f.psi === null ? '—' : f.psi.toFixed(2)}
              </text>
            </g>
          );
        })}
        <line x1={x(threshold)} x2={x(threshold)} y1={top - 2} y2={height} className="drift-threshold-line" />
      </svg>
    </div>
  );
}

function round(v: number): string {
  return String(Math.round(v * 100) / 100);
}
