import type { UsageRow } from '@relay/quota';
import { describe, expect, it } from 'vitest';
import type { UsageQuery } from './usage-query.js';
import { usageReport } from './usage-report.js';

const row = (
  keyId: string,
  accountId: string,
  model: string,
  day: string,
  requests: number,
  cost: number,
): UsageRow => ({
  keyId,
  accountId,
  model,
  day,
  counters: {
    requests,
    incomplete: requests > 1 ? 1 : 0,
    input: requests * 10,
    output: requests * 2,
    cacheRead: requests * 100,
    cacheWrite5m: requests,
    cacheWrite1h: requests * 3,
    costMicroUsd: cost,
  },
});

const rows = [
  row('a', 'acct-1', 'claude-opus-4-6', '20261201', 1, 1_500_000),
  row('a', 'acct-2', 'claude-opus-4-6', '20261202', 2, 20),
  row('b', 'acct-1', 'claude-haiku-4-5', '20261202', 3, 7),
  row('b', 'acct-1', 'claude-haiku-4-5', '20261130', 5, 999),
];

const query = (fields: Partial<UsageQuery>): UsageQuery => ({
  keyId: undefined,
  accountId: undefined,
  model: undefined,
  fromDay: '20261201',
  toDay: '20261210',
  groupBy: ['day'],
  ...fields,
});

describe('usageReport', () => {
  it('sums the rows of each group, sorted, with every token kind and the cost in micro-dollars and dollars', () => {
    const report = usageReport(rows, query({ groupBy: ['day'] }));
    expect(report).toMatchObject({ from: '2026-12-01', to: '2026-12-10', groupBy: ['day'] });
    expect(report.rows).toEqual([
      {
        day: '2026-12-01',
        requests: 1,
        incomplete: 0,
        tokens: { input: 10, output: 2, cacheRead: 100, cacheWrite5m: 1, cacheWrite1h: 3 },
        costMicroUsd: 1_500_000,
        costUsd: 1.5,
      },
      {
        day: '2026-12-02',
        requests: 5,
        incomplete: 2,
        tokens: { input: 50, output: 10, cacheRead: 500, cacheWrite5m: 5, cacheWrite1h: 15 },
        costMicroUsd: 27,
        costUsd: 0.000027,
      },
    ]);
    expect(report.total).toMatchObject({ requests: 6, costMicroUsd: 1_500_027 });
  });

  it.each([
    [
      { groupBy: ['key'] },
      [
        { keyId: 'a', requests: 3 },
        { keyId: 'b', requests: 3 },
      ],
    ],
    [
      { groupBy: ['account'] },
      [
        { accountId: 'acct-1', requests: 4 },
        { accountId: 'acct-2', requests: 2 },
      ],
    ],
    [{ groupBy: ['model'], keyId: 'a' }, [{ model: 'claude-opus-4-6', requests: 3 }]],
    [{ groupBy: ['key', 'model'], accountId: 'acct-1' }, [{ keyId: 'a', model: 'claude-opus-4-6' }, { keyId: 'b' }]],
    [{ groupBy: ['model'], model: 'claude-haiku-4-5', fromDay: '20261101' }, [{ requests: 8, costMicroUsd: 1006 }]],
    [{ groupBy: ['day'], fromDay: '20261203' }, []],
  ] as const)('%j', (fields, expected) => {
    const report = usageReport(rows, query(fields as Partial<UsageQuery>));
    expect(report.rows).toHaveLength(expected.length);
    expect(report.rows).toMatchObject(expected as unknown as object[]);
  });
});
