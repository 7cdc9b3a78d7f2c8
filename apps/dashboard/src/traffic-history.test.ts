import { describe, expect, it } from 'vitest';
import { appendPoint, type CounterSample, countersOf, historyMs, trafficPoint } from './traffic-history.js';

const sample = (at: number, requests: number, failures: number, tokens?: number): CounterSample => ({
  at,
  requests,
  failures,
  tokens,
});

describe('trafficPoint', () => {
  it.each([
    [
      'steady traffic',
      sample(0, 10, 1, 100),
      sample(2000, 30, 6, 500),
      { requestsPerSecond: 10, errorRate: 0.25, tokensPerSecond: 200 },
    ],
    [
      'no requests: no error rate',
      sample(0, 10, 1, 100),
      sample(2000, 10, 1, 100),
      { requestsPerSecond: 0, errorRate: null, tokensPerSecond: 0 },
    ],
    [
      'a restart (counters went down)',
      sample(0, 10, 1, 100),
      sample(2000, 2, 0, 5),
      { requestsPerSecond: null, errorRate: null, tokensPerSecond: null },
    ],
    [
      'no token count',
      sample(0, 0, 0),
      sample(1000, 4, 0, 50),
      { requestsPerSecond: 4, errorRate: 0, tokensPerSecond: null },
    ],
    [
      'the same instant',
      sample(5, 0, 0, 0),
      sample(5, 1, 0, 1),
      { requestsPerSecond: null, errorRate: 0, tokensPerSecond: null },
    ],
  ])('%s', (_name, previous, current, expected) => {
    expect(trafficPoint(previous, current)).toEqual({ at: current.at, ...expected });
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
      ),
    ).toEqual({ at: 42, requests: 7, failures: 1, tokens: 9 });
  });
});

describe('appendPoint', () => {
  it('keeps 15 minutes and drops older points', () => {
    const point = (at: number) => ({ at, requestsPerSecond: 1, errorRate: 0, tokensPerSecond: 0 });
    const kept = appendPoint([point(0), point(1000), point(historyMs)], point(historyMs + 1000));
    expect(kept.map((entry) => entry.at)).toEqual([1000, historyMs, historyMs + 1000]);
  });
});
