import { LRUCache } from 'lru-cache';
import {
  type IndexedField,
  indexedFields,
  matchesQuery,
  queryIndex,
  type Session,
  type SessionQuery,
} from '../session.js';

/** What a memory cache is built with (validated by the store that owns it). */
export interface MemoryCacheOptions {
  readonly maxSessions: number;
  readonly affinityTtlMs: number;
  readonly maxAffinities: number;
  readonly maxCacheAgeMs: number;
  /** Called when a session is dropped at its expiry. */
  readonly onExpired: (sessionId: string) => void;
}

type Index = Map<string, Set<string>>;

const staleToo = { allowStale: true } as const;

/** Adds `id` under `value`. */
function addToIndex(index: Index, value: string, id: string): void {
  const ids = index.get(value);
  if (ids === undefined) index.set(value, new Set<string>().add(id));
  else ids.add(id);
}

/**
 * Sessions and affinities in process memory: lru-cache holds them and expires them; find-by indexes follow its
 * evictions. Internal: the memory store and the hybrid store's front both use it, neither exposes it.
 */
export class MemoryCache {
  readonly #maxCacheAgeMs: number;
  readonly #sessions: LRUCache<string, Session>;
  readonly #affinities: LRUCache<string, string>;
  // An index is built on the first find by its field and kept from then on: a store nobody searches by account
  // (the relay's usual case) pays neither the time nor the memory of that index on every create.
  readonly #indexes: Record<IndexedField, Index | undefined> = {
    userId: undefined,
    apiKeyId: undefined,
    accountId: undefined,
  };
  hits = 0;
  misses = 0;
  expired = 0;

  constructor(options: MemoryCacheOptions) {
    this.#maxCacheAgeMs = options.maxCacheAgeMs;
    this.#sessions = new LRUCache<string, Session>({
      max: options.maxSessions,
      // An overwrite re-indexes only when an indexed field changed (see hold); dispose covers the rest.
      noDisposeOnSet: true,
      // Expired entries are dropped when touched or evicted; `dispose` keeps the indexes in step either way.
      dispose: (session, id, reason) => {
        this.#unindex(session);
        if (reason === 'expire' && session.expiresAt <= Date.now() + 5) {
          this.expired += 1;
          options.onExpired(id);
        }
      },
    });
    this.#affinities = new LRUCache<string, string>({
      max: options.maxAffinities,
      ttl: options.affinityTtlMs,
      updateAgeOnGet: true,
    });
  }

  /** Sessions held. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The session if held in memory, without I/O (the hybrid store's fast path). */
  lookup(id: string): Session | undefined {
    const session = this.#sessions.get(id);
    if (session === undefined) this.misses += 1;
    else this.hits += 1;
    return session;
  }

  /** Holds `session` until its expiry (or the cache cap); forgets it when already expired. */
  hold(session: Session): void {
    const ttl = Math.min(session.expiresAt - Date.now(), this.#maxCacheAgeMs);
    if (ttl <= 0) {
      this.#sessions.delete(session.id);
      return;
    }
    const previous = this.#sessions.peek(session.id, staleToo);
    this.#sessions.set(session.id, session, { ttl });
    if (previous === undefined) {
      this.#index(session);
    } else if (
      previous.userId !== session.userId ||
      previous.apiKeyId !== session.apiKeyId ||
      previous.accountId !== session.accountId
    ) {
      this.#unindex(previous);
      this.#index(session);
    }
  }

  /** Forgets every session and affinity held in memory (without reporting them as expired). */
  dropAll(): void {
    this.#sessions.clear();
    this.#affinities.clear();
  }

  /** Forgets the session held in memory; true when there was one. */
  drop(id: string): boolean {
    return this.#sessions.delete(id);
  }

  /** Forgets the affinity held in memory. */
  dropAffinity(sessionId: string): void {
    this.#affinities.delete(sessionId);
  }

  /** The affinity held in memory (sliding it), without I/O. */
  lookupAffinity(sessionId: string): string | undefined {
    return this.#affinities.get(sessionId);
  }

  /** Holds an affinity in memory. */
  holdAffinity(sessionId: string, accountId: string): void {
    this.#affinities.set(sessionId, accountId);
  }

  /** The sessions held in memory that match the query. */
  search(query: SessionQuery): Session[] {
    const { field, value } = queryIndex(query);
    const ids = (this.#indexes[field] ?? this.#buildIndex(field)).get(value);
    if (!ids) return [];
    const found: Session[] = [];
    for (const id of [...ids]) {
      const session = this.#sessions.peek(id);
      // peek() leaves a stale entry in place: get() drops it, which runs dispose and trims the index.
      if (session === undefined) this.#sessions.get(id);
      else if (matchesQuery(session, query)) found.push(session);
    }
    return found;
  }

  /** Holds `session` unless one with its id is held; resolves to the one held and whether it was new. */
  insert(session: Session): { session: Session; created: boolean } {
    const existing = this.#sessions.get(session.id);
    if (existing) return { session: existing, created: false };
    // get() found nothing and dropped any stale entry: insert without hold()'s second lookup.
    const ttl = Math.min(session.expiresAt - Date.now(), this.#maxCacheAgeMs);
    if (ttl > 0) {
      this.#sessions.set(session.id, session, { ttl });
      this.#index(session);
    }
    return { session, created: true };
  }

  /** The session held, without counting a hit or a miss. */
  peek(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** Forgets the affinity held; true when there was one. */
  deleteAffinity(sessionId: string): boolean {
    return this.#affinities.delete(sessionId);
  }

  #index(session: Session): void {
    // Written out per field: the hottest path of create, where a loop over field names costs keyed lookups.
    const { id, userId, apiKeyId, accountId } = session;
    const indexes = this.#indexes;
    if (userId !== undefined && indexes.userId) addToIndex(indexes.userId, userId, id);
    if (apiKeyId !== undefined && indexes.apiKeyId) addToIndex(indexes.apiKeyId, apiKeyId, id);
    if (accountId !== undefined && indexes.accountId) addToIndex(indexes.accountId, accountId, id);
  }

  /** Builds the index of `field` from every live session, once; `#index` keeps it up to date after that. */
  #buildIndex(field: IndexedField): Index {
    const index: Index = new Map();
    for (const [id, session] of this.#sessions.entries()) {
      const value = session[field];
      if (value !== undefined) addToIndex(index, value, id);
    }
    this.#indexes[field] = index;
    return index;
  }

  #unindex(session: Session): void {
    for (const field of indexedFields) {
      const value = session[field];
      if (value === undefined) continue;
      const index = this.#indexes[field];
      const ids = index?.get(value);
      if (!ids) continue;
      ids.delete(session.id);
      if (ids.size === 0) index?.delete(value);
    }
  }
}
