export type StepStatus = 'not-started' | 'ready' | 'warning' | 'error' | 'done';

export const STATUS_TEXT: Record<StepStatus, string> = {
  'not-started': 'not started',
  ready: 'ready',
  warning: 'needs attention',
  error: 'has a problem',
  done: 'done',
};

export function StatusDot({ status, testId }: { status: StepStatus; testId?: string }) {
  return <span className={`status-dot status-${status}`} aria-hidden="true" data-testid={testId} data-status={status} />;
}
