import type { Dim } from '../../shared/schemas/tensor';
import { dimText, isSymbolic } from '../format';

export function TypeChip({ type, testId }: { type: string; testId?: string }) {
  return <span className={`chip chip-type type-${type.replace(/[^a-z0-9]/gi, '')}`} data-testid={testId}>{type}</span>;
}

/** Symbolic dims (batch, seq) are styled apart from fixed sizes so a dynamic batch is visible at a glance. */
export function ShapeBadge({ shape, testId }: { shape: Dim[] | null; testId?: string }) {
  if (!shape) return <span className="badge badge-shape mono" data-testid={testId}>unknown shape</span>;
  return (
    <span className="badge badge-shape mono" data-testid={testId} aria-label={`shape [${shape.map(dimText).join(', ')}]`}>
      [
      {shape.map((dim, i) => (
        <span key={i}>
          {i > 0 && ', '}
          <span className={isSymbolic(dim) ? 'dim-symbolic' : 'dim-fixed'} title={isSymbolic(dim) ? 'dynamic: any size' : 'fixed size'}>
            {dimText(dim)}
          </span>
        </span>
      ))}
      ]
    </span>
  );
}
