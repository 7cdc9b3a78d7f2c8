export type { Alert, AlertTransition } from './alert-rule.js';
export { BILLED_TOKEN_KINDS, type BilledTokenKind, LIMIT_LABELS } from './client-series.js';
export type { Collector } from './collectors/collector.js';
export type {
  ObservedDispatcherStats,
  ObservedPool,
  ObservedPoolEvents,
  ObservedPoolStats,
  ObservedSessionEvents,
  ObservedSessionManager,
  ObservedSessionStats,
} from './collectors/observed-types.js';
export type { PoolCollectorOptions } from './collectors/pool-collector.js';
export { InvalidMetricsOptionError, MetricsClosedError, MetricsError, type MetricsErrorCode } from './errors.js';
export { type Exposition, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition.js';
export { LabelBounder, type LabelBounderOptions, MISSING_LABEL, OVERFLOW_LABEL } from './label-bounder.js';
export {
  type BucketOptions,
  DEFAULT_BUCKETS,
  type MetricCatalogue,
  SESSION_END_REASONS,
  type SessionEndReason,
} from './metric-catalogue.js';
export type { BoundedLabel, LabelsOptions, RelayMetricsOptions } from './options.js';
export { proxyLabel } from './proxy-label.js';
export {
  type BreakerState,
  type CacheLookups,
  type ClientUsageRecord,
  createRelayMetrics,
  type ProxyTestRecord,
  RelayMetrics,
  type RelayMetricsEvents,
  type TokenUsageRecord,
  type UpstreamRequestRecord,
} from './relay-metrics.js';
export type { MetricsSnapshot, SnapshotMetric, SnapshotSeries } from './snapshot.js';
export { STATUS_CLASSES, type StatusClass, statusClass } from './status-class.js';
export {
  type AlertDirection,
  type AlertName,
  DEFAULT_THRESHOLDS,
  type ThresholdDefinition,
  type ThresholdOptions,
  type ThresholdsOptions,
} from './thresholds.js';
export { TOKEN_KINDS, type TokenKind } from './token-kind.js';
export { OUTCOME_LABELS, type UpstreamOutcome } from './upstream-outcome.js';
export type { WindowStats } from './window-stats.js';
