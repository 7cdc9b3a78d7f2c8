import { stat } from 'node:fs/promises';
import type { StateFile, StoredClientKey } from '../auth/state-file.js';
import { type KeyRecord, keyRecordSchema } from './key-record.js';
import type { KeyStore } from './key-store.js';

export interface StateFileKeyStoreOptions {
  stateFile: StateFile;
  /** How often the file is checked for changes by another process (default 500 ms: one `stat`). */
  pollIntervalMs?: number;
  /** A stored entry that failed validation (a hand edit): left out, never thrown. */
  onRejected?(reason: string): void;
  onError?(error: unknown): void;
}

/**
 * The key store of the memory session store: the `clients` of the state file (mode 0600), which also holds the
 * keys `relay keys create` wrote without an admin token and the one a first start created. Every change is a
 * locked read-modify-write of the file, so processes sharing it (the workers of `--workers N`, the `relay keys`
 * command) never lose each other's changes; each of them sees the others' within `pollIntervalMs`.
 */
export class StateFileKeyStore implements KeyStore {
  readonly #stateFile: StateFile;
  readonly #options: StateFileKeyStoreOptions;
  #pollTimer: NodeJS.Timeout | undefined;

  constructor(options: StateFileKeyStoreOptions) {
    this.#options = options;
    this.#stateFile = options.stateFile;
  }

  async list(): Promise<KeyRecord[]> {
    return this.#records(this.#stateFile.read());
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    return (await this.list()).find((record) => record.id === id);
  }

  async create(record: KeyRecord): Promise<boolean> {
    const written = this.#stateFile.updateClientKeys((stored) =>
      stored.some((entry) => entry.id === record.id) ? undefined : [...stored, storedOf(record)],
    );
    return written !== undefined;
  }

  async update(id: string, change: (current: KeyRecord) => KeyRecord): Promise<KeyRecord | undefined> {
    let updated: KeyRecord | undefined;
    this.#stateFile.updateClientKeys((stored) => {
      const index = stored.findIndex((entry) => entry.id === id);
      const current = index === -1 ? undefined : this.#records([stored[index] as StoredClientKey])[0];
      if (!current) return undefined;
      updated = change(current);
      const next = [...stored];
      next[index] = storedOf({ ...updated, ...(current.lastUsedAt ? { lastUsedAt: current.lastUsedAt } : {}) });
      return next;
    });
    return updated;
  }

  async delete(id: string): Promise<boolean> {
    const written = this.#stateFile.updateClientKeys((stored) =>
      stored.some((entry) => entry.id === id) ? stored.filter((entry) => entry.id !== id) : undefined,
    );
    return written !== undefined;
  }

  async recordLastUsed(times: ReadonlyMap<string, number>): Promise<void> {
    if (times.size === 0) return;
    this.#stateFile.updateClientKeys((stored) => {
      let changed = false;
      const next = stored.map((entry) => {
        const at = times.get(entry.id);
        if (at === undefined || (entry.lastUsedAt !== undefined && Date.parse(entry.lastUsedAt) >= at)) return entry;
        changed = true;
        return { ...entry, lastUsedAt: new Date(at).toISOString() };
      });
      return changed ? next : undefined;
    });
  }

  async watch(listener: (id: string | undefined) => void): Promise<void> {
    let seen = await this.#fingerprint();
    this.#pollTimer = setInterval(() => {
      void this.#fingerprint().then((current) => {
        if (current === seen) return;
        seen = current;
        listener(undefined);
      });
    }, this.#options.pollIntervalMs ?? 500);
    this.#pollTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#pollTimer);
  }

  /** What changes whenever the file is rewritten (it is replaced by a rename: a new inode). */
  async #fingerprint(): Promise<string> {
    try {
      const stats = await stat(this.#stateFile.path);
      return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#options.onError?.(error);
      return 'absent';
    }
  }

  #records(stored: readonly StoredClientKey[]): KeyRecord[] {
    const records: KeyRecord[] = [];
    for (const entry of stored) {
      const result = keyRecordSchema.safeParse({
        ...entry,
        createdAt: epochMsOf(entry.createdAt) ?? 0,
        expiresAt: epochMsOf(entry.expiresAt),
        lastUsedAt: epochMsOf(entry.lastUsedAt),
      });
      if (result.success) records.push(result.data as KeyRecord);
      else this.#options.onRejected?.(`a client key in ${this.#stateFile.path} of the wrong shape`);
    }
    return records;
  }
}

/** A record as the state file keeps it: times as ISO 8601 strings. */
function storedOf(record: KeyRecord): StoredClientKey {
  return {
    id: record.id,
    keyHash: record.keyHash,
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.userId !== undefined ? { userId: record.userId } : {}),
    ...(record.models ? { models: [...record.models] } : {}),
    ...(record.expiresAt !== undefined ? { expiresAt: new Date(record.expiresAt).toISOString() } : {}),
    ...(record.limits ? { limits: record.limits as Record<string, unknown> } : {}),
    ...(record.lastUsedAt !== undefined ? { lastUsedAt: new Date(record.lastUsedAt).toISOString() } : {}),
  };
}

function epochMsOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? -1 : parsed;
}
