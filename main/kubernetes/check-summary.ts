import type { CheckResult } from '../../shared/schemas/kubernetes';

export function summarizeChecks(checks: CheckResult[]): { passed: number; failed: number; failedRequired: number } {
  const failed = checks.filter((c) => !c.passed);
  return { passed: checks.length - failed.length, failed: failed.length, failedRequired: failed.filter((c) => c.severity === 'required').length };
}
