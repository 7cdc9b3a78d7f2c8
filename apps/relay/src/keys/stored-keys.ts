import type { Logger } from 'pino';
import { generateClientKey, hashClientKey } from '../auth/client-key.js';
import type { Client, ClientRegistry, ClientSource } from '../auth/client-registry.js';
import { KeyExistsError, KeyNotFoundError, KeyNotManagedError, KeyStoreUnavailableError } from './key-errors.js';
import type { CreateKeyInput } from './key-input.js';
import { applyKeyPatch, type KeyPatch } from './key-patch.js';
import { clientOfRecord, type KeyRecord } from './key-record.js';
import type { KeyStore } from './key-store.js';
import { type KeyView, keyView } from './key-view.js';
import { LastUsedTracker } from './last-used-tracker.js';

export interface StoredKeysOptions {
  store: KeyStore;
  /** The relay's clients: the store's keys are kept in it as source `store`, beside the config's. */
  clients: ClientRegistry;
  logger: Logger;
  /** How often the times of last use are written to the store (default 60 s: at most once per key in it). */
  lastUsedFlushMs?: number;
}

/**
 * The client keys of the key store, live in the client registry: loaded at start, then kept in step with the
 * store (changes by other instances arrive as the store's `watch` reports them), and changed through the admin
 * API. A key of the config file (or of this machine's state file beside a Redis store) always wins over a stored
 * one with its id or hash, and is not changed here. Reads and applies run one at a time, in order, so a stale
 * reload never lands after a newer change.
 */
export class StoredKeys {
  readonly #store: KeyStore;
  readonly #clients: ClientRegistry;
  readonly #logger: Logger;
  readonly #lastUsedFlushMs: number;
  readonly #tracker = new LastUsedTracker();
  /** The records applied to the registry, by id. */
  #records = new Map<string, KeyRecord>();
  #queue: Promise<void> = Promise.resolve();
  #reloadQueued = false;
  #flushTimer: NodeJS.Timeout | undefined;
  readonly #shadowedWarned = new Set<string>();

  constructor(options: StoredKeysOptions) {
    this.#store = options.store;
    this.#clients = options.clients;
    this.#logger = options.logger;
    this.#lastUsedFlushMs = options.lastUsedFlushMs ?? 60_000;
  }

  /** Loads the stored keys and follows the store's changes. Resolves when the store is down too (it heals later). */
  async start(): Promise<void> {
    await this.#reload();
    await this.#store.watch((id) => (id === undefined ? this.#queueReload() : this.#enqueue(() => this.#refresh(id))));
    this.#flushTimer = setInterval(() => void this.#flushLastUsed(), this.#lastUsedFlushMs);
    this.#flushTimer.unref();
  }

  /**
   * Reads every stored key again (queued behind the changes in flight). For whoever changes the other sources of
   * the registry (a config reload): a stored key a removed config key used to shadow comes back with it.
   */
  reload(): Promise<void> {
    return this.#enqueue(async () => this.#reload());
  }

  /** The request path: the key `clientId` was just used (one Map write; written to the store later, in batches). */
  recordUse(clientId: string, now: number): void {
    this.#tracker.touch(clientId, now);
  }

  /** Creates a key; the key itself is in the answer only. */
  async create(input: CreateKeyInput, now = Date.now()): Promise<{ key: string; view: KeyView }> {
    const holder = this.#clients.get(input.id);
    if (holder) throw new KeyExistsError(input.id, sourceOf(holder));
    const key = generateClientKey();
    const record: KeyRecord = { ...input, keyHash: hashClientKey(key), createdAt: now };
    if (!(await this.#call(() => this.#store.create(record)))) throw new KeyExistsError(input.id, 'store');
    await this.#enqueue(async () => this.#settle(record));
    this.#logger.info({ key: input.id }, 'client key created');
    return { key, view: this.#view(clientOfRecord(record), now) };
  }

  /** Changes a stored key's models, expiry, limits or user id. */
  async update(id: string, patch: KeyPatch, now = Date.now()): Promise<KeyView> {
    this.#assertManaged(id);
    const updated = await this.#call(() => this.#store.update(id, (current) => applyKeyPatch(current, patch)));
    if (!updated) throw new KeyNotFoundError(id);
    await this.#enqueue(async () => this.#settle(updated));
    this.#logger.info({ key: id, fields: Object.keys(patch) }, 'client key changed');
    return this.#view(clientOfRecord(updated), now);
  }

  /** Deletes a stored key: refused from the next request on here, and on every other instance within a second. */
  async revoke(id: string): Promise<void> {
    this.#assertManaged(id);
    const deleted = await this.#call(() => this.#store.delete(id));
    // Gone from the store either way: a local copy the store no longer has goes too.
    await this.#enqueue(async () => this.#forget(id));
    if (!deleted) throw new KeyNotFoundError(id);
    this.#logger.info({ key: id }, 'client key revoked');
  }

  /**
   * Every client key the relay knows (config, state file and store), as the admin API shows them. The times of
   * last use are read from the store (other instances write theirs there once a minute), merged with this one's.
   */
  async list(now = Date.now()): Promise<KeyView[]> {
    const stored = await this.#storedLastUse(async () => this.#store.list());
    return this.#clients.list().map((client) => this.#view(client, now, stored.get(client.id)));
  }

  /** One key as the admin API shows it; undefined when there is none. */
  async get(id: string, now = Date.now()): Promise<{ client: Client; view: KeyView } | undefined> {
    const client = this.#clients.get(id);
    if (!client) return undefined;
    const stored = await this.#storedLastUse(async () => {
      const record = await this.#store.get(id);
      return record ? [record] : [];
    });
    return { client, view: this.#view(client, now, stored.get(id)) };
  }

  /** Writes the pending times of last use, then stops following the store. */
  async close(): Promise<void> {
    clearInterval(this.#flushTimer);
    await this.#flushLastUsed();
    await this.#store.close();
  }

  #view(client: Client, now: number, storedLastUse?: number): KeyView {
    const record = this.#records.get(client.id);
    const isStored = client.source === 'store';
    const times = [
      this.#tracker.latest(client.id),
      isStored ? record?.lastUsedAt : undefined,
      isStored ? storedLastUse : undefined,
    ];
    const known = times.filter((time): time is number => time !== undefined);
    return keyView(
      client,
      {
        ...(isStored && record ? { createdAt: record.createdAt } : {}),
        ...(known.length > 0 ? { lastUsedAt: Math.max(...known) } : {}),
      },
      now,
    );
  }

  /** The stored times of last use of `read`'s records; none when the store cannot be read (the local view stands). */
  async #storedLastUse(read: () => Promise<KeyRecord[]>): Promise<Map<string, number>> {
    const times = new Map<string, number>();
    try {
      for (const record of await read()) if (record.lastUsedAt !== undefined) times.set(record.id, record.lastUsedAt);
    } catch (error) {
      this.#logger.warn(
        { error: (error as Error).message },
        "the key store is unreachable: showing this instance's last use",
      );
    }
    return times;
  }

