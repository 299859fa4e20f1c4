import type { Classification } from '../../shared/schemas/inference';
import type { HostTensor } from './host-tensor';
import { readNumber } from './tensor-codec';

const MAX_ROWS = 1000;

/**
 * Finds an output that looks like class scores ([batch, C] or [C] float, C > 1) and ranks the classes per row.
 * Prefers an output whose width matches the labels, then one named like probabilities/scores/logits.
 * Scores are "probability" when every row is non-negative and sums to ~1, "logit" when some are negative,
 * else plain "score".
 */
export function classify(outputs: HostTensor[], labels: string[] | null, topK: number): Classification | null {
  const candidates = outputs.filter((o) => {
    const float = o.elementType === 'float32' || o.elementType === 'float64' || o.elementType === 'float16';
    const width = o.dims[o.dims.length - 1];
    return float && (o.dims.length === 2 || o.dims.length === 1) && width > 1 && o.data.length > 0;
  });
  if (!candidates.length) return null;
  const width = (o: HostTensor) => o.dims[o.dims.length - 1];
  const named = (o: HostTensor) => /prob|score|logit|softmax|class|output/i.test(o.name);
  const chosen = candidates.find((o) => labels && width(o) === labels.length) ?? candidates.find(named) ?? candidates[0];
  const classes = width(chosen);
  const rows = Math.min(chosen.data.length / classes, MAX_ROWS);

  let allProbability = true;
  let anyNegative = false;
  const table: Array<{ top: Array<{ index: number; label: string | null; score: number }> }> = [];
  for (let r = 0; r < rows; r++) {
    const scores: Array<{ index: number; score: number }> = [];
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const score = readNumber(chosen, r * classes + c);
      if (score < 0) anyNegative = true;
      sum += score;
      scores.push({ index: c, score });
    }
    if (!(Math.abs(sum - 1) < 1e-3)) allProbability = false;
    scores.sort((a, b) => (Number.isNaN(a.score) ? 1 : Number.isNaN(b.score) ? -1 : b.score - a.score));
    table.push({
      top: scores.slice(0, topK).map((s) => ({
        index: s.index,
        label: labels && s.index < labels.length ? labels[s.index] : null,
        score: Number.isFinite(s.score) ? s.score : 0,
      })),
    });
  }
  const scoreKind = allProbability && !anyNegative ? 'probability' : anyNegative ? 'logit' : 'score';
  return { output: chosen.name, scoreKind, rows: table };
}
