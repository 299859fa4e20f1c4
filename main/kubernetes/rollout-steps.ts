import type { RolloutSteps } from '../../shared/schemas/kubernetes';
import type { DeployContext } from './deploy-context';
import { LABEL } from './labels';
import { startupBudgetSeconds } from './pod-timing';
import { CONTAINER_NAME } from './workload-objects';

export const PLAIN_DIR = 'k8s/plain';
export const KUSTOMIZE_DIR = 'k8s/kustomize';

export function plainFileName(ctx: DeployContext): string {
  return `${PLAIN_DIR}/${ctx.name}.yaml`;
}

/** The commands to deploy, promote and roll back, written out for the strategy (shown in the app and ROLLOUT.md). */
export function rolloutSteps(ctx: DeployContext): RolloutSteps {
  const { settings, name } = ctx;
  const k = `kubectl -n ${ctx.namespace}`;
  const timeout = `--timeout=${Math.max(120, startupBudgetSeconds(ctx.coldStartSeconds) * 2)}s`;
  const image = ctx.image.reference;
  const apply = [
    `kubectl create namespace ${ctx.namespace} --dry-run=client -o yaml | kubectl apply -f -`,
    `kubectl apply -f ${plainFileName(ctx)}    # or: kubectl apply -k ${KUSTOMIZE_DIR}/overlays/prod`,
  ];
  const selectorPatch = (key: string, value: string) => `'{"spec":{"selector":{"${key}":"${value}"}}}'`;

  if (settings.rollout.strategy === 'blue-green') {
    const active = settings.rollout.blueGreen.activeColor;
    const idle = active === 'blue' ? 'green' : 'blue';
    return {
      strategy: 'blue-green',
      deploy: [
        ...apply,
        `${k} rollout status deployment/${name}-${idle} ${timeout}`,
        `# Try the new version (${idle}) before anyone else: the preview Service points at it.`,
        `${k} port-forward service/${name}-preview 8080:${settings.service.port}    # then: curl localhost:8080/readyz`,
      ],
      promote: [
        `# Switch all traffic to ${idle} at once:`,
        `${k} patch service ${name} -p ${selectorPatch(LABEL.color, idle)}`,
        `${k} patch service ${name}-preview -p ${selectorPatch(LABEL.color, active)}`,
        `# Then record it in modeldock.yaml so the next export deploys to ${active}: kubernetes.rollout.blueGreen.activeColor: ${idle} and previousImage: ${image}`,
      ],
      rollback: [
        `# ${active} still runs the previous version, so switching back is instant:`,
        `${k} patch service ${name} -p ${selectorPatch(LABEL.color, active)}`,
        `${k} patch service ${name}-preview -p ${selectorPatch(LABEL.color, idle)}`,
      ],
    };
  }

  if (settings.rollout.strategy === 'canary') {
    const { method, percent } = settings.rollout.canary;
    const weight = (w: number) => `${k} annotate ingress ${name}-canary nginx.ingress.kubernetes.io/canary-weight=${w} --overwrite`;
    const watch = `# Compare the canary's errors and latency with the stable pods' (Prometheus: modeldock_requests_total{status=~"5.."} and modeldock_request_duration_seconds, by pod).`;
    return {
      strategy: 'canary',
      deploy: [
        ...apply,
        `${k} rollout status deployment/${name}-canary ${timeout}`,
        method === 'ingress-weight'
          ? `# The canary gets ${percent}% of requests through the Ingress. Raise it step by step, e.g.: ${weight(50)}`
          : `# The canary gets a share of requests in proportion to its pods (about ${percent}%).`,
        watch,
      ],
      promote: [
        `${k} set image deployment/${name} ${CONTAINER_NAME}=${image}`,
        `${k} rollout status deployment/${name} ${timeout}`,
        ...(method === 'ingress-weight' ? [weight(0)] : []),
        `${k} scale deployment/${name}-canary --replicas=0`,
        `# Then record it in modeldock.yaml so the next export matches the cluster: kubernetes.rollout.canary.stableImage: ${image}`,
      ],
      rollback: [
        ...(method === 'ingress-weight' ? [weight(0)] : []),
        `${k} scale deployment/${name}-canary --replicas=0`,
        '# The stable pods were never touched; they serve every request again.',
      ],
    };
  }

  return {
    strategy: 'rolling',
    deploy: [...apply, `${k} rollout status deployment/${name} ${timeout}`],
    promote: ['# A rolling update promotes itself: old pods are replaced as new ones become ready. Watch it with:', `${k} rollout status deployment/${name} ${timeout}`],
    rollback: [`${k} rollout undo deployment/${name}`, `${k} rollout status deployment/${name} ${timeout}`],
  };
}

export function rolloutMarkdown(ctx: DeployContext, steps: RolloutSteps, warnings: string[]): string {
  const block = (lines: string[]) => ['```sh', ...lines, '```'].join('\n');
  return [
    `# Deploying ${ctx.name} (${steps.strategy})`,
    '',
    `Image: \`${ctx.image.reference}\`, namespace \`${ctx.namespace}\`. Needs Kubernetes 1.30 or later (the preStop sleep).`,
    '',
    `- \`${PLAIN_DIR}/\`: every object in one file, for \`kubectl apply -f\`.`,
    `- \`${KUSTOMIZE_DIR}/base\` with \`overlays/dev\` (namespace \`${ctx.namespace}-dev\`, fewer pods) and \`overlays/prod\`: for \`kubectl apply -k\`.`,
    '',
    '## Deploy',
    block(steps.deploy),
    '',
    '## Promote',
    block(steps.promote),
    '',
    '## Roll back',
    block(steps.rollback),
    ...(warnings.length > 0 ? ['', '## Notes', ...warnings.map((w) => `- ${w}`)] : []),
    '',
  ].join('\n');
}
