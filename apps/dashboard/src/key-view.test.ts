import { describe, expect, it } from 'vitest';
import { epochMs, type KeyStats, keysOf, limitBars } from './key-view.js';

const now = Date.UTC(2026, 11, 1, 12);

const noTokens = { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };

describe('limitBars', () => {
  it.each<[string, KeyStats, ReturnType<typeof limitBars>]>([
    ['no limits', { id: 'a' }, []],
    [
      "rates and concurrency with the limiter's use",
      {
        id: 'a',
        limits: { requestsPerMinute: 60, tokensPerMinute: 200_000, concurrency: 4 },
        usage: [
          { limit: 'requests-per-minute', max: 60, used: 12 },
          { limit: 'tokens-per-minute', max: 200_000, used: 1500 },
          { limit: 'concurrency', max: 4, used: 1 },
        ],
      },
      [
        {
          id: 'requestsPerMinute',
          label: 'Requests/min',
          limit: 60,
          used: 12,
          detail: 'up to 12 of 60',
          resetsAt: undefined,
        },
        {
          id: 'tokensPerMinute',
          label: 'Tokens/min',
          limit: 200_000,
          used: 1500,
          detail: 'up to 1,500 of 200,000',
          resetsAt: undefined,
        },
        { id: 'concurrency', label: 'In flight', limit: 4, used: 1, detail: 'up to 1 of 4', resetsAt: undefined },
      ],
    ],
    [
      'a limit whose use the relay did not report',
      { id: 'a', limits: { requestsPerMinute: 60 } },
      [
        {
          id: 'requestsPerMinute',
          label: 'Requests/min',
          limit: 60,
          used: undefined,
          detail: 'limit 60, use not reported',
          resetsAt: undefined,
        },
      ],
    ],
    [
      "budgets without ledger rows: the limiter's use, matched by window and amount",
      {
        id: 'a',
        limits: {
          budgets: [
            { usd: 20, window: 'day' },
            { usd: 5, window: '5h' },
            { usd: 100, window: 'total' },
          ],
        },
        usage: [
          { limit: 'budget', window: '5h', max: 5, used: 1.25 },
          { limit: 'budget', window: 'day', max: 20, used: 0.5 },
        ],
      },
      [
        {
          id: 'budget-0',
          label: 'Budget today (UTC)',
          limit: 20,
          used: 0.5,
          detail: 'up to $0.50 of $20.00',
          resetsAt: Date.UTC(2026, 11, 2),
        },
        {
          id: 'budget-1',
          label: 'Budget per 5h',
          limit: 5,
          used: 1.25,
          detail: 'up to $1.25 of $5.00',
          resetsAt: undefined,
        },
        {
          id: 'budget-2',
          label: 'Budget in total',
          limit: 100,
          used: undefined,
          detail: 'limit $100.00, use not reported',
          resetsAt: undefined,
        },
      ],
    ],
  ])('%s', (_name, key, expected) => {
    expect(limitBars(key, undefined, now)).toEqual(expected);
  });

  it("shows a calendar budget's exact spend from the ledger, a rolling one's from the limiter", () => {
    const rows = [
      { keyId: 'a', day: '2026-12-01', requests: 2, tokens: noTokens, costMicroUsd: 12_345 },
      { keyId: 'a', day: '2026-11-30', requests: 1, tokens: noTokens, costMicroUsd: 1_000_000 },
      { keyId: 'b', day: '2026-12-01', requests: 1, tokens: noTokens, costMicroUsd: 7 },
    ];
    const key: KeyStats = {
      id: 'a',
      limits: {
        budgets: [
          { usd: 5, window: 'day' },
          { usd: 50, window: 'month' },
          { usd: 2, window: '5h' },
        ],
      },
      usage: [
        { limit: 'budget', window: 'day', max: 5, used: 0.5 },
        { limit: 'budget', window: 'month', max: 50, used: 5 },
        { limit: 'budget', window: '5h', max: 2, used: 0.2 },
      ],
    };
    expect(limitBars(key, rows, now).map((bar) => [bar.used, bar.detail])).toEqual([
      [0.012345, '$0.0123 of $5.00'],
      [0.012345, '$0.0123 of $50.00'],
      [0.2, 'up to $0.20 of $2.00'],
    ]);
  });
});

describe('keysOf and epochMs', () => {
  it('reads a list answer, leaving out entries without an id', () => {
    expect(keysOf({ data: [{ id: 'a' }, { name: 'b' }, null] })).toEqual([{ id: 'a' }]);
    expect(keysOf([{ id: 'c' }])).toEqual([{ id: 'c' }]);
    expect(keysOf({ error: {} })).toEqual([]);
  });

  it.each([
    [1000, 1000],
    ['1970-01-01T00:00:01.000Z', 1000],
    ['soon', undefined],
    [null, undefined],
  ])('%s is %s', (value, expected) => {
    expect(epochMs(value)).toBe(expected);
  });
});
