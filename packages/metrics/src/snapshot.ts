import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Alert } from './alert-rule.js';
import type { WindowStats } from './window-stats.js';

/** One series of a metric in the snapshot: a counter's or gauge's value, a histogram's count and sum. */
export interface SnapshotSeries {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value?: number;
  readonly count?: number;
  readonly sum?: number;
}

/** One metric in the snapshot. */
export interface SnapshotMetric {
  readonly type: string;
  readonly help: string;
  readonly series: readonly SnapshotSeries[];
}

/** The JSON snapshot for the relay's stats endpoint. */
export interface MetricsSnapshot {
  /** When it was taken (ISO 8601). */
  readonly takenAt: string;
  /** The sliding window's figures, as the thresholds judge them. */
  readonly window: WindowStats;
  /** The alerts firing. */
  readonly alerts: readonly Alert[];
  /** Every metric of the registry by name; histograms as count and sum per label set (no buckets). */
  readonly metrics: Readonly<Record<string, SnapshotMetric>>;
}

type JsonMetric = MetricObjectWithValues<MetricValue<string> & { metricName?: string }>;

/** Builds the snapshot from prom-client's JSON of the registry. */
export function buildSnapshot(
  metrics: readonly JsonMetric[],
  window: WindowStats,
  alerts: readonly Alert[],
  now: number,
): MetricsSnapshot {
  const byName: Record<string, SnapshotMetric> = {};
  for (const metric of metrics) {
    const type = String(metric.type);
    byName[metric.name] = {
      type,
      help: metric.help,
      series: type === 'histogram' || type === 'summary' ? countAndSum(metric) : valuesOf(metric),
    };
  }
  return { takenAt: new Date(now).toISOString(), window, alerts, metrics: byName };
}

function valuesOf(metric: JsonMetric): SnapshotSeries[] {
  return metric.values.map((sample) => ({ labels: labelsOf(sample), value: sample.value }));
}

/** Folds a histogram's `_bucket` / `_sum` / `_count` samples into one series per label set. */
function countAndSum(metric: JsonMetric): SnapshotSeries[] {
  const series = new Map<string, { labels: Record<string, string | number>; count: number; sum: number }>();
  for (const sample of metric.values) {
    const suffix = sample.metricName?.slice(metric.name.length);
    if (suffix !== '_count' && suffix !== '_sum') continue;
    const labels = labelsOf(sample);
    const key = JSON.stringify(Object.entries(labels).sort(([left], [right]) => left.localeCompare(right)));
    const entry = series.get(key) ?? { labels, count: 0, sum: 0 };
    if (suffix === '_count') entry.count = sample.value;
    else entry.sum = sample.value;
    series.set(key, entry);
  }
  return [...series.values()];
}

function labelsOf(sample: MetricValue<string>): Record<string, string | number> {
  const labels: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(sample.labels)) if (value !== undefined) labels[name] = value;
  return labels;
}
