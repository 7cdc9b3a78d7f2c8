import { describe, expect, it } from 'vitest';
import type { UsageWindowsStats } from './relay-stats.js';
import { windowBars } from './window-bars.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('windowBars', () => {
  it.each<[string, UsageWindowsStats | undefined, ReturnType<typeof windowBars>]>([
    ['no windows reported', undefined, []],
    [
      'a standard limit: used of the limit, reset countdown',
      { observedAt: now - 1000, standard: { requests: { limit: 4000, remaining: 3988, resetAt: now + 42_000 } } },
      [
        {
          id: 'requests',
          label: 'Requests/min',
          used: 12 / 4000,
          detail: '12 of 4,000 used',
          resetsInMs: 42_000,
          state: 'ok',
        },
      ],
    ],
    [
      'a standard limit used up',
      { observedAt: now - 1000, standard: { tokens: { limit: 10, remaining: 0, resetAt: now + 1000 } } },
      [
        {
          id: 'tokens',
          label: 'Tokens/min',
          used: 1,
          detail: '10 of 10 used',
          resetsInMs: 1000,
          state: 'exhausted',
        },
      ],
    ],
    [
      'a window whose reset passed says nothing',
      { observedAt: now - 90_000, standard: { requests: { limit: 10, remaining: 0, resetAt: now - 1 } } },
      [],
    ],
    [
      'no reset: believed for a minute after it was reported',
      {
        observedAt: now - 30_000,
        standard: { requests: { limit: 10, remaining: 5 }, tokens: { limit: 10, remaining: 5 } },
      },
      [
        {
          id: 'requests',
          label: 'Requests/min',
          used: 0.5,
          detail: '5 of 10 used',
          resetsInMs: undefined,
          state: 'ok',
        },
        { id: 'tokens', label: 'Tokens/min', used: 0.5, detail: '5 of 10 used', resetsInMs: undefined, state: 'ok' },
      ],
    ],
    [
      'subscription windows first, with their warnings and rejections',
      {
        observedAt: now - 1000,
        standard: { requests: { limit: 10, remaining: 9, resetAt: now + 5000 } },
        unified: {
          fiveHour: { utilization: 0.97, resetAt: now + 3_600_000, status: 'allowed_warning' },
          sevenDay: { status: 'rejected', resetAt: now + 86_400_000 },
        },
      },
      [
        {
          id: 'five_hour',
          label: '5-hour window',
          used: 0.97,
          detail: '97 % used',
          resetsInMs: 3_600_000,
          state: 'warning',
        },
        {
          id: 'seven_day',
          label: '7-day window',
          used: 1,
          detail: 'use not reported',
          resetsInMs: 86_400_000,
          state: 'exhausted',
        },
        { id: 'requests', label: 'Requests/min', used: 0.1, detail: '1 of 10 used', resetsInMs: 5000, state: 'ok' },
      ],
    ],
  ])('%s', (_name, windows, expected) => {
    expect(windowBars(windows, now)).toEqual(expected);
  });
});
