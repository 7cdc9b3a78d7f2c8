import { InvalidMetricsOptionError } from './errors.js';
import type { LabelBounderOptions } from './label-bounder.js';
import { type BucketOptions, DEFAULT_BUCKETS } from './metric-catalogue.js';
import { resolveThresholds, type ThresholdDefinition, type ThresholdsOptions } from './thresholds.js';

/** How each bounded label keeps its values to a bounded set. */
export interface LabelsOptions {
  /** Upstream account ids. Default: the first 100 distinct, then `other`. */
  account?: LabelBounderOptions;
  /** Upstream origins. Default: the first 20 distinct, then `other`. */
  origin?: LabelBounderOptions;
  /** Proxies (credentials are always stripped). Default: the first 50 distinct, then `other`. */
  proxy?: LabelBounderOptions;
  /** Relay error types. Default: the first 50 distinct, then `other`. */
  errorType?: LabelBounderOptions;
  /** Client key ids. Default: the first 100 distinct, then `other`. */
  client?: LabelBounderOptions;
}

/** A label whose values are bounded (`labels.<name>`). */
export type BoundedLabel = keyof LabelsOptions;

/** Options of `createRelayMetrics()`. */
export interface RelayMetricsOptions {
  /** Label bounding: allow-lists or caps of distinct values per label. */
  labels?: LabelsOptions;
  /** Histogram buckets in seconds. */
  buckets?: BucketOptions;
  /** Register prom-client's default process metrics (CPU, memory, event loop, GC). Default true. */
  defaultMetrics?: boolean;
  /** Labels added to every series of this registry (e.g. `{ instance: 'relay-1' }`). */
  defaultLabels?: Record<string, string>;
  /** Length of the sliding window the thresholds judge, in ms. Default 60 000. */
  windowMs?: number;
  /** How many buckets the window slides by. Default 12 (5 s each for the default window). */
  windowBuckets?: number;
  /** How often the thresholds are evaluated, in ms, on an unref'd timer; `false`: only by `evaluate()`. Default 10 000. */
  evaluationIntervalMs?: number | false;
  /** Threshold overrides; `false` turns one off. */
  thresholds?: ThresholdsOptions;
}

/** The options with every default applied. */
export interface ResolvedOptions {
  labels: Required<LabelsOptions>;
  buckets: Required<BucketOptions>;
  defaultMetrics: boolean;
  defaultLabels: Record<string, string>;
  windowMs: number;
  windowBuckets: number;
  evaluationIntervalMs: number | false;
  thresholds: ThresholdDefinition[];
}

/** Applies the defaults and validates every option, throwing an error that names the bad one. */
export function resolveOptions(options: RelayMetricsOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new InvalidMetricsOptionError('options', 'must be an object');
  const windowMs = options.windowMs ?? 60_000;
  if (!Number.isInteger(windowMs) || windowMs < 1_000) {
    throw new InvalidMetricsOptionError('windowMs', 'must be an integer number of ms >= 1000');
  }
  const windowBuckets = options.windowBuckets ?? 12;
  if (!Number.isInteger(windowBuckets) || windowBuckets < 1 || windowBuckets > 3_600) {
    throw new InvalidMetricsOptionError('windowBuckets', 'must be an integer between 1 and 3600');
  }
  const evaluationIntervalMs = options.evaluationIntervalMs ?? 10_000;
  if (evaluationIntervalMs !== false && (!Number.isInteger(evaluationIntervalMs) || evaluationIntervalMs < 100)) {
    throw new InvalidMetricsOptionError('evaluationIntervalMs', 'must be an integer number of ms >= 100, or false');
  }
  const defaultMetrics = options.defaultMetrics ?? true;
  if (typeof defaultMetrics !== 'boolean') throw new InvalidMetricsOptionError('defaultMetrics', 'must be a boolean');
  const defaultLabels = options.defaultLabels ?? {};
  if (typeof defaultLabels !== 'object' || Object.values(defaultLabels).some((value) => typeof value !== 'string')) {
    throw new InvalidMetricsOptionError('defaultLabels', 'must be an object of string values');
  }
  return {
    labels: {
      account: { maxValues: 100, ...options.labels?.account },
      origin: { maxValues: 20, ...options.labels?.origin },
      proxy: { maxValues: 50, ...options.labels?.proxy },
      errorType: { maxValues: 50, ...options.labels?.errorType },
      client: { maxValues: 100, ...options.labels?.client },
    },
    buckets: {
      upstream: validBuckets('buckets.upstream', options.buckets?.upstream) ?? DEFAULT_BUCKETS.upstream,
      proxyTest: validBuckets('buckets.proxyTest', options.buckets?.proxyTest) ?? DEFAULT_BUCKETS.proxyTest,
    },
    defaultMetrics,
    defaultLabels,
    windowMs,
    windowBuckets,
    evaluationIntervalMs,
    thresholds: resolveThresholds(options.thresholds),
  };
}

function validBuckets(option: string, buckets: readonly number[] | undefined): readonly number[] | undefined {
  if (buckets === undefined) return undefined;
  const increasing = buckets.every(
    (bucket, index) =>
      Number.isFinite(bucket) && bucket > 0 && (index === 0 || bucket > (buckets[index - 1] as number)),
  );
  if (!Array.isArray(buckets) || buckets.length === 0 || !increasing) {
    throw new InvalidMetricsOptionError(option, 'must be a non-empty array of increasing positive numbers');
  }
  return buckets;
}