  #assertManaged(id: string): void {
    const holder = this.#clients.get(id);
    if (holder && holder.source !== 'store') throw new KeyNotManagedError(id, sourceOf(holder));
  }

  async #call<Result>(operation: () => Promise<Result>): Promise<Result> {
    try {
      return await operation();
    } catch (error) {
      throw new KeyStoreUnavailableError(error);
    }
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task).catch((error: unknown) => {
      this.#logger.warn({ error: (error as Error).message }, 'reading the key store failed: keeping the last view');
    });
    this.#queue = run;
    return run;
  }

  #queueReload(): void {
    // One full reload waiting is enough: it reads everything that changed before it runs.
    if (this.#reloadQueued) return;
    this.#reloadQueued = true;
    void this.#enqueue(async () => {
      this.#reloadQueued = false;
      await this.#reload();
    });
  }

  async #reload(): Promise<void> {
    let records: KeyRecord[];
    try {
      records = await this.#store.list();
    } catch (error) {
      this.#logger.warn({ error: (error as Error).message }, 'the key store is unreachable: keeping the last view');
      return;
    }
    const reserved = this.#reservedHashes();
    const applicable = records.filter((record) => this.#mayHold(record, reserved));
    this.#clients.replaceSource('store', applicable.map(clientOfRecord));
    const next = new Map(applicable.map((record) => [record.id, record]));
    for (const id of this.#records.keys()) if (!next.has(id)) this.#tracker.forget(id);
    this.#records = next;
  }

  async #refresh(id: string): Promise<void> {
    const record = await this.#store.get(id);
    if (record) this.#apply(record);
    else this.#forget(id);
  }

  /**
   * After this instance wrote `written`: applies what the store holds now, not what was written. Another
   * instance may have changed or revoked the key since, and its message may have been handled already (it comes
   * on another connection): applying `written` then would bring a revoked key back here. `written` stands only
   * when the store cannot be read.
   */
  async #settle(written: KeyRecord): Promise<void> {
    let current: KeyRecord | undefined;
    try {
      current = await this.#store.get(written.id);
    } catch {
      this.#apply(written);
      return;
    }
    if (current) this.#apply(current);
    else this.#forget(written.id);
  }

  #apply(record: KeyRecord): void {
    if (!this.#mayHold(record, this.#reservedHashes())) return;
    const previous = this.#records.get(record.id);
    const lastUsedAt = Math.max(record.lastUsedAt ?? 0, previous?.lastUsedAt ?? 0);
    this.#records.set(record.id, lastUsedAt > 0 ? { ...record, lastUsedAt } : record);
    this.#clients.upsert(clientOfRecord(record));
  }

  #forget(id: string): void {
    this.#records.delete(id);
    // A message may name a config key: that one is not the store's to remove.
    if (this.#clients.get(id)?.source !== 'store') return;
    this.#clients.remove(id);
    this.#tracker.forget(id);
  }

  /** False for a stored record whose id or hash a config or state-file key holds: that one wins. */
  #mayHold(record: KeyRecord, reservedHashes: ReadonlySet<string>): boolean {
    const byId = this.#clients.get(record.id);
    const shadowed = (byId !== undefined && byId.source !== 'store') || reservedHashes.has(record.keyHash);
    if (shadowed && !this.#shadowedWarned.has(record.id)) {
      this.#shadowedWarned.add(record.id);
      this.#logger.warn(
        { key: record.id },
        'a stored client key clashes with a configured one: the configured one wins',
      );
    }
    return !shadowed;
  }

  #reservedHashes(): Set<string> {
    const hashes = new Set<string>();
    for (const client of this.#clients.list()) if (client.source !== 'store') hashes.add(client.keyHash);
    return hashes;
  }

  async #flushLastUsed(): Promise<void> {
    const pending = this.#tracker.pending((id) => this.#clients.get(id)?.source === 'store');
    if (pending.size === 0) return;
    try {
      await this.#store.recordLastUsed(pending);
      this.#tracker.written(pending);
    } catch (error) {
      this.#logger.warn({ error: (error as Error).message }, 'writing when keys were last used failed (will retry)');
    }
  }
}

function sourceOf(client: Client): ClientSource {
  return client.source ?? 'config';
}
