import { type UsageCounters, zeroCounters } from '../backends/quota-backend.js';
import type { SuiteContext } from './suite-api.js';

const counters = (overrides: Partial<UsageCounters>): UsageCounters => ({ ...zeroCounters(), ...overrides });

/** The ledger: rows by key × account × model × day, exactly once per batch mark, exact across racing instances. */
export function ledgerSuite({ test, backend, peer, name }: SuiteContext): void {
  const { describe, it, expect } = test;
  describe('ledger', () => {
    it('adds deltas to rows per key × account × model × day and reads them back by key and days', async () => {
      const quota = await backend();
      const key = name('key');
      const other = name('other');
      await quota.applyUsage(
        [
          {
            keyId: key,
            accountId: 'acct-a',
            model: 'claude-sonnet-4-5',
            day: '20261201',
            counters: counters({ requests: 1, input: 10, costMicroUsd: 30 }),
          },
          {
            keyId: key,
            accountId: 'acct-b',
            model: 'claude-sonnet-4-5',
            day: '20261201',
            counters: counters({ requests: 2, output: 5 }),
          },
          {
            keyId: key,
            accountId: 'acct-a',
            model: 'claude-haiku-4-5',
            day: '20261202',
            counters: counters({ requests: 1, cacheWrite1h: 7, incomplete: 1 }),
          },
          {
            keyId: other,
            accountId: 'acct-a',
            model: 'claude-sonnet-4-5',
            day: '20261201',
            counters: counters({ requests: 9 }),
          },
        ],
        { writer: 'w1', sequence: 1 },
      );
      await quota.applyUsage(
        [
          {
            keyId: key,
            accountId: 'acct-a',
            model: 'claude-sonnet-4-5',
            day: '20261201',
            counters: counters({ requests: 1, input: 5, cacheRead: 3, cacheWrite5m: 2, costMicroUsd: 12 }),
          },
        ],
        { writer: 'w1', sequence: 2 },
      );
      const rows = await quota.readUsage({ keyIds: [key], fromDay: '20261201', toDay: '20261202' });
      const sorted = rows.sort((left, right) =>
        `${left.day}${left.accountId}`.localeCompare(`${right.day}${right.accountId}`),
      );
      expect(sorted).toEqual([
        {
          keyId: key,
          accountId: 'acct-a',
          model: 'claude-sonnet-4-5',
          day: '20261201',
          counters: counters({ requests: 2, input: 15, cacheRead: 3, cacheWrite5m: 2, costMicroUsd: 42 }),
        },
        {
          keyId: key,
          accountId: 'acct-b',
          model: 'claude-sonnet-4-5',
          day: '20261201',
          counters: counters({ requests: 2, output: 5 }),
        },
        {
          keyId: key,
          accountId: 'acct-a',
          model: 'claude-haiku-4-5',
          day: '20261202',
          counters: counters({ requests: 1, cacheWrite1h: 7, incomplete: 1 }),
        },
      ]);
      expect(await quota.readUsage({ keyIds: [key], fromDay: '20261202', toDay: '20261230' })).toHaveLength(1);
    });

    it('applies a batch replayed with the same mark once, and every later or other writer batch', async () => {
      const quota = await backend();
      const key = name('replay');
      const delta = {
        keyId: key,
        accountId: 'acct',
        model: 'claude-opus-4-6',
        day: '20261201',
        counters: counters({ requests: 1, costMicroUsd: 100 }),
      };
      await quota.applyUsage([delta], { writer: 'w1', sequence: 1 });
      await quota.applyUsage([delta], { writer: 'w1', sequence: 1 });
      await quota.applyUsage([delta], { writer: 'w1', sequence: 2 });
      await quota.applyUsage([delta], { writer: 'w2', sequence: 1 });
      const [row] = await quota.readUsage({ keyIds: [key], fromDay: '20261201', toDay: '20261201' });
      expect(row?.counters).toEqual(counters({ requests: 3, costMicroUsd: 300 }));
    });

    it('adds up exactly across instances writing at once', async () => {
      const first = await backend();
      const second = await peer(first);
      const key = name('race');
      const writes = Array.from({ length: 40 }, (_, index) =>
        (index % 2 === 0 ? first : second).applyUsage(
          [
            {
              keyId: key,
              accountId: 'acct',
              model: 'claude-sonnet-4-5',
              day: '20261201',
              counters: counters({ requests: 1, input: index, costMicroUsd: 7 }),
            },
          ],
          { writer: index % 2 === 0 ? 'first' : 'second', sequence: Math.floor(index / 2) + 1 },
        ),
      );
      await Promise.all(writes);
      const [row] = await first.readUsage({ keyIds: [key], fromDay: '20261201', toDay: '20261201' });
      expect(row?.counters).toEqual(counters({ requests: 40, input: (39 * 40) / 2, costMicroUsd: 280 }));
    });
  });
}
