import { bucketsBetween, histogramQuantile } from './histogram-quantile.js';
import type { HistogramBucket } from './prometheus-text.js';
import type { AccountStats } from './relay-stats.js';

/** The counters of one poll: upstream attempts and failures (summed over accounts), tokens, TTFB, cost today. */
export interface CounterSample {
  /** ms since the epoch, when the answer arrived. */
  readonly at: number;
  readonly requests: number;
  readonly failures: number;
  /** undefined when the relay's /metrics could not be read. */
  readonly tokens: number | undefined;
  /** The cumulative time-to-first-byte histogram (every account); undefined without /metrics. */
  readonly timeToFirstByte?: readonly HistogramBucket[] | undefined;
  /** Today's cost (UTC day) from the usage ledger; undefined when the relay has none. */
  readonly costTodayUsd?: number | undefined;
}

/** The figures of one poll; null where they cannot be told (no requests, a restart, nothing reported). */
export interface TrafficPoint {
  readonly at: number;
  readonly requestsPerSecond: number | null;
  /** failures / requests in the interval, 0..1. */
  readonly errorRate: number | null;
  readonly tokensPerSecond: number | null;
  /** Time to first byte over the last minute, seconds, estimated from the histogram's buckets. */
  readonly timeToFirstByteP50: number | null;
  readonly timeToFirstByteP99: number | null;
  readonly costTodayUsd: number | null;
}

/** How much history the charts keep. */
export const historyMs = 15 * 60 * 1000;

/** The span the time-to-first-byte percentiles are taken over. */
export const latencyWindowMs = 60 * 1000;

/** The counters of a stats answer. */
export function countersOf(
  accounts: readonly AccountStats[],
  tokens: number | undefined,
  at: number,
  extra: Pick<CounterSample, 'timeToFirstByte' | 'costTodayUsd'> = {},
): CounterSample {
  let requests = 0;
  let failures = 0;
  for (const account of accounts) {
    requests += account.requests;
    failures += account.failures;
  }
  return { at, requests, failures, tokens, ...extra };
}

/**
 * The rates from `previous` to `current`, and the time-to-first-byte percentiles from `windowStart` (the sample a
 * minute back, or the oldest there is) to `current`. A counter that went down means the relay restarted: no rate.
 */
export function trafficPoint(
  previous: CounterSample,
  current: CounterSample,
  windowStart: CounterSample = previous,
): TrafficPoint {
  const seconds = (current.at - previous.at) / 1000;
  const requests = current.requests - previous.requests;
  const failures = current.failures - previous.failures;
  const restarted = requests < 0 || failures < 0;
  const tokens =
    current.tokens !== undefined && previous.tokens !== undefined ? current.tokens - previous.tokens : undefined;
  const latency =
    windowStart.timeToFirstByte && current.timeToFirstByte
      ? bucketsBetween(windowStart.timeToFirstByte, current.timeToFirstByte)
      : undefined;
  return {
    at: current.at,
    requestsPerSecond: restarted || seconds <= 0 ? null : requests / seconds,
    errorRate: restarted || requests === 0 ? null : failures / requests,
    tokensPerSecond: tokens === undefined || tokens < 0 || seconds <= 0 ? null : tokens / seconds,
    timeToFirstByteP50: histogramQuantile(0.5, latency),
    timeToFirstByteP99: histogramQuantile(0.99, latency),
    costTodayUsd: current.costTodayUsd ?? null,
  };
}

/** The newest sample at least `latencyWindowMs` older than `at`, else the oldest one. */
export function windowStartOf(samples: readonly CounterSample[], at: number): CounterSample | undefined {
  let start = samples[0];
  for (const sample of samples) {
    if (sample.at > at - latencyWindowMs) break;
    start = sample;
  }
  return start;
}

/** `samples` with `sample` appended and those no longer needed as a window start dropped. */
export function appendSample(samples: readonly CounterSample[], sample: CounterSample): CounterSample[] {
  const start = windowStartOf(samples, sample.at);
  const kept = samples.filter((existing) => start !== undefined && existing.at >= start.at && existing.at < sample.at);
  kept.push(sample);
  return kept;
}

/** `points` with `point` appended and everything older than the history window dropped. */
export function appendPoint(points: readonly TrafficPoint[], point: TrafficPoint): TrafficPoint[] {
  const oldest = point.at - historyMs;
  const kept = points.filter((existing) => existing.at >= oldest && existing.at < point.at);
  kept.push(point);
  return kept;
}
