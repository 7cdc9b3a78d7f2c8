import { StoreClosedError } from '../errors.js';
import type { SessionStoreEvents } from '../events.js';
import { integerOption } from '../options.js';
import {
  applyDelta,
  assertSessionId,
  type Session,
  type SessionDelta,
  type SessionQuery,
  touchSession,
} from '../session.js';
import type { CreateResult, SessionStore, SessionStoreStats } from '../session-store.js';
import { TypedEventEmitter } from '../typed-event-emitter.js';
import { MemoryCache } from './memory-cache.js';

export interface MemorySessionStoreOptions {
  /** Most sessions held; the least recently used is evicted beyond it. Default 10 000. */
  maxSessions?: number;
  /** Session lifetime after its last activity, ms. Default 1 h. */
  ttlMs?: number;
  /** Affinity lifetime after its last use, ms. Default 30 min. */
  affinityTtlMs?: number;
  /** Most affinities held. Default: `maxSessions`. */
  maxAffinities?: number;
}

/** Sessions in process memory: lru-cache holds them and expires them; find-by indexes follow its evictions. */
export class MemorySessionStore extends TypedEventEmitter<SessionStoreEvents> implements SessionStore {
  readonly backend: string = 'memory';
  readonly ttlMs: number;
  readonly affinityTtlMs: number;
  readonly #cache: MemoryCache;
  #closed = false;

  constructor(options: MemorySessionStoreOptions = {}) {
    super();
    const maxSessions = integerOption('maxSessions', options.maxSessions, 10_000);
    this.ttlMs = integerOption('ttlMs', options.ttlMs, 60 * 60 * 1000);
    this.affinityTtlMs = integerOption('affinityTtlMs', options.affinityTtlMs, 30 * 60 * 1000);
    this.#cache = new MemoryCache({
      maxSessions,
      affinityTtlMs: this.affinityTtlMs,
      maxAffinities: integerOption('maxAffinities', options.maxAffinities, maxSessions),
      maxCacheAgeMs: Number.MAX_SAFE_INTEGER,
      onExpired: (sessionId) => this.emit('session-expired', { sessionId }),
    });
  }

  async get(id: string): Promise<Session | undefined> {
    this.#assertOpen();
    return this.#cache.lookup(id);
  }

  async getMany(ids: readonly string[]): Promise<Array<Session | undefined>> {
    this.#assertOpen();
    return ids.map((id) => this.#cache.lookup(id));
  }

  async set(session: Session): Promise<void> {
    this.#assertOpen();
    assertSessionId(session.id);
    this.#cache.hold(session);
  }

  async setMany(sessions: readonly Session[]): Promise<void> {
    this.#assertOpen();
    for (const session of sessions) assertSessionId(session.id);
    for (const session of sessions) this.#cache.hold(session);
  }

  async create(session: Session): Promise<CreateResult> {
    this.#assertOpen();
    assertSessionId(session.id);
    // One process, one event loop: the look and the insert cannot interleave with another create.
    return this.#cache.insert(session);
  }

  async delete(id: string): Promise<boolean> {
    this.#assertOpen();
    return this.#cache.drop(id);
  }

  async touch(id: string): Promise<Session | undefined> {
    this.#assertOpen();
    const session = this.#cache.peek(id);
    if (!session) return undefined;
    const touched = touchSession(session, Date.now(), this.ttlMs);
    this.#cache.hold(touched);
    return touched;
  }

  async increment(id: string, delta: SessionDelta): Promise<Session | undefined> {
    this.#assertOpen();
    const session = this.#cache.peek(id);
    if (!session) return undefined;
    const updated = applyDelta(session, delta, Date.now(), this.ttlMs);
    this.#cache.hold(updated);
    return updated;
  }

  async find(query: SessionQuery): Promise<Session[]> {
    this.#assertOpen();
    return this.#cache.search(query);
  }

  async getAffinity(sessionId: string): Promise<string | undefined> {
    this.#assertOpen();
    return this.#cache.lookupAffinity(sessionId);
  }

  async claimAffinity(sessionId: string, accountId: string): Promise<string> {
    this.#assertOpen();
    const current = this.#cache.lookupAffinity(sessionId);
    if (current !== undefined) return current;
    this.#cache.holdAffinity(sessionId, accountId);
    return accountId;
  }

  async setAffinity(sessionId: string, accountId: string): Promise<void> {
    this.#assertOpen();
    this.#cache.holdAffinity(sessionId, accountId);
  }

  async clearAffinity(sessionId: string): Promise<boolean> {
    this.#assertOpen();
    return this.#cache.deleteAffinity(sessionId);
  }

  stats(): SessionStoreStats {
    return {
      backend: this.backend,
      cachedSessions: this.#cache.size,
      hits: this.#cache.hits,
      misses: this.#cache.misses,
      expired: this.#cache.expired,
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
}
