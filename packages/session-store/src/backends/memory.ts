import { LRUCache } from 'lru-cache';
import { StoreClosedError } from '../errors.js';
import type { SessionStoreEvents } from '../events.js';
import { integerOption } from '../options.js';
import {
  applyDelta,
  assertSessionId,
  type IndexedField,
  indexedFields,
  matchesQuery,
  queryIndex,
  type Session,
  type SessionDelta,
  type SessionQuery,
  touchSession,
} from '../session.js';
import type { CreateResult, SessionStore, SessionStoreStats } from '../session-store.js';
import { TypedEventEmitter } from '../typed-event-emitter.js';

export interface MemorySessionStoreOptions {
  /** Most sessions held; the least recently used is evicted beyond it. Default 10 000. */
  maxSessions?: number;
  /** Session lifetime after its last activity, ms. Default 1 h. */
  ttlMs?: number;
  /** Affinity lifetime after its last use, ms. Default 30 min. */
  affinityTtlMs?: number;
  /** Most affinities held. Default: `maxSessions`. */
  maxAffinities?: number;
  /**
   * Longest a session stays in memory even if it lives longer (the hybrid store's cache lifetime), ms.
   * Default: no cap.
   */
  maxCacheAgeMs?: number;
}

type Index = Map<string, Set<string>>;

const staleToo = { allowStale: true } as const;

/** Adds `id` under `value`. */
function addToIndex(index: Index, value: string, id: string): void {
  const ids = index.get(value);
  if (ids === undefined) index.set(value, new Set<string>().add(id));
  else ids.add(id);
}

/** Sessions in process memory: lru-cache holds them and expires them; find-by indexes follow its evictions. */
export class MemorySessionStore extends TypedEventEmitter<SessionStoreEvents> implements SessionStore {
  readonly backend: string = 'memory';
  readonly ttlMs: number;
  readonly affinityTtlMs: number;
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
  #hits = 0;
  #misses = 0;
  #expired = 0;
  #closed = false;

  constructor(options: MemorySessionStoreOptions = {}) {
    super();
    const maxSessions = integerOption('maxSessions', options.maxSessions, 10_000);
    this.ttlMs = integerOption('ttlMs', options.ttlMs, 60 * 60 * 1000);
    this.affinityTtlMs = integerOption('affinityTtlMs', options.affinityTtlMs, 30 * 60 * 1000);
    this.#maxCacheAgeMs = integerOption('maxCacheAgeMs', options.maxCacheAgeMs, Number.MAX_SAFE_INTEGER);
    this.#sessions = new LRUCache<string, Session>({
      max: maxSessions,
      // An overwrite re-indexes only when an indexed field changed (see hold); dispose covers the rest.
      noDisposeOnSet: true,
      // Expired entries are dropped when touched or evicted; `dispose` keeps the indexes in step either way.
      dispose: (session, id, reason) => {
        this.#unindex(session);
        if (reason === 'expire' && session.expiresAt <= Date.now() + 5) {
          this.#expired += 1;
          this.emit('session-expired', { sessionId: id });
        }
      },
    });
    this.#affinities = new LRUCache<string, string>({
      max: integerOption('maxAffinities', options.maxAffinities, maxSessions),
      ttl: this.affinityTtlMs,
      updateAgeOnGet: true,
    });
  }

  /** The session if held in memory, without I/O (the hybrid store's fast path). */
  lookup(id: string): Session | undefined {
    const session = this.#sessions.get(id);
    if (session === undefined) this.#misses += 1;
    else this.#hits += 1;
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

  async get(id: string): Promise<Session | undefined> {
    this.#assertOpen();
    return this.lookup(id);
  }

  async getMany(ids: readonly string[]): Promise<Array<Session | undefined>> {
    this.#assertOpen();
    return ids.map((id) => this.lookup(id));
  }

  async set(session: Session): Promise<void> {
    this.#assertOpen();
    assertSessionId(session.id);
    this.hold(session);
  }

  async setMany(sessions: readonly Session[]): Promise<void> {
    this.#assertOpen();
    for (const session of sessions) assertSessionId(session.id);
    for (const session of sessions) this.hold(session);
  }

  async create(session: Session): Promise<CreateResult> {
    this.#assertOpen();
    assertSessionId(session.id);
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

  async delete(id: string): Promise<boolean> {
    this.#assertOpen();
    return this.#sessions.delete(id);
  }

  async touch(id: string): Promise<Session | undefined> {
    this.#assertOpen();
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    const touched = touchSession(session, Date.now(), this.ttlMs);
    this.hold(touched);
    return touched;
  }

  async increment(id: string, delta: SessionDelta): Promise<Session | undefined> {
    this.#assertOpen();
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    const updated = applyDelta(session, delta, Date.now(), this.ttlMs);
    this.hold(updated);
    return updated;
  }

  async find(query: SessionQuery): Promise<Session[]> {
    this.#assertOpen();
    return this.search(query);
  }

  async getAffinity(sessionId: string): Promise<string | undefined> {
    this.#assertOpen();
    return this.#affinities.get(sessionId);
  }

  async claimAffinity(sessionId: string, accountId: string): Promise<string> {
    this.#assertOpen();
    const current = this.#affinities.get(sessionId);
    if (current !== undefined) return current;
    this.#affinities.set(sessionId, accountId);
    return accountId;
  }

  async setAffinity(sessionId: string, accountId: string): Promise<void> {
    this.#assertOpen();
    this.#affinities.set(sessionId, accountId);
  }

  async clearAffinity(sessionId: string): Promise<boolean> {
    this.#assertOpen();
    return this.#affinities.delete(sessionId);
  }

  stats(): SessionStoreStats {
    return {
      backend: this.backend,
      cachedSessions: this.#sessions.size,
      hits: this.#hits,
      misses: this.#misses,
      expired: this.#expired,
      syncBatches: 0,
      unsyncedChanges: 0,
      droppedChanges: 0,
      degraded: false,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError();
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
