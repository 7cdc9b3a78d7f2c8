/** Stable codes of the errors this package throws. */
export type MetricsErrorCode = 'RELAY_ERR_METRICS_INVALID_OPTION' | 'RELAY_ERR_METRICS_CLOSED';

/** Base class of every error this package throws; `code` is stable across versions. */
export class MetricsError extends Error {
  readonly code: MetricsErrorCode;

  constructor(code: MetricsErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option given to `createRelayMetrics()` (or a collector) is invalid; the message names it. */
export class InvalidMetricsOptionError extends MetricsError {
  /** The option's path, e.g. `thresholds.connectionErrorRate.limit`. */
  readonly option: string;

  constructor(option: string, requirement: string) {
    super('RELAY_ERR_METRICS_INVALID_OPTION', `invalid option ${option}: ${requirement}`);
    this.option = option;
  }
}

/** The instance was closed: it no longer records, evaluates or attaches collectors. */
export class MetricsClosedError extends MetricsError {
  constructor(operation: string) {
    super('RELAY_ERR_METRICS_CLOSED', `cannot ${operation}: the metrics instance is closed`);
  }
}
