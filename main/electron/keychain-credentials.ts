import * as fs from 'node:fs';
import * as path from 'node:path';
import { safeStorage } from 'electron';
import type { CredentialStore, RegistryCredential } from '../docker/credential-store';
import { SessionCredentialStore } from '../docker/credential-store';

/**
 * Registry passwords for the desktop app, encrypted with the OS keychain (Keychain on macOS, DPAPI on Windows,
 * libsecret/kwallet on Linux) through Electron's safeStorage. Only ciphertext touches the disk. Where the OS
 * offers no keychain (safeStorage unavailable, or Linux's plain-text fallback), passwords stay in memory for the
 * session rather than being written weakly protected.
 */
interface StoredFile { version: 1; items: Array<{ registry: string; username: string; secret: string }> }

class KeychainCredentialStore implements CredentialStore {
  readonly kind = 'keychain' as const;

  constructor(private readonly file: string) {}

  private read(): StoredFile {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as StoredFile;
      if (parsed.version === 1 && Array.isArray(parsed.items)) return parsed;
    } catch {
      // missing or unreadable: start empty (the passwords cannot be recovered anyway)
    }
    return { version: 1, items: [] };
  }

  private write(data: StoredFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(data, null, 2), { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }

  async get(registry: string): Promise<RegistryCredential | null> {
    const item = this.read().items.find((i) => i.registry === registry);
    if (!item) return null;
    try {
      return { registry, username: item.username, password: safeStorage.decryptString(Buffer.from(item.secret, 'base64')) };
    } catch {
      return null; // encrypted under another OS user or keychain: ask again
    }
  }

  async set(credential: RegistryCredential): Promise<void> {
    const data = this.read();
    const secret = safeStorage.encryptString(credential.password).toString('base64');
    data.items = data.items.filter((i) => i.registry !== credential.registry);
    data.items.push({ registry: credential.registry, username: credential.username, secret });
    this.write(data);
  }

  async delete(registry: string): Promise<void> {
    const data = this.read();
    data.items = data.items.filter((i) => i.registry !== registry);
    this.write(data);
  }

  async list(): Promise<Array<{ registry: string; username: string }>> {
    return this.read().items.map(({ registry, username }) => ({ registry, username }));
  }
}

/** The keychain store when the OS provides real encryption, else the in-memory one. Call after app 'ready'. */
export function createCredentialStore(userDataDir: string): CredentialStore {
  const weak = process.platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text';
  if (!safeStorage.isEncryptionAvailable() || weak) return new SessionCredentialStore();
  return new KeychainCredentialStore(path.join(userDataDir, 'registry-credentials.json'));
}
