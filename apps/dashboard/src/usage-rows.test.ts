import { describe, expect, it } from 'vitest';
import { totalCostUsd, usageByGroup, usageRowsOf, utcDay } from './usage-rows.js';

const noTokens = { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };

describe('usageRowsOf', () => {
  it.each([
    [
      'ledger counters at the top, cost in micro-dollars',
      { data: [{ keyId: 'alice', requests: 3, input: 10, output: 20, cacheRead: 1, costMicroUsd: 1500 }] },
      'key' as const,
      [{ group: 'alice', requests: 3, tokens: { ...noTokens, input: 10, output: 20, cacheRead: 1 }, costUsd: 0.0015 }],
    ],
    [
      'counters nested, cost in dollars, a bare array',
      [{ day: '2026-12-01', counters: { requests: 2, cacheWrite1h: 7 }, costUsd: 0.5 }],
      'day' as const,
      [{ group: '2026-12-01', requests: 2, tokens: { ...noTokens, cacheWrite1h: 7 }, costUsd: 0.5 }],
    ],
    [
      'tokens nested, cost among them; rows of another shape are skipped',
      { rows: [{ model: 'claude-x', requests: 1, tokens: { output: 4, costMicroUsd: 2 } }, 'junk', null] },
      'model' as const,
      [{ group: 'claude-x', requests: 1, tokens: { ...noTokens, output: 4 }, costUsd: 0.000002 }],
    ],
    ['not a usage answer', { error: 'x' }, 'key' as const, []],
  ])('%s', (_name, answer, groupBy, expected) => {
    expect(usageRowsOf(answer, groupBy)).toEqual(expected);
  });
});

describe('usageByGroup and totalCostUsd', () => {
  const rows = usageRowsOf(
    {
      data: [
        { keyId: 'alice', requests: 1, input: 5, costMicroUsd: 100 },
        { keyId: 'bob', requests: 2, costMicroUsd: 50 },
        { keyId: 'alice', requests: 3, input: 1, costMicroUsd: 200 },
      ],
    },
    'key',
  );

  it('adds up the rows of one group', () => {
    const alice = usageByGroup(rows).get('alice');
    expect(alice?.requests).toBe(4);
    expect(alice?.tokens.input).toBe(6);
    expect(alice?.costUsd).toBeCloseTo(0.0003, 12);
    expect(usageByGroup(rows).get('bob')?.requests).toBe(2);
  });

  it('totals the cost', () => {
    expect(totalCostUsd(rows)).toBeCloseTo(0.00035, 12);
  });
});

describe('utcDay', () => {
  it('is the UTC date', () => {
    expect(utcDay(Date.UTC(2026, 11, 1, 23, 59, 59))).toBe('2026-12-01');
  });
});
