import { randomUUID } from 'node:crypto';
import { isObject } from '../../core/api/validate';
import { Emitter } from '../../core/util/events';

/**
 * The servers a person added: the non-secret list in `globalState`, each server's token or password
 * in `SecretStorage` (the OS keychain) under its own key. Both are validated when read: a corrupt
 * entry is skipped and reported, never a reason to lose the others or to fail activation.
 *
 * This module takes VS Code's storage through the two small interfaces below, so it runs (and is
 * tested) in plain Node as well.
 */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export interface SecretStore {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
}

/** How we authenticate to a server (what its secret is). */
export type ServerAuth = 'token' | 'password' | 'none';

export interface ServerRecord {
  id: string;
  /** What the person calls it (default: host and base_url). */
  name: string;
  /** `scheme://host:port/base_url/`, never with a token. */
  baseUrl: string;
  auth: ServerAuth;
  /** A self-signed certificate the person trusted: its SHA-256, colon-separated upper-case hex. */
  fingerprint?: string;
  /** A CA bundle file to verify the server with. */
  caFile?: string;
  /** The person agreed to send the secret over plain http to this non-loopback host. */
  allowInsecureHttp?: boolean;
  addedAt: number;
  lastUsedAt: number;
}

export interface ServerSecret {
  token?: string;
  password?: string;
}

const LIST_KEY = 'jupyterRemote.servers';
const ACTIVE_KEY = 'jupyterRemote.activeServer';
const SECRET_PREFIX = 'jupyterRemote.server.';
const FINGERPRINT = /^(?:[0-9A-F]{2}:){31}[0-9A-F]{2}$/;

export function secretKey(id: string): string {
  return `${SECRET_PREFIX}${id}`;
}

/** A stored entry as a ServerRecord, or the reason it is not one. */
export function validateRecord(v: unknown): ServerRecord | string {
  if (!isObject(v)) return 'an entry that is not an object';
  const { id, name, baseUrl, auth, fingerprint, caFile, allowInsecureHttp, addedAt, lastUsedAt } = v;
  if (typeof id !== 'string' || !/^[\w-]{1,64}$/.test(id)) return 'an entry without a valid id';
  if (typeof name !== 'string' || !name.trim()) return `entry ${id} has no name`;
  if (typeof baseUrl !== 'string') return `entry ${id} has no address`;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `entry ${id} has an address that is not a URL`;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.pathname.endsWith('/') || url.search || url.hash || url.username || url.password) {
    return `entry ${id} has an address that is not a server's base URL`;
  }
  if (auth !== 'token' && auth !== 'password' && auth !== 'none') return `entry ${id} has an unknown kind of login`;
  if (fingerprint !== undefined && (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint))) return `entry ${id} has a malformed certificate fingerprint`;
  if (caFile !== undefined && typeof caFile !== 'string') return `entry ${id} has a malformed CA file`;
  const record: ServerRecord = {
    id,
    name: name.trim(),
    baseUrl: url.toString(),
    auth,
    addedAt: typeof addedAt === 'number' && Number.isFinite(addedAt) ? addedAt : 0,
    lastUsedAt: typeof lastUsedAt === 'number' && Number.isFinite(lastUsedAt) ? lastUsedAt : 0,
  };
  if (fingerprint) record.fingerprint = fingerprint as string;
  if (caFile) record.caFile = caFile as string;
  if (allowInsecureHttp === true) record.allowInsecureHttp = true;
  return record;
}

/** A stored secret, or undefined when it is missing or not ours. */
export function parseSecret(text: string | undefined): ServerSecret | undefined {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v)) return undefined;
  const secret: ServerSecret = {};
  if (typeof v.token === 'string' && v.token) secret.token = v.token;
  if (typeof v.password === 'string' && v.password) secret.password = v.password;
  return secret.token || secret.password ? secret : undefined;
}

export class ServerStore {
  private readonly changed = new Emitter<void>();
  /** Fires after the list or the active server changed. */
  readonly onDidChange = this.changed.event;
  /** Why entries were skipped when the list was last read (for one warning, not a crash). */
  problems: string[] = [];

