import { describe, expect, it } from 'vitest';
import { sinceDate, type UsageCommand, usageParameters } from './usage-command.js';
import { formatUsageTable, usd } from './usage-table.js';

const now = Date.UTC(2026, 11, 10, 9);

const command = (fields: Partial<UsageCommand>): UsageCommand => ({
  configFile: undefined,
  url: undefined,
  adminToken: undefined,
  keyId: undefined,
  accountId: undefined,
  model: undefined,
  since: undefined,
  to: undefined,
  groupBy: undefined,
  json: false,
  ...fields,
});

describe('relay usage', () => {
  it.each([
    ['1d', '2026-12-10'],
    ['7d', '2026-12-04'],
    ['30d', '2026-11-11'],
    ['2026-01-31', '2026-01-31'],
  ])('--since %s starts on %s', (since, day) => {
    expect(sinceDate(since, now)).toBe(day);
  });

  it.each(['7', '0d', 'week', '2026-1-1'])('refuses --since %s', (since) => {
    expect(() => sinceDate(since, now)).toThrow(/--since must be/);
  });

  it('asks the admin API for what the flags say', () => {
    expect(
      usageParameters(
        command({ keyId: 'team-a', since: '7d', groupBy: 'model', accountId: 'acct', to: '2026-12-09' }),
        now,
      ).toString(),
    ).toBe('keyId=team-a&accountId=acct&from=2026-12-04&to=2026-12-09&groupBy=model');
    expect(usageParameters(command({}), now).toString()).toBe('');
  });

  it.each([
    [0, '0.000000'],
    [1, '0.000001'],
    [1_234_567, '1.234567'],
    [20_000_000, '20.000000'],
  ])('writes %i µ$ as $%s', (micro, text) => {
    expect(usd(micro)).toBe(text);
  });

  it('prints a table: the group columns, every count, the exact cost, and the total', () => {
    const row = {
      requests: 2,
      incomplete: 1,
      tokens: { input: 10, output: 20, cacheRead: 30, cacheWrite5m: 40, cacheWrite1h: 50 },
      costMicroUsd: 1_500_001,
      costUsd: 1.500001,
    };
    const table = formatUsageTable({
      from: '2026-12-04',
      to: '2026-12-10',
      groupBy: ['model'],
      rows: [{ model: 'claude-opus-4-6', ...row }],
      total: row,
    });
    expect(table.split('\n')).toEqual([
      'usage 2026-12-04 to 2026-12-10 (UTC), by model',
      'model            requests  incomplete  input  output  cache read  cache write 5m  cache write 1h  cost (USD)',
      'claude-opus-4-6         2           1     10      20          30              40              50    1.500001',
      'total                   2           1     10      20          30              40              50    1.500001',
    ]);
  });
});
