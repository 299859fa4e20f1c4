import type { ServingPlan } from '../../../shared/schemas/serve';
import { Why } from '../../components/Why';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "server thread (a 1-row run takes …)" -> "a 1-row run takes …": the runtime's measured reason, without its label. */
function measuredReason(text: string): string {
  const open = text.indexOf('(');
  return open >= 0 && text.endsWith(')') ? text.slice(open + 1, -1) : text;
}

function inferenceText(plan: ServingPlan): string {
  if (plan.onServerThread) return 'On the server thread, between requests';
  return `${plural(plan.workers, 'inference thread')} × ${plural(plan.intraOpThreads, 'ONNX Runtime thread')}, on ${plural(plan.cpus, 'CPU')}`;
}

function batchingText(batching: ServingPlan['batching']): { value: string; reason: string } {
  if (!batching) return { value: 'Not possible for this model', reason: 'its inputs and outputs do not share a dynamic first axis, so requests cannot be stacked into one run' };
  if (batching.effective > 1) {
    const wait = batching.maxBatchDelayMs > 0 ? `, waiting up to ${batching.maxBatchDelayMs} ms for company` : '';
    return { value: `Up to ${batching.effective} rows per model call${wait}`, reason: batching.reason };
  }
  return { value: 'Off', reason: batching.reason };
}

/** What the server measured at start and decided: where the model runs, and whether requests are batched. */
export function ServingPlanFacts({ plan, testId = 'serve-plan' }: { plan: ServingPlan; testId?: string }) {
  const batching = batchingText(plan.batching);
  return (
    <div className="serve-plan" data-testid={testId}>
      <div className="serve-plan-title">How it runs your model</div>
      <dl className="serve-plan-facts">
        <dt>Inference</dt>
        <dd>
          <span data-testid={`${testId}-inference`}>{inferenceText(plan)}</span>
          <span className="serve-plan-reason muted">{measuredReason(plan.inference)}</span>
        </dd>
        <dt>Batching</dt>
        <dd>
          <span data-testid={`${testId}-batching`}>{batching.value}</span>
          <span className="serve-plan-reason muted">{batching.reason}</span>
        </dd>
        {plan.sideBySide && (
          <>
            <dt>Under load</dt>
            <dd>
              <span data-testid={`${testId}-under-load`}>
                {plan.sideBySide.adopted
                  ? `${plan.sideBySide.workers} one-thread sessions side by side; a lone request still gets the ${plan.intraOpThreads}-thread session`
                  : 'The same session for every request'}
              </span>
              <span className="serve-plan-reason muted">{plan.sideBySide.reason}</span>
            </dd>
          </>
        )}
      </dl>
      <Why summary="How were these chosen?">
        <p>The server timed your model when it started, on this machine. A model that answers in a fraction of a millisecond runs on the server thread itself: handing it to another thread would cost more than the work. Larger models run in inference threads, so health checks and metrics still answer while the model computes.</p>
        <p>A model that cannot batch may instead run as several one-thread copies side by side when requests queue: each request then keeps one CPU to itself, instead of all of them taking turns on every CPU and waiting for each other at every layer. It costs one more copy of the model in memory per copy.</p>
        <p>Batching stacks requests that arrive together into one model call. It is kept only when a call on several rows is clearly cheaper per row than one row at a time; otherwise requests would just wait for each other. In production the same measurement runs again on the production machine.</p>
        <p>To change them, set <span className="mono">serving.maxBatchSize</span>, <span className="mono">serving.maxBatchDelayMs</span> or <span className="mono">serving.threads</span> in the spec (<span className="mono">MODELDOCK_SIDE_BY_SIDE=off</span> keeps one session).</p>
      </Why>
    </div>
  );
}
