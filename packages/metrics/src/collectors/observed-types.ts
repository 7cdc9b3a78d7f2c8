// The parts of @relay/connection-pool and @relay/session-store the collectors use, written out
// structurally: this package never imports them at run time (they are optional peers), and a
// `ConnectionPool` or `SessionManager` fits these shapes as it is (the tests check it).

/** What a pool event says about its key (`origin`, never credentials). */
interface PoolKeyEvent {
  origin: string;
}

/** The pool events the collector listens to, with the fields it reads. */
export interface ObservedPoolEvents {
  'request-completed': PoolKeyEvent & {
    statusCode: number | undefined;
    durationMs: number;
    errorCode: string | undefined;
    outcome: 'success' | 'failure' | 'aborted' | 'rejected';
  };
  'connection-errored': PoolKeyEvent & { errorCode: string };
  'circuit-opened': PoolKeyEvent & { to: string };
  'circuit-half-opened': PoolKeyEvent & { to: string };
  'circuit-closed': PoolKeyEvent & { to: string };
  'health-checked': PoolKeyEvent & { ok: boolean };
  'proxy-tested': { proxy: string; ok: boolean; latencyMs: number };
}

/** The `stats()` fields of one dispatcher the collector reads. */
export interface ObservedDispatcherStats {
  origin: string;
  connections: { busy: number; idle: number; pending: number; max: number };
  circuit: { state: string };
}

/** The `stats()` fields of a pool the collector reads. */
export interface ObservedPoolStats {
  cache: { hits: number; misses: number };
  keys: readonly ObservedDispatcherStats[];
}

/** `on` or `off` for one pool event; the pool's generic EventEmitter signature fits each of them. */
type PoolListen<Name extends keyof ObservedPoolEvents> = (
  event: Name,
  listener: (payload: ObservedPoolEvents[Name]) => void,
) => unknown;

/** `on` or `off` for every pool event the collector uses (an intersection of functions: overloads). */
type PoolListenAll = PoolListen<'request-completed'> &
  PoolListen<'connection-errored'> &
  PoolListen<'circuit-opened'> &
  PoolListen<'circuit-half-opened'> &
  PoolListen<'circuit-closed'> &
  PoolListen<'health-checked'> &
  PoolListen<'proxy-tested'>;

/** A `ConnectionPool` of @relay/connection-pool, as far as `collectPool` uses it. */
export interface ObservedPool {
  on: PoolListenAll;
  off: PoolListenAll;
  stats(): ObservedPoolStats;
}

/** The session manager events the collector listens to, with the fields it reads. */
export interface ObservedSessionEvents {
  'session-created': object;
  'session-ended': object;
  'session-expired': object;
  'batch-synced': object;
  'changes-dropped': { sessionIds: readonly string[] };
}

/** The `stats()` fields of a session manager the collector reads. */
export interface ObservedSessionStats {
  backend: string;
  /** Sessions held in memory; undefined for a backend that cannot tell cheaply. */
  activeSessions: number | undefined;
  created: number;
  ended: number;
  expired: number;
  unsyncedChanges: number;
  degraded: boolean;
}

/** A `SessionManager` of @relay/session-store, as far as `collectSessions` uses it. */
export interface ObservedSessionManager {
  on<Name extends keyof ObservedSessionEvents>(
    event: Name,
    listener: (payload: ObservedSessionEvents[Name]) => void,
  ): unknown;
  off<Name extends keyof ObservedSessionEvents>(
    event: Name,
    listener: (payload: ObservedSessionEvents[Name]) => void,
  ): unknown;
  stats(): ObservedSessionStats;
  /** Its store's `stats()`: reads answered from memory (`hits`) or not (`misses`). */
  readonly store: { stats(): { hits: number; misses: number } };
}
