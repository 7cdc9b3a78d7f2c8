import { InvalidMetricsOptionError } from './errors.js';

/** The alerts this package evaluates. */
export type AlertName =
  | 'connection-error-rate'
  | 'session-survival-rate'
  | 'cache-hit-rate'
  | 'pool-utilisation'
  | 'process-memory';

/** Which side of the limit is bad. */
export type AlertDirection = 'above' | 'below';

/** One threshold: when it fires, and how far the value must come back before it resolves. */
export interface ThresholdOptions {
  /** The limit: the alert fires when the window's value is past it (above or below, per alert). */
  limit: number;
  /**
   * Hysteresis: the value must come back past `limit ∓ resolveMargin` (below `limit - margin` for an
   * `above` alert, above `limit + margin` for a `below` one) before the alert may resolve.
   */
  resolveMargin: number;
  /** Consecutive evaluations past the limit before the alert fires. */
  fireAfter: number;
  /** Consecutive evaluations back past the margin (or without data) before the alert resolves. */
  resolveAfter: number;
  /** Rates only: the fewest events the window must hold for its rate to be judged at all. */
  minSamples: number;
}

/** Per alert: a partial override of its defaults, or `false` to turn it off. */
export interface ThresholdsOptions {
  /** Failed upstream connections / upstream requests in the window. Default: fires above 0.05. */
  connectionErrorRate?: Partial<ThresholdOptions> | false;
  /** Sessions that ended on their own terms / sessions that ended, in the window. Default: fires below 0.9. */
  sessionSurvivalRate?: Partial<ThresholdOptions> | false;
  /** Session cache hits / session cache lookups in the window. Default: fires below 0.8. */
  cacheHitRate?: Partial<ThresholdOptions> | false;
  /** Busy connections / connection capacity of the attached pools, window mean. Default: fires above 0.9. */
  poolUtilisation?: Partial<ThresholdOptions> | false;
  /** Resident set size of the process in bytes, window mean. Default: fires above 500 MB. */
  processMemoryBytes?: Partial<ThresholdOptions> | false;
}

/** A threshold with everything resolved. */
export interface ThresholdDefinition extends ThresholdOptions {
  readonly name: AlertName;
  readonly direction: AlertDirection;
}

const megabyte = 1024 * 1024;

/** The seed's thresholds; margins and streaks are this package's choice (see the README). */
export const DEFAULT_THRESHOLDS: Readonly<Record<keyof ThresholdsOptions, ThresholdDefinition>> = {
  connectionErrorRate: {
    name: 'connection-error-rate',
    direction: 'above',
    limit: 0.05,
    resolveMargin: 0.01,
    fireAfter: 1,
    resolveAfter: 3,
    minSamples: 20,
  },
  sessionSurvivalRate: {
    name: 'session-survival-rate',
    direction: 'below',
    limit: 0.9,
    resolveMargin: 0.02,
    fireAfter: 1,
    resolveAfter: 3,
    minSamples: 20,
  },
  cacheHitRate: {
    name: 'cache-hit-rate',
    direction: 'below',
    limit: 0.8,
    resolveMargin: 0.02,
    fireAfter: 1,
    resolveAfter: 3,
    minSamples: 50,
  },
  poolUtilisation: {
    name: 'pool-utilisation',
    direction: 'above',
    limit: 0.9,
    resolveMargin: 0.05,
    fireAfter: 1,
    resolveAfter: 3,
    minSamples: 1,
  },
  processMemoryBytes: {
    name: 'process-memory',
    direction: 'above',
    limit: 500 * megabyte,
    resolveMargin: 50 * megabyte,
    fireAfter: 1,
    resolveAfter: 3,
    minSamples: 1,
  },
};

/** Merges `options` over the defaults and validates every field; disabled thresholds are left out. */
export function resolveThresholds(options: ThresholdsOptions | undefined): ThresholdDefinition[] {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidMetricsOptionError('thresholds', 'must be an object');
  }
  const resolved: ThresholdDefinition[] = [];
  for (const key of Object.keys(DEFAULT_THRESHOLDS) as (keyof ThresholdsOptions)[]) {
    const override = options?.[key];
    if (override === false) continue;
    if (override !== undefined && (typeof override !== 'object' || override === null)) {
      throw new InvalidMetricsOptionError(`thresholds.${key}`, 'must be an object or false');
    }
    const definition = { ...DEFAULT_THRESHOLDS[key], ...override };
    validateThreshold(`thresholds.${key}`, definition);
    resolved.push(definition);
  }
  const unknown = Object.keys(options ?? {}).filter((key) => !(key in DEFAULT_THRESHOLDS));
  if (unknown.length > 0) throw new InvalidMetricsOptionError(`thresholds.${unknown[0]}`, 'is not a known threshold');
  return resolved;
}

function validateThreshold(option: string, definition: ThresholdDefinition): void {
  const isRatio = definition.name !== 'process-memory';
  if (typeof definition.limit !== 'number' || !Number.isFinite(definition.limit) || definition.limit < 0) {
    throw new InvalidMetricsOptionError(`${option}.limit`, 'must be a finite number >= 0');
  }
  if (isRatio && definition.limit > 1) {
    throw new InvalidMetricsOptionError(`${option}.limit`, 'must be a ratio between 0 and 1');
  }
  if (
    typeof definition.resolveMargin !== 'number' ||
    !Number.isFinite(definition.resolveMargin) ||
    definition.resolveMargin < 0
  ) {
    throw new InvalidMetricsOptionError(`${option}.resolveMargin`, 'must be a finite number >= 0');
  }
  for (const field of ['fireAfter', 'resolveAfter', 'minSamples'] as const) {
    if (!Number.isInteger(definition[field]) || definition[field] < 1) {
      throw new InvalidMetricsOptionError(`${option}.${field}`, 'must be a positive integer');
    }
  }
}
