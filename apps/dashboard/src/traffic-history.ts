import type { AccountStats } from './relay-stats.js';

/** The counters of one poll: upstream attempts and failures (summed over accounts), tokens. */
export interface CounterSample {
  /** ms since the epoch, when the answer arrived. */
  readonly at: number;
  readonly requests: number;
  readonly failures: number;
  /** undefined when the relay's /metrics could not be read. */
  readonly tokens: number | undefined;
}

/** The rates between two polls; null where they cannot be told (no requests, a restart, no token count). */
export interface TrafficPoint {
  readonly at: number;
  readonly requestsPerSecond: number | null;
  /** failures / requests in the interval, 0..1. */
  readonly errorRate: number | null;
  readonly tokensPerSecond: number | null;
}

/** How much history the charts keep. */
export const historyMs = 15 * 60 * 1000;

/** The counters of a stats answer. */
export function countersOf(accounts: readonly AccountStats[], tokens: number | undefined, at: number): CounterSample {
  let requests = 0;
  let failures = 0;
  for (const account of accounts) {
    requests += account.requests;
    failures += account.failures;
  }
  return { at, requests, failures, tokens };
}

/** The rates from `previous` to `current`. A counter that went down means the relay restarted: no rate then. */
export function trafficPoint(previous: CounterSample, current: CounterSample): TrafficPoint {
  const seconds = (current.at - previous.at) / 1000;
  const requests = current.requests - previous.requests;
  const failures = current.failures - previous.failures;
  const restarted = requests < 0 || failures < 0;
  const tokens =
    current.tokens !== undefined && previous.tokens !== undefined ? current.tokens - previous.tokens : undefined;
  return {
    at: current.at,
    requestsPerSecond: restarted || seconds <= 0 ? null : requests / seconds,
    errorRate: restarted || requests === 0 ? null : failures / requests,
    tokensPerSecond: tokens === undefined || tokens < 0 || seconds <= 0 ? null : tokens / seconds,
  };
}

/** `points` with `point` appended and everything older than the history window dropped. */
export function appendPoint(points: readonly TrafficPoint[], point: TrafficPoint): TrafficPoint[] {
  const oldest = point.at - historyMs;
  const kept = points.filter((existing) => existing.at >= oldest && existing.at < point.at);
  kept.push(point);
  return kept;
}
