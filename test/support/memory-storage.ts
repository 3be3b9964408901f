import type { KeyValueStore, SecretStore } from '../../src/vscode/servers/server-store';

/**
 * In-memory stand-ins for VS Code's globalState and SecretStorage, for the store's plain-Node
 * tests (the extension-host tests use the real ones). Values go through JSON as VS Code's do.
 */
export class MemoryState implements KeyValueStore {
  readonly data = new Map<string, string>();
  failWrites = false;
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    if (this.failWrites) throw new Error('disk full');
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(value));
  }
}

export class MemorySecrets implements SecretStore {
  readonly data = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.data.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }
}
