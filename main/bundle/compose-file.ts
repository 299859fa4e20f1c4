import { stringify } from 'yaml';
import { healthcheckScript } from '../docker/dockerfile';
import type { LocalRunSettings } from './local-run';

/**
 * docker-compose.yml for a local run: the same settings as the README's `docker run` line (local-run.ts), plus
 * `build: .` so `docker compose up --build` rebuilds the image from this folder (the bundle root is the build
 * context) when it is not there yet.
 */
export function composeFile(run: LocalRunSettings, nodeCommand: string): string {
  const document = {
    services: {
      [run.name]: {
        image: run.image,
        build: { context: '.' },
        ports: [`127.0.0.1:${run.hostPort}:${run.containerPort}`],
        read_only: true,
        tmpfs: ['/tmp'],
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
        stop_grace_period: `${run.stopTimeoutSeconds}s`,
        healthcheck: {
          test: ['CMD', nodeCommand, '-e', healthcheckScript(run.containerPort)],
          interval: '10s',
          timeout: '3s',
          start_period: '30s',
          retries: 3,
        },
        deploy: { resources: { limits: { cpus: String(run.cpus), memory: `${run.memoryMiB}M` } } },
        restart: 'unless-stopped',
      },
    },
  };
  return [
    '# Run the model on this machine: docker compose up --build',
    `# Same settings as the README's docker run line: port ${run.hostPort} on 127.0.0.1 only, the pod's CPU and memory`,
    '# limits, a read-only file system with a writable /tmp, no capabilities. Stop with: docker compose down',
    stringify(document, { lineWidth: 0 }),
  ].join('\n');
}

/** The node the image runs, read from the Dockerfile's exec-form ENTRYPOINT (distroless bases keep it elsewhere). */
export function nodeCommandOfDockerfile(dockerfile: string): string {
  const line = dockerfile.split('\n').find((l) => l.startsWith('ENTRYPOINT '));
  try {
    const parts = JSON.parse(line?.slice('ENTRYPOINT '.length) ?? '') as unknown;
    if (Array.isArray(parts) && typeof parts[0] === 'string') return parts[0];
  } catch {
    // not exec form: fall back to node on PATH
  }
  return 'node';
}
