import type { KubernetesSettings } from '../../shared/schemas/kubernetes';
import type { ServingSettings } from '../../shared/schemas/spec';
import { shellQuote } from '../serving/try-protocols';

/**
 * How the bundle runs the image on one machine, in one place: the README's `docker run` line and
 * docker-compose.yml are both rendered from these settings, so they cannot drift apart. The limits are the pod's
 * (kubernetes.resources.limits) so a local run behaves like one pod; the hardening mirrors the pod's
 * securityContext (read-only root with a writable /tmp, no capabilities, no privilege escalation).
 */
export interface LocalRunSettings {
  /** Container (and compose service) name: the model name. */
  name: string;
  image: string;
  /** Published on 127.0.0.1 only: nothing outside this machine reaches the model. */
  hostPort: number;
  containerPort: number;
  cpus: number;
  memoryMiB: number;
  /** The runtime's drain after SIGTERM plus slack, before Docker kills it. */
  stopTimeoutSeconds: number;
}

/** Seconds past the runtime's grace period before Docker's SIGKILL: room for the last answers and the exit. */
const STOP_SLACK_SECONDS = 5;

export function localRunSettings(name: string, image: string, serving: ServingSettings, kubernetes: KubernetesSettings): LocalRunSettings {
  return {
    name,
    image,
    hostPort: serving.port,
    containerPort: serving.port,
    cpus: kubernetes.resources.limits.cpu,
    memoryMiB: kubernetes.resources.limits.memoryMiB,
    stopTimeoutSeconds: Math.ceil(serving.gracePeriodSeconds) + STOP_SLACK_SECONDS,
  };
}

/** `docker run` as an argument list (without "docker"), foreground: Ctrl-C stops the server gracefully. */
export function dockerRunArgs(run: LocalRunSettings): string[] {
  return [
    'run', '--rm',
    '--name', run.name,
    '-p', `127.0.0.1:${run.hostPort}:${run.containerPort}`,
    '--cpus', String(run.cpus),
    '--memory', `${run.memoryMiB}m`,
    '--read-only', '--tmpfs', '/tmp',
    '--cap-drop', 'ALL',
    '--security-opt', 'no-new-privileges',
    '--stop-timeout', String(run.stopTimeoutSeconds),
    run.image,
  ];
}

/** The same, as one line a user pastes into a shell. */
export function dockerRunCommand(run: LocalRunSettings): string {
  return ['docker', ...dockerRunArgs(run)].map((a) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(a) ? a : shellQuote(a))).join(' ');
}

export function localUrl(run: LocalRunSettings): string {
  return `http://127.0.0.1:${run.hostPort}`;
}
