/** The stable codes of the errors this package throws, one per class. */
export type MetricsErrorCode = 'RELAY_ERR_METRICS_INVALID_OPTION' | 'RELAY_ERR_METRICS_CLOSED';

/**
 * Every error this package throws extends this class: match with `instanceof` (this class or a subclass), or by
 * `code` where an error has crossed a process boundary. `cause` holds the underlying error where there is one.
 */
export abstract class MetricsError extends Error {
  abstract override readonly name: string;
  abstract readonly code: MetricsErrorCode;
}

/** An option given to `createRelayMetrics()` (or a collector) is invalid; `option` and the message name it. */
export class InvalidMetricsOptionError extends MetricsError {
  override readonly name = 'InvalidMetricsOptionError' as const;
  readonly code = 'RELAY_ERR_METRICS_INVALID_OPTION' as const;
  /** The option's path, e.g. `thresholds.connectionErrorRate.limit`. */
  readonly option: string;

  constructor(option: string, requirement: string, options?: ErrorOptions) {
    super(`invalid option ${option}: ${requirement}`, options);
    this.option = option;
  }
}

/** The instance was closed: it no longer records, evaluates or attaches collectors. */
export class MetricsClosedError extends MetricsError {
  override readonly name = 'MetricsClosedError' as const;
  readonly code = 'RELAY_ERR_METRICS_CLOSED' as const;

  constructor(operation: string) {
    super(`cannot ${operation}: the metrics instance is closed`);
  }
}
