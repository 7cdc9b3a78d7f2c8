import type { SessionStoreEvents } from './events.js';
import type { Session, SessionDelta, SessionQuery } from './session.js';

/** A snapshot of a store's state, cheap to take (no I/O). */
export interface SessionStoreStats {
  readonly backend: string;
  /** Sessions held in process memory (memory: all of them; hybrid: its cache); undefined for the redis backend. */
  readonly cachedSessions: number | undefined;
  /** Reads answered with a session (from memory for memory and hybrid, from Redis for redis). */
  readonly hits: number;
  /** Reads that found no session in memory (hybrid: then asked Redis). */
  readonly misses: number;
  /** Sessions this store noticed expiring. */
  readonly expired: number;
  /** Batches of queued changes written to Redis (hybrid). */
  readonly syncBatches: number;
  /** Sessions and affinities with changes not yet in Redis (hybrid). */
  readonly unsyncedChanges: number;
  /** Changes dropped because the unsynced queue overflowed (hybrid). */
  readonly droppedChanges: number;
  /** True while Redis is unreachable and the hybrid store serves from memory alone. */
  readonly degraded: boolean;
}

/** Result of `SessionStore.create`. */
export interface CreateResult {
  /** The stored session: the new one, or the one that already existed under that id. */
  readonly session: Session;
  /** False when a session with that id existed (another writer won the race). */
  readonly created: boolean;
}

/**
 * The contract every session backend implements (memory, redis, hybrid, and third-party ones, which prove
 * themselves with `sessionStoreTestSuite` from `@relay/session-store/testing`). Expiry is absolute epoch ms.
 */
export interface SessionStore {
  /** The backend's name, as reported in `stats().backend`. */
  readonly backend: string;
  /** How long a session lives after its last activity (`touch`, `increment`), in ms. */
  readonly ttlMs: number;
  /** How long an affinity lives after its last use, in ms. */
  readonly affinityTtlMs: number;

  /** The session with this id, or undefined when there is none (or it expired). */
  get(id: string): Promise<Session | undefined>;
  /** The sessions with these ids, in the same order; undefined where there is none. */
  getMany(ids: readonly string[]): Promise<Array<Session | undefined>>;
  /** Stores the session as given, replacing any with its id; it expires at `session.expiresAt`. */
  set(session: Session): Promise<void>;
  /** `set` for many sessions in one batch. */
  setMany(sessions: readonly Session[]): Promise<void>;
  /**
   * Stores the session unless one with its id exists, atomically across instances: of any number of concurrent
   * creates of one id, on any instances, exactly one resolves with `created: true`; see `CreateResult`.
   */
  create(session: Session): Promise<CreateResult>;
  /** Forgets the session (not its affinity); true when there was one. */
  delete(id: string): Promise<boolean>;
  /** Slides the expiry: lastActivityAt = now, expiresAt = now + ttlMs. Undefined when there is no session. */
  touch(id: string): Promise<Session | undefined>;
  /**
   * Adds the delta's counters and token sums atomically (two instances incrementing one session never lose an
   * update), sets its `lastError` / `accountId` when given, and slides the expiry like `touch`.
   */
  increment(id: string, delta: SessionDelta): Promise<Session | undefined>;
  /** Every live session matching the query (exact: expired and deleted sessions never show up). */
  find(query: SessionQuery): Promise<Session[]>;

  /** The account this session sticks to, sliding the affinity's TTL; undefined when it has none. */
  getAffinity(sessionId: string): Promise<string | undefined>;
  /** Sets the affinity only if the session has none (atomic across instances); resolves to the winning account. */
  claimAffinity(sessionId: string, accountId: string): Promise<string>;
  /** Sets the affinity unconditionally (the session moved to another account). */
  setAffinity(sessionId: string, accountId: string): Promise<void>;
  /** Removes the affinity; true when there was one. */
  clearAffinity(sessionId: string): Promise<boolean>;

  /** A snapshot of counters and state. */
  stats(): SessionStoreStats;
  /** Writes out everything pending, then releases connections; later calls reject with `StoreClosedError`. */
  close(): Promise<void>;

  /** Listens to a store event. */
  on<Name extends keyof SessionStoreEvents>(
    event: Name,
    listener: (payload: SessionStoreEvents[Name]) => void,
  ): unknown;
  /** Stops listening. */
  off<Name extends keyof SessionStoreEvents>(
    event: Name,
    listener: (payload: SessionStoreEvents[Name]) => void,
  ): unknown;
}
