import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Registry credentials. They are kept by a CredentialStore (the OS keychain in the desktop app, memory otherwise),
 * never written to the spec, the history or a log line. The docker CLI's own logins (~/.docker/config.json
 * "auths") are read as a fallback, never written.
 */
export interface RegistryCredential { registry: string; username: string; password: string }

export interface CredentialStore {
  /** "keychain" when credentials survive a restart encrypted by the OS; "session" when they live in memory only. */
  readonly kind: 'keychain' | 'session';
  get(registry: string): Promise<RegistryCredential | null>;
  set(credential: RegistryCredential): Promise<void>;
  delete(registry: string): Promise<void>;
  list(): Promise<Array<{ registry: string; username: string }>>;
}

/** Credentials kept in memory until the app quits. */
export class SessionCredentialStore implements CredentialStore {
  readonly kind = 'session' as const;
  private readonly items = new Map<string, RegistryCredential>();
  async get(registry: string) { return this.items.get(normalizeRegistry(registry)) ?? null; }
  async set(credential: RegistryCredential) {
    const registry = normalizeRegistry(credential.registry);
    this.items.set(registry, { ...credential, registry });
  }
  async delete(registry: string) { this.items.delete(normalizeRegistry(registry)); }
  async list() { return [...this.items.values()].map(({ registry, username }) => ({ registry, username })); }
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/', 'registry.hub.docker.com']);

/** "https://ghcr.io/" -> "ghcr.io"; every Docker Hub spelling -> "docker.io": one key per registry. */
export function normalizeRegistry(registry: string): string {
  const trimmed = registry.trim();
  if (DOCKER_HUB_ALIASES.has(trimmed) || DOCKER_HUB_ALIASES.has(trimmed.replace(/\/+$/, ''))) return DOCKER_HUB;
  const bare = trimmed.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return DOCKER_HUB_ALIASES.has(bare) ? DOCKER_HUB : bare;
}

/**
 * The registry an image reference lives in, as Docker decides it: the first path part when it has a dot, a
 * colon or is "localhost"; otherwise Docker Hub. "127.0.0.1:5000/iris:1" -> "127.0.0.1:5000", "iris:1" -> "docker.io".
 */
export function registryOfReference(reference: string): string {
  const slash = reference.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = reference.slice(0, slash);
  return /[.:]/.test(first) || first === 'localhost' ? normalizeRegistry(first) : DOCKER_HUB;
}

function dockerConfigFile(env: NodeJS.ProcessEnv): string {
  return path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
}

/**
 * Logins the docker CLI saved in config.json as base64 "user:password" under "auths". Helper-backed entries
 * (credsStore, credHelpers) are not read: running the helper binaries is the CLI's business.
 */
export function dockerConfigCredentials(env: NodeJS.ProcessEnv = process.env): RegistryCredential[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(dockerConfigFile(env), 'utf8'));
  } catch {
    return [];
  }
  const auths = (parsed as { auths?: unknown } | null)?.auths;
  if (!auths || typeof auths !== 'object') return [];
  const found: RegistryCredential[] = [];
  for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
    const auth = (value as { auth?: unknown } | null)?.auth;
    if (typeof auth !== 'string' || !auth) continue;
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) continue;
    found.push({ registry: normalizeRegistry(key), username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
  }
  return found;
}

/** The app's own credential first, then the docker CLI's login for the same registry. */
export async function findCredential(
  store: CredentialStore, registry: string, env: NodeJS.ProcessEnv = process.env,
): Promise<{ credential: RegistryCredential; source: 'store' | 'docker-config' } | null> {
  const key = normalizeRegistry(registry);
  const own = await store.get(key);
  if (own) return { credential: own, source: 'store' };
  const fromConfig = dockerConfigCredentials(env).find((c) => c.registry === key);
  return fromConfig ? { credential: fromConfig, source: 'docker-config' } : null;
}
