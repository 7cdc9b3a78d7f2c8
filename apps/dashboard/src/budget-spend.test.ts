import { describe, expect, it } from 'vitest';
import { calendarSpan, firstLedgerDay, ledgerSpendMicroUsd } from './budget-spend.js';
import type { UsageRow } from './usage-rows.js';

// Thursday, 3 December 2026, 15:00 UTC.
const now = Date.UTC(2026, 11, 3, 15);
const noTokens = { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };
const row = (keyId: string, day: string, costMicroUsd: number): UsageRow => ({
  keyId,
  day,
  requests: 1,
  tokens: noTokens,
  costMicroUsd,
});

describe('calendarSpan', () => {
  it.each([
    ['day', { firstDay: '2026-12-03', endsAt: Date.UTC(2026, 11, 4) }],
    ['week', { firstDay: '2026-11-30', endsAt: Date.UTC(2026, 11, 7) }],
    ['month', { firstDay: '2026-12-01', endsAt: Date.UTC(2027, 0, 1) }],
    ['total', undefined],
    ['5h', undefined],
  ])('%s', (window, expected) => {
    expect(calendarSpan(window, now)).toEqual(expected);
  });

  it('a Sunday belongs to the week that began on Monday', () => {
    expect(calendarSpan('week', Date.UTC(2026, 11, 6, 23))?.firstDay).toBe('2026-11-30');
  });
});

describe('ledgerSpendMicroUsd', () => {
  const rows = [
    row('alice', '2026-11-29', 1000),
    row('alice', '2026-11-30', 200),
    row('alice', '2026-12-03', 30),
    row('bob', '2026-12-03', 4),
  ];
  it.each([
    ['day', 30],
    ['week', 230],
    ['month', 30],
    ['total', undefined],
    ['5h', undefined],
  ])('alice, %s', (window, expected) => {
    expect(ledgerSpendMicroUsd(rows, 'alice', window, now)).toBe(expected);
  });
});

describe('firstLedgerDay', () => {
  it.each([
    [[], '2026-12-03'],
    [['day', 'total', '5h'], '2026-12-03'],
    [['day', 'week'], '2026-11-30'],
    [['month', 'week'], '2026-11-30'],
  ])('%j', (windows, expected) => {
    expect(firstLedgerDay(windows, now)).toBe(expected);
  });
});