  constructor(
    private readonly state: KeyValueStore,
    private readonly secrets: SecretStore,
  ) {}

  /** Every valid server, most recently used first. */
  list(): ServerRecord[] {
    const raw = this.state.get<unknown>(LIST_KEY);
    const problems: string[] = [];
    const servers: ServerRecord[] = [];
    if (raw !== undefined && !Array.isArray(raw)) problems.push('the server list is not a list');
    for (const entry of Array.isArray(raw) ? raw : []) {
      const r = validateRecord(entry);
      if (typeof r === 'string') problems.push(r);
      else if (!servers.some((s) => s.id === r.id)) servers.push(r);
    }
    this.problems = problems;
    return servers.sort((a, b) => b.lastUsedAt - a.lastUsedAt);
  }

  get(id: string): ServerRecord | undefined {
    return this.list().find((s) => s.id === id);
  }

  findByBaseUrl(baseUrl: string): ServerRecord | undefined {
    return this.list().find((s) => s.baseUrl === baseUrl);
  }

  get activeId(): string | undefined {
    const id = this.state.get<unknown>(ACTIVE_KEY);
    return typeof id === 'string' && this.get(id) ? id : undefined;
  }

  async setActive(id: string | undefined): Promise<void> {
    await this.state.update(ACTIVE_KEY, id);
    if (id) await this.update(id, { lastUsedAt: Date.now() });
    else this.changed.fire();
  }

  /**
   * Adds a server, or replaces the one with the same base URL (connecting again with new
   * credentials). The secret is written first: a listed server never lacks the secret it needs.
   */
  async add(entry: Omit<ServerRecord, 'id' | 'addedAt' | 'lastUsedAt'>, secret: ServerSecret | undefined): Promise<ServerRecord> {
    const existing = this.findByBaseUrl(entry.baseUrl);
    const now = Date.now();
    const record: ServerRecord = { ...entry, id: existing?.id ?? randomUUID(), addedAt: existing?.addedAt ?? now, lastUsedAt: now };
    const checked = validateRecord(record);
    if (typeof checked === 'string') throw new Error(`Cannot save the server: ${checked}.`);
    if (secret && (secret.token || secret.password)) await this.secrets.store(secretKey(record.id), JSON.stringify(secret));
    else await this.secrets.delete(secretKey(record.id));
    try {
      await this.writeList([...this.rawEntries().filter((e) => !isObject(e) || e.id !== record.id), checked]);
    } catch (e) {
      if (!existing) await Promise.resolve(this.secrets.delete(secretKey(record.id))).catch(() => undefined);
      throw e;
    }
    return checked;
  }

  async update(id: string, patch: Partial<Pick<ServerRecord, 'name' | 'fingerprint' | 'caFile' | 'allowInsecureHttp' | 'lastUsedAt' | 'auth'>>): Promise<void> {
    const entries = this.rawEntries();
    const index = entries.findIndex((e) => isObject(e) && e.id === id);
    if (index < 0) return;
    const next = validateRecord({ ...(entries[index] as object), ...patch });
    if (typeof next === 'string') throw new Error(`Cannot update the server: ${next}.`);
    entries[index] = next;
    await this.writeList(entries);
  }

  /** Forgets a server: first from the list (so nothing uses it any more), then its secret. */
  async remove(id: string): Promise<void> {
    await this.writeList(this.rawEntries().filter((e) => !isObject(e) || e.id !== id));
    if (this.state.get<unknown>(ACTIVE_KEY) === id) await this.state.update(ACTIVE_KEY, undefined);
    await this.secrets.delete(secretKey(id));
    this.changed.fire();
  }

  async secret(id: string): Promise<ServerSecret | undefined> {
    return parseSecret(await this.secrets.get(secretKey(id)));
  }

  /** The stored entries as they are, corrupt ones included: a write keeps what it does not understand. */
  private rawEntries(): unknown[] {
    const raw = this.state.get<unknown>(LIST_KEY);
    return Array.isArray(raw) ? [...raw] : [];
  }

  private async writeList(entries: unknown[]): Promise<void> {
    await this.state.update(LIST_KEY, entries);
    this.changed.fire();
  }
}
