/** The sliding window's figures at one moment: what the thresholds judge and the snapshot reports. */
export interface WindowStats {
  /** The window's length in seconds. */
  readonly seconds: number;
  /** Upstream requests recorded in the window. */
  readonly upstreamRequests: number;
  /** Of them, those that failed at the connection level (outcome `connection_error` or `timeout`). */
  readonly connectionErrors: number;
  /** connectionErrors / upstreamRequests; null without requests. */
  readonly connectionErrorRate: number | null;
  /** Sessions that ended in the window (any reason). */
  readonly sessionsEnded: number;
  /** Of them, those that ended early: evicted for capacity or lost by the store. */
  readonly sessionsEndedEarly: number;
  /** 1 - sessionsEndedEarly / sessionsEnded; null when no session ended. */
  readonly sessionSurvivalRate: number | null;
  /** Session cache lookups in the window. */
  readonly cacheLookups: number;
  /** Of them, hits. */
  readonly cacheHits: number;
  /** cacheHits / cacheLookups; null without lookups. */
  readonly cacheHitRate: number | null;
  /** Mean over the window's samples of busy connections / connection capacity; null without samples. */
  readonly poolUtilisation: number | null;
  /** Mean over the window's samples of the resident set size in bytes; null without samples. */
  readonly residentSetSizeBytes: number | null;
}
