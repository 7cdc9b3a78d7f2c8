import { describe, expect, it } from 'vitest';
import { totalCostUsd, usageBy, usageRowsOf, utcDay } from './usage-rows.js';

const noTokens = { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };
const row = (values: Record<string, unknown>) => ({
  requests: 0,
  incomplete: 0,
  tokens: noTokens,
  costMicroUsd: 0,
  costUsd: 0,
  ...values,
});

describe('usageRowsOf', () => {
  it.each([
    [
      "the relay's rows: group values, counts, exact cost in micro-dollars",
      {
        from: '2026-12-01',
        to: '2026-12-01',
        groupBy: ['key', 'day'],
        rows: [
          row({
            keyId: 'alice',
            day: '2026-12-01',
            requests: 3,
            tokens: { ...noTokens, input: 10, output: 20, cacheRead: 1 },
            costMicroUsd: 1500,
            costUsd: 0.0015,
          }),
        ],
        total: row({}),
      },
      [
        {
          keyId: 'alice',
          day: '2026-12-01',
          requests: 3,
          tokens: { ...noTokens, input: 10, output: 20, cacheRead: 1 },
          costMicroUsd: 1500,
        },
      ],
    ],
    [
      'cost in dollars only; rows of another shape count as nothing',
      { rows: [{ model: 'claude-x', requests: 1, tokens: { output: 4 }, costUsd: 0.25 }, 'junk', null] },
      [{ model: 'claude-x', requests: 1, tokens: { ...noTokens, output: 4 }, costMicroUsd: 250_000 }],
    ],
    ['not a usage answer', { error: 'x' }, []],
    ['a bare list is not the answer', [row({ keyId: 'a' })], []],
  ])('%s', (_name, answer, expected) => {
    expect(usageRowsOf(answer)).toEqual(expected);
  });
});

describe('usageBy and totalCostUsd', () => {
  const rows = usageRowsOf({
    rows: [
      row({ keyId: 'alice', day: '2026-12-01', requests: 1, tokens: { ...noTokens, input: 5 }, costMicroUsd: 100 }),
      row({ keyId: 'bob', day: '2026-12-01', requests: 2, costMicroUsd: 50 }),
      row({ keyId: 'alice', day: '2026-12-02', requests: 3, tokens: { ...noTokens, input: 1 }, costMicroUsd: 200 }),
    ],
  });

  it('adds up the rows of each key', () => {
    const alice = usageBy(rows, 'keyId').get('alice');
    expect(alice).toEqual({ keyId: 'alice', requests: 4, tokens: { ...noTokens, input: 6 }, costMicroUsd: 300 });
    expect(usageBy(rows, 'keyId').get('bob')?.requests).toBe(2);
    expect([...usageBy(rows, 'day').keys()]).toEqual(['2026-12-01', '2026-12-02']);
  });

  it('totals the cost', () => {
    expect(totalCostUsd(rows)).toBe(0.00035);
  });
});

describe('utcDay', () => {
  it('is the UTC date', () => {
    expect(utcDay(Date.UTC(2026, 11, 1, 23, 59, 59))).toBe('2026-12-01');
  });
});
