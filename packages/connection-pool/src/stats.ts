import type { CircuitSnapshot, CircuitState } from './circuit-breaker.js';
import type { LatencySummary } from './latency-window.js';

/** Socket counts of one key. */
export interface ConnectionCounts {
  /** Sockets open: connected in the pool plus held warm in the reserve (the dispatcher's current size). */
  open: number;
  /** Sockets carrying a request now. */
  busy: number;
  /** Open sockets without a request (reserve included). */
  idle: number;
  /** Requests waiting for a socket. */
  pending: number;
}

/** Statistics of one key (a dispatcher). */
export interface DispatcherStats {
  /** The printable key (no credentials). */
  key: string;
  origin: string;
  /** The redacted proxy URL, or undefined. */
  proxy: string | undefined;
  /** Whether the key keeps `connections.min` sockets open (it was warmed up). */
  warm: boolean;
  connections: ConnectionCounts & {
    /** Sockets held in the warm reserve (opened ahead of traffic, not yet used). */
    reserved: number;
    /** Most sockets open at once since the dispatcher was created. */
    highWater: number;
    min: number;
    max: number;
  };
  /** Requests completed (or refused by the circuit) through this dispatcher. */
  requests: number;
  /** Failed or refused requests by error code. */
  errors: Record<string, number>;
  circuit: CircuitSnapshot;
  /** Request durations (ms) over the recent window, or undefined with no samples. */
  latency: LatencySummary | undefined;
  /** When a request last completed (ms since the epoch). */
  lastUsedAt: number;
}

/** The whole pool's statistics: `pool.stats()`. */
export interface ConnectionPoolStats {
  /** Dispatchers cached now, and the cache's bound. */
  dispatchers: number;
  maxDispatchers: number;
  cache: { hits: number; misses: number; hitRate: number };
  /** Requests since the pool was created (dispatchers evicted since included). */
  requests: number;
  /** Errors by code since the pool was created. */
  errors: Record<string, number>;
  /** Dispatchers per circuit state. */
  circuits: Record<CircuitState, number>;
  /** Socket counts summed over the dispatchers. */
  connections: ConnectionCounts;
  /** Per key. */
  keys: DispatcherStats[];
}
