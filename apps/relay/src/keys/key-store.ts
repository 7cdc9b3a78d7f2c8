import type { KeyRecord } from './key-record.js';

/**
 * Where the client keys created at runtime live, so that every instance sees them: Redis with the `redis` and
 * `hybrid` session stores, the state file with `memory`. Records hold only the key's hash. A store that cannot
 * be reached rejects (the caller answers 503 or keeps its last view); a stored value that fails validation is
 * reported through the backend's `onRejected` and left out, never thrown.
 */
export interface KeyStore {
  /** Every valid stored record, with its `lastUsedAt`. */
  list(): Promise<KeyRecord[]>;
  /** One record, with its `lastUsedAt`; undefined when there is none (or it is not valid). */
  get(id: string): Promise<KeyRecord | undefined>;
  /** Stores a new record; false when its id is taken. */
  create(record: KeyRecord): Promise<boolean>;
  /**
   * Replaces the record `id` with `change(current)`, atomically against concurrent changes (retried when another
   * writer came first); resolves to the new record, or undefined when there is none.
   */
  update(id: string, change: (current: KeyRecord) => KeyRecord): Promise<KeyRecord | undefined>;
  /** Deletes the record `id`; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** Raises the `lastUsedAt` of existing records to these times (never lowers one). */
  recordLastUsed(times: ReadonlyMap<string, number>): Promise<void>;
  /**
   * Tells `listener` when records may have changed elsewhere (another instance, another process): with an id
   * when a message named that key (a hint only: re-read it), with undefined when any may have (reload them all).
   */
  watch(listener: (id: string | undefined) => void): Promise<void>;
  close(): Promise<void>;
}
