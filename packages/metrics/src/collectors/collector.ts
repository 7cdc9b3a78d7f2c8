import type { MetricCatalogue } from '../metric-catalogue.js';

/** A pool or session collector's handle. */
export interface Collector {
  /** Removes every listener and hook the collector added; idempotent. */
  detach(): void;
}

/** Busy connections and connection capacity of one pool at one moment. */
export interface PoolLoad {
  busy: number;
  capacity: number;
}

/** What collectors plug into besides the public recording API. */
export interface CollectorHooks {
  readonly catalogue: MetricCatalogue;
  /** The bounded label value of an origin. */
  readonly originLabel: (origin: string | undefined) => string;
  /** The bounded label value of an error code. */
  readonly errorCodeLabel: (code: string | undefined) => string;
  /** Read at each evaluation: the pools' load, for the utilisation threshold. */
  readonly poolLoadSamplers: Set<() => PoolLoad | undefined>;
  /** Run before each scrape and each evaluation: pull cumulative `stats()` figures in as increments. */
  readonly statsPulls: Set<() => void>;
}
