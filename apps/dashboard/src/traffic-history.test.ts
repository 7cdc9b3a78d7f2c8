import { describe, expect, it } from 'vitest';
import type { HistogramBucket } from './prometheus-text.js';
import {
  appendPoint,
  appendSample,
  type CounterSample,
  countersOf,
  historyMs,
  type TrafficPoint,
  trafficPoint,
  windowStartOf,
} from './traffic-history.js';

const infinity = Number.POSITIVE_INFINITY;
const sample = (at: number, requests: number, failures: number, tokens?: number): CounterSample => ({
  at,
  requests,
  failures,
  tokens,
});
const latency = (belowQuarter: number, belowHalf: number, total: number): HistogramBucket[] => [
  { le: 0.25, count: belowQuarter },
  { le: 0.5, count: belowHalf },
  { le: infinity, count: total },
];
const rounded = (value: number | null) => (value === null ? null : Math.round(value * 1e9) / 1e9);
const noLatency = { timeToFirstByteP50: null, timeToFirstByteP99: null, costTodayUsd: null };

describe('trafficPoint', () => {
  it.each([
    [
      'steady traffic',
      sample(0, 10, 1, 100),
      sample(2000, 30, 6, 500),
      { requestsPerSecond: 10, errorRate: 0.25, tokensPerSecond: 200, ...noLatency },
    ],
    [
      'no requests: no error rate',
      sample(0, 10, 1, 100),
      sample(2000, 10, 1, 100),
      { requestsPerSecond: 0, errorRate: null, tokensPerSecond: 0, ...noLatency },
    ],
    [
      'a restart (counters went down)',
      sample(0, 10, 1, 100),
      sample(2000, 2, 0, 5),
      { requestsPerSecond: null, errorRate: null, tokensPerSecond: null, ...noLatency },
    ],
    [
      'no token count',
      sample(0, 0, 0),
      sample(1000, 4, 0, 50),
      { requestsPerSecond: 4, errorRate: 0, tokensPerSecond: null, ...noLatency },
    ],
    [
      'the same instant',
      sample(5, 0, 0, 0),
      sample(5, 1, 0, 1),
      { requestsPerSecond: null, errorRate: 0, tokensPerSecond: null, ...noLatency },
    ],
    [
      "cost today is the latest poll's",
      sample(0, 0, 0),
      { ...sample(1000, 0, 0), costTodayUsd: 0.25 },
      { requestsPerSecond: 0, errorRate: null, tokensPerSecond: null, ...noLatency, costTodayUsd: 0.25 },
    ],
  ])('%s', (_name, previous, current, expected) => {
    expect(trafficPoint(previous, current)).toEqual({ at: current.at, ...expected });
  });

  it.each([
    [
      'percentiles of the observations since the window start only',
      latency(100, 100, 100),
      latency(100, 102, 102),
      { timeToFirstByteP50: 0.375, timeToFirstByteP99: 0.25 + 0.25 * 0.99 },
    ],
    ['no observation in the window', latency(1, 1, 1), latency(1, 1, 1), noLatency],
    ['no /metrics at the window start', undefined, latency(1, 1, 1), noLatency],
    [
      'the first observations ever (an empty histogram at the window start)',
      [],
      latency(0, 2, 2),
      { timeToFirstByteP50: 0.375, timeToFirstByteP99: 0.25 + 0.25 * 0.99 },
    ],
    ['a restart', latency(5, 5, 5), latency(1, 1, 1), noLatency],
  ])('%s', (_name, startLatency, currentLatency, expected) => {
    const start = { ...sample(0, 0, 0), timeToFirstByte: startLatency };
    const previous = sample(58_000, 0, 0);
    const current = { ...sample(60_000, 0, 0), timeToFirstByte: currentLatency };
    const point = trafficPoint(previous, current, start);
    expect(rounded(point.timeToFirstByteP50)).toBe(rounded(expected.timeToFirstByteP50));
    expect(rounded(point.timeToFirstByteP99)).toBe(rounded(expected.timeToFirstByteP99));
  });
});

describe('windowStartOf and appendSample', () => {
  const samples = [0, 2000, 58_000, 60_000, 62_000].map((at) => sample(at, 0, 0));
  it.each([
    [62_000, 2000],
    [60_000, 0],
    [30_000, 0],
    [200_000, 62_000],
  ])('at %d the window starts at %d', (at, expected) => {
    expect(windowStartOf(samples, at)?.at).toBe(expected);
  });

  it('keeps the samples from the window start on', () => {
    const kept = appendSample(samples, sample(64_000, 0, 0));
    expect(kept.map((entry) => entry.at)).toEqual([2000, 58_000, 60_000, 62_000, 64_000]);
    expect(appendSample([], sample(1, 0, 0)).map((entry) => entry.at)).toEqual([1]);
  });
});

describe('countersOf', () => {
  it('adds up the accounts', () => {
    const account = {
      priority: 0,
      auth: 'api-key' as const,
      inFlight: 0,
      maxConcurrency: 1,
      coolingDownForMs: 0,
      disabled: false as const,
    };
    expect(
      countersOf(
        [
          { ...account, id: 'a', requests: 3, failures: 1 },
          { ...account, id: 'b', requests: 4, failures: 0 },
        ],
        9,
        42,
        { costTodayUsd: 1.5 },
      ),
    ).toEqual({ at: 42, requests: 7, failures: 1, tokens: 9, costTodayUsd: 1.5 });
  });
});

describe('appendPoint', () => {
  it('keeps 15 minutes and drops older points', () => {
    const point = (at: number): TrafficPoint => ({
      at,
      requestsPerSecond: 1,
      errorRate: 0,
      tokensPerSecond: 0,
      ...noLatency,
    });
    const kept = appendPoint([point(0), point(1000), point(historyMs)], point(historyMs + 1000));
    expect(kept.map((entry) => entry.at)).toEqual([1000, historyMs, historyMs + 1000]);
  });
});
