import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import type { DockerEndpoint } from '../../shared/schemas/docker';
import { ModelDockError } from '../../shared/errors';
import { dockerError } from './docker-errors';

/**
 * Which Docker Engine to talk to, found the way the docker CLI finds it: DOCKER_HOST first, then a context
 * (the one asked for, DOCKER_CONTEXT, or the current one in ~/.docker/config.json), then the platform's
 * default socket. One dockerode client per address is kept for the engine's life.
 */

const DEFAULT_ADDRESS = process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';

export interface DockerContextInfo { name: string; address: string; current: boolean }

function dockerConfigDir(): string {
  return process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function currentContextName(): string | null {
  if (process.env.DOCKER_CONTEXT) return process.env.DOCKER_CONTEXT;
  const config = readJson(path.join(dockerConfigDir(), 'config.json')) as { currentContext?: unknown } | null;
  return typeof config?.currentContext === 'string' && config.currentContext ? config.currentContext : null;
}

function contextAddress(name: string): string | null {
  // The CLI stores each context under the sha256 of its name.
  const id = createHash('sha256').update(name).digest('hex');
  const meta = readJson(path.join(dockerConfigDir(), 'contexts', 'meta', id, 'meta.json')) as
    { Endpoints?: { docker?: { Host?: unknown } } } | null;
  const host = meta?.Endpoints?.docker?.Host;
  return typeof host === 'string' && host ? host : null;
}

/** The contexts the docker CLI knows, plus "default". */
export function listDockerContexts(): DockerContextInfo[] {
  const current = currentContextName() ?? 'default';
  const found: DockerContextInfo[] = [{ name: 'default', address: process.env.DOCKER_HOST || DEFAULT_ADDRESS, current: current === 'default' }];
  const metaDir = path.join(dockerConfigDir(), 'contexts', 'meta');
  let ids: string[] = [];
  try {
    ids = fs.readdirSync(metaDir);
  } catch {
    return found;
  }
  for (const id of ids) {
    const meta = readJson(path.join(metaDir, id, 'meta.json')) as { Name?: unknown; Endpoints?: { docker?: { Host?: unknown } } } | null;
    const name = typeof meta?.Name === 'string' ? meta.Name : null;
    const host = meta?.Endpoints?.docker?.Host;
    if (name && typeof host === 'string') found.push({ name, address: host, current: name === current });
  }
  return found;
}

export function resolveDockerEndpoint(contextName?: string): DockerEndpoint {
  if (contextName && contextName !== 'default') {
    const address = contextAddress(contextName);
    if (!address) {
      throw new ModelDockError({
        code: 'docker-context-unknown',
        title: 'Unknown Docker context',
        message: `There is no Docker context named "${contextName}".`,
        fix: 'Pick one of the contexts listed (docker context ls shows them), or leave it empty for the default engine.',
      });
    }
    return { address, source: 'context', context: contextName };
  }
  // The "default" context is DOCKER_HOST when set, else the platform's socket (as the docker CLI has it).
  if ((!contextName || contextName === 'default') && process.env.DOCKER_HOST) return { address: process.env.DOCKER_HOST, source: 'DOCKER_HOST', context: null };
  const current = contextName ? null : currentContextName();
  if (current && current !== 'default') {
    const address = contextAddress(current);
    if (address) return { address, source: 'context', context: current };
  }
  return { address: DEFAULT_ADDRESS, source: 'default', context: null };
}

function clientOptions(address: string): Docker.DockerOptions {
  const url = new URL(address);
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: url.pathname };
    case 'npipe:':
      return { socketPath: address.slice('npipe://'.length).replace(/\//g, '\\') };
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const tls = url.protocol === 'https:' || process.env.DOCKER_TLS_VERIFY === '1';
      const certDir = process.env.DOCKER_CERT_PATH;
      const read = (name: string) => (certDir ? fs.readFileSync(path.join(certDir, name)) : undefined);
      return {
        host: url.hostname,
        port: Number(url.port || (tls ? 2376 : 2375)),
        protocol: tls ? 'https' : 'http',
        ...(tls && certDir ? { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') } : {}),
      };
    }
    case 'ssh:':
      return { protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), username: url.username || undefined } as Docker.DockerOptions;
    default:
      throw new ModelDockError({
        code: 'docker-host-invalid',
        title: 'Docker address not understood',
        message: `"${address}" is not a Docker address ModelDock can use (unix://, tcp://, ssh:// or npipe://).`,
        fix: 'Fix DOCKER_HOST or the Docker context, e.g. unix:///var/run/docker.sock.',
      });
  }
}

export interface DockerHandle {
  docker: Docker;
  endpoint: DockerEndpoint;
}

/**
 * Keeps one client per engine address; `get` also checks that the engine answers, with a plain error if not. The
 * context the user picked in the app (kept in the engine's data folder) applies to every call that names none.
 */
export class DockerConnections {
  private readonly clients = new Map<string, Docker>();
  private chosen: string | null;

  constructor(private readonly settingsFile?: string) {
    this.chosen = settingsFile ? readChosenContext(settingsFile) : null;
  }

  /** The context picked in the app; null: the docker CLI's own choice (DOCKER_HOST, current context, default). */
  get chosenContext(): string | null {
    return this.chosen;
  }

  /** Picks the context every later call uses; an unknown name is refused and nothing changes. */
  choose(context: string | null): void {
    if (context !== null) resolveDockerEndpoint(context);
    this.chosen = context;
    if (!this.settingsFile) return;
    fs.mkdirSync(path.dirname(this.settingsFile), { recursive: true });
    const temp = `${this.settingsFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify({ context })}\n`);
    fs.renameSync(temp, this.settingsFile);
  }

  /** A client without contacting the engine. */
  client(contextName?: string): DockerHandle {
    const endpoint = resolveDockerEndpoint(contextName ?? this.chosen ?? undefined);
    let docker = this.clients.get(endpoint.address);
    if (!docker) {
      docker = new Docker(clientOptions(endpoint.address));
      this.clients.set(endpoint.address, docker);
    }
    return { docker, endpoint };
  }

  /** A client whose engine answered a ping just now. */
  async get(contextName?: string): Promise<DockerHandle> {
    const handle = this.client(contextName);
    try {
      await withTimeout(handle.docker.ping(), 10_000, 'ping');
    } catch (error) {
      throw dockerError(error, { action: 'connect', address: handle.endpoint.address });
    }
    return handle;
  }
}

function readChosenContext(file: string): string | null {
  const saved = readJson(file) as { context?: unknown } | null;
  return typeof saved?.context === 'string' && saved.context ? saved.context : null;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
