import { describe, expect, it } from 'vitest';
import { QuotaInvalidArgumentError } from '../errors.js';
import { dayId, parseBudgetWindow, windowSpan } from './budget-window.js';

const at = (iso: string) => Date.parse(iso);

describe('windowSpan', () => {
  it.each([
    ['day', '2026-12-01T16:00:00Z', { kind: 'calendar', id: '20261201', endMs: at('2026-12-02T00:00:00Z') }],
    ['day', '2026-12-31T23:59:59.999Z', { kind: 'calendar', id: '20261231', endMs: at('2027-01-01T00:00:00Z') }],
    // 2026-12-06 is a Sunday: its week began on Monday 2026-11-30.
    ['week', '2026-12-06T12:00:00Z', { kind: 'calendar', id: 'w20261130', endMs: at('2026-12-07T00:00:00Z') }],
    ['week', '2026-12-07T00:00:00Z', { kind: 'calendar', id: 'w20261207', endMs: at('2026-12-14T00:00:00Z') }],
    ['month', '2026-02-15T00:00:00Z', { kind: 'calendar', id: 'm202602', endMs: at('2026-03-01T00:00:00Z') }],
    ['month', '2026-12-15T00:00:00Z', { kind: 'calendar', id: 'm202612', endMs: at('2027-01-01T00:00:00Z') }],
    ['total', '2026-12-15T00:00:00Z', { kind: 'calendar', id: 'total', endMs: Number.POSITIVE_INFINITY }],
    ['5h', '2026-12-15T00:00:00Z', { kind: 'rolling', id: '5h', lengthMs: 5 * 3_600_000, bucketMs: 300_000 }],
  ] as const)('%s at %s', (window, now, expected) => {
    expect(windowSpan(window, at(now))).toEqual(expected);
  });

  it.each(['hour', '0h', '5m', '', 5, null, '99999h'])('rejects the window %j naming the argument', (value) => {
    expect(() => parseBudgetWindow('budgets[0].window', value)).toThrow(QuotaInvalidArgumentError);
    expect(() => parseBudgetWindow('budgets[0].window', value)).toThrow(/budgets\[0\]\.window/);
  });

  it('names UTC days', () => {
    expect(dayId(at('2026-01-09T23:00:00Z'))).toBe('20260109');
  });
});
