/** STUB (the run/push helper replaces this file): registry credentials, never written to the spec or logs. */
export interface RegistryCredential { registry: string; username: string; password: string }

export interface CredentialStore {
  /** "keychain" when credentials survive a restart encrypted by the OS; "session" when they live in memory only. */
  readonly kind: 'keychain' | 'session';
  get(registry: string): Promise<RegistryCredential | null>;
  set(credential: RegistryCredential): Promise<void>;
  delete(registry: string): Promise<void>;
  list(): Promise<Array<{ registry: string; username: string }>>;
}

export class SessionCredentialStore implements CredentialStore {
  readonly kind = 'session' as const;
  private readonly items = new Map<string, RegistryCredential>();
  async get(registry: string) { return this.items.get(registry) ?? null; }
  async set(credential: RegistryCredential) { this.items.set(credential.registry, credential); }
  async delete(registry: string) { this.items.delete(registry); }
  async list() { return [...this.items.values()].map(({ registry, username }) => ({ registry, username })); }
}
