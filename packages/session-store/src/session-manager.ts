import { InvalidOptionError } from './errors.js';
import { type SessionManagerEvents, sessionStoreEventNames } from './events.js';
import {
  assertSessionId,
  newSession,
  type Session,
  type SessionInit,
  type SessionQuery,
  type SessionTokens,
} from './session.js';
import type { SessionStore } from './session-store.js';
import { TypedEventEmitter } from './typed-event-emitter.js';

/** The outcome of one relayed request, as `recordRequest` takes it. */
export interface RequestOutcome {
  readonly ok: boolean;
  /** The HTTP status the client got. */
  readonly status: number;
  readonly tokens?: Partial<SessionTokens>;
  readonly latencyMs: number;
  /** The account that served it, when it differs from the session's (the session moved). */
  readonly accountId?: string;
  /** A short error text for a failed request (kept to 64 characters); default `HTTP <status>`. */
  readonly error?: string;
}

/** A snapshot for dashboards and @relay/metrics. */
export interface SessionManagerStats {
  readonly backend: string;
  /** Sessions held in memory (memory, hybrid); undefined for the redis backend, which would need a scan. */
  readonly activeSessions: number | undefined;
  /** Sessions this manager created. */
  readonly created: number;
  /** Sessions this manager ended. */
  readonly ended: number;
  /** Sessions the store noticed expiring. */
  readonly expired: number;
  /** Requests recorded. */
  readonly requests: number;
  /** hits / (hits + misses) of the store's reads, 0 before any read. */
  readonly cacheHitRate: number;
  readonly syncBatches: number;
  readonly unsyncedChanges: number;
  readonly droppedChanges: number;
  readonly degraded: boolean;
}

// lastError stays short so that a session's Redis hash keeps its compact listpack encoding.
const maxErrorLength = 64;

/** The API the relay uses: get-or-create sessions, record outcomes, find them, and keep them sticky to accounts. */
export class SessionManager extends TypedEventEmitter<SessionManagerEvents> {
  readonly store: SessionStore;
  #created = 0;
  #ended = 0;
  #requests = 0;

  constructor(options: { store: SessionStore }) {
    super();
    if (!options?.store || typeof options.store.get !== 'function') {
      throw new InvalidOptionError('store', 'a SessionStore', options?.store);
    }
    this.store = options.store;
    for (const event of sessionStoreEventNames) {
      this.store.on(event, (payload) => this.emit(event, payload as never));
    }
  }

  /** The session with this id, created from `init` (expiring after the store's TTL) if there is none. */
  async getOrCreate(id: string, init: SessionInit = {}): Promise<Session> {
    const existing = await this.store.get(id);
    if (existing) return existing;
    assertSessionId(id);
    const { session, created } = await this.store.create(newSession(id, init, Date.now(), this.store.ttlMs));
    if (created) {
      this.#created += 1;
      this.emit('session-created', { session });
    }
    return session;
  }

  /** The session with this id, or undefined. */
  async get(id: string): Promise<Session | undefined> {
    return await this.store.get(id);
  }

  /** Adds one request's outcome to its session (counters, tokens, last error) and slides its expiry. */
  async recordRequest(id: string, outcome: RequestOutcome): Promise<Session | undefined> {
    this.#requests += 1;
    const error = outcome.ok ? undefined : (outcome.error ?? `HTTP ${outcome.status}`).slice(0, maxErrorLength);
    const session = await this.store.increment(id, {
      requestCount: 1,
      errorCount: outcome.ok ? 0 : 1,
      ...(outcome.tokens ? { tokens: outcome.tokens } : {}),
      ...(error !== undefined ? { lastError: error } : {}),
      ...(outcome.accountId !== undefined ? { accountId: outcome.accountId } : {}),
    });
    if (this.listenerCount('request-recorded') > 0) {
      this.emit('request-recorded', {
        sessionId: id,
        ok: outcome.ok,
        status: outcome.status,
        latencyMs: outcome.latencyMs,
        accountId: outcome.accountId ?? session?.accountId,
      });
    }
    return session;
  }

  /** Ends a session: forgets it and its affinity. True when it existed. */
  async end(id: string): Promise<boolean> {
    const [deleted] = await Promise.all([this.store.delete(id), this.store.clearAffinity(id)]);
    if (deleted) {
      this.#ended += 1;
      this.emit('session-ended', { sessionId: id });
    }
    return deleted;
  }

  /** Every live session of a user, an API key or an account. */
  async find(query: SessionQuery): Promise<Session[]> {
    return await this.store.find(query);
  }

  /** The account the session sticks to (sliding its TTL), or undefined. */
  async getAffinity(sessionId: string): Promise<string | undefined> {
    return await this.store.getAffinity(sessionId);
  }

  /** Sticks the session to `accountId` unless it already sticks to one; resolves to the account that won. */
  async claimAffinity(sessionId: string, accountId: string): Promise<string> {
    return await this.store.claimAffinity(sessionId, accountId);
  }

  /** Moves the session to another account (overriding its affinity), e.g. after its account failed. */
  async moveAffinity(sessionId: string, accountId: string, previousAccountId?: string): Promise<void> {
    await this.store.setAffinity(sessionId, accountId);
    this.emit('affinity-changed', { sessionId, accountId, previousAccountId });
  }

  /** Removes the session's affinity; true when it had one. */
  async clearAffinity(sessionId: string): Promise<boolean> {
    return await this.store.clearAffinity(sessionId);
  }

  /** A snapshot of counters and state (no I/O). */
  stats(): SessionManagerStats {
    const store = this.store.stats();
    const reads = store.hits + store.misses;
    return {
      backend: store.backend,
      activeSessions: store.cachedSessions,
      created: this.#created,
      ended: this.#ended,
      expired: store.expired,
      requests: this.#requests,
      cacheHitRate: reads === 0 ? 0 : store.hits / reads,
      syncBatches: store.syncBatches,
      unsyncedChanges: store.unsyncedChanges,
      droppedChanges: store.droppedChanges,
      degraded: store.degraded,
    };
  }

  /** Flushes and closes the store. */
  async close(): Promise<void> {
    await this.store.close();
  }
}
