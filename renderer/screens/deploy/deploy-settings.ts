import type { BuildRecord, LoadTestResult } from '../../../shared/schemas/docker';
import { KubernetesSettingsSchema, type KubernetesSettings } from '../../../shared/schemas/kubernetes-settings';

/** The settings every key of which has its default: what `kubernetes: {}` means. */
export function defaultSettings(): KubernetesSettings {
  return KubernetesSettingsSchema.parse({});
}

/** Field path ("ingress.host") -> the problem with it, in plain words. */
export type SettingProblems = Record<string, string>;

/**
 * What is wrong with the settings before the engine is asked: the schema's own limits per field, and values that
 * are each fine but contradict each other (the engine refuses those too; here they show beside the field).
 */
export function settingProblems(settings: KubernetesSettings): SettingProblems {
  const problems: SettingProblems = {};
  const parsed = KubernetesSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      problems[key] ??= issue.message;
    }
  }
  const { autoscaling, resources, rollout } = settings;
  if (autoscaling.enabled && autoscaling.minReplicas > autoscaling.maxReplicas) {
    problems['autoscaling.maxReplicas'] ??= `At least the minimum (${autoscaling.minReplicas}).`;
  }
  if (resources.requests.cpu > resources.limits.cpu) {
    problems['resources.limits.cpu'] ??= `At least the CPU request (${resources.requests.cpu}).`;
  }
  if (resources.requests.memoryMiB > resources.limits.memoryMiB) {
    problems['resources.limits.memoryMiB'] ??= `At least the memory request (${resources.requests.memoryMiB} MiB).`;
  }
  if (rollout.strategy === 'canary' && rollout.canary.method === 'ingress-weight' && !settings.ingress) {
    problems['rollout.canary.method'] ??= 'An exact weight is set on an Ingress: turn on the Ingress below, or split by pods.';
  }
  return problems;
}

/** The image a cluster pulls for a build: the latest push (registry name and digest) when there is one. */
export interface ImageChoice {
  build: BuildRecord;
  image: string;
  digest: string | undefined;
  pushed: boolean;
  loadTest: LoadTestResult | null;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function imageChoice(build: BuildRecord): ImageChoice {
  const push = latest(build.pushes);
  const digest = push && DIGEST.test(push.digest) ? push.digest : undefined;
  return { build, image: push?.reference ?? build.reference, digest, pushed: !!push, loadTest: latest(build.loadTests) };
}

function latest<T extends { at: string }>(items: T[]): T | null {
  return items.reduce<T | null>((best, item) => (!best || item.at > best.at ? item : best), null);
}

/** Immutable update at a dotted path: set(settings, 'autoscaling.minReplicas', 3). undefined removes the key. */
export function setAt<T extends object>(root: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const source = root as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...source };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
  } else {
    copy[head] = setAt((source[head] ?? {}) as object, rest.join('.'), value);
  }
  return copy as T;
}
