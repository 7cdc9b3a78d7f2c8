import { describe, expect, it } from 'vitest';
import { returnGcra, takeGcra, usedGcra } from './gcra.js';

const perMinute = (limit: number) => ({ limit, periodMs: 60_000 });

describe('takeGcra', () => {
  it.each([
    // [stored tat, limit per minute, want, now, granted, retryAfterMs, new tat]
    [undefined, 5, 1, 0, 1, 0, 12_000],
    [undefined, 5, 8, 0, 5, 12_000, 60_000],
    [60_000, 5, 1, 0, 0, 12_000, 60_000],
    // One interval later one unit is back.
    [60_000, 5, 2, 12_000, 1, 12_000, 72_000],
    // Long idle: the burst is capped at the limit.
    [1000, 5, 10, 1_000_000, 5, 12_000, 1_060_000],
    [undefined, 3, 3, 0, 3, 0, 60_000],
  ] as const)(
    'tat %s, %s/min, want %s at %s → %s granted, retry %s ms, tat %s',
    (tat, limit, want, now, granted, retryAfterMs, next) => {
      const taken = takeGcra(tat, perMinute(limit), want, now);
      expect(taken.granted).toBe(granted);
      expect(taken.retryAfterMs).toBe(retryAfterMs);
      expect(taken.tat).toBeCloseTo(next, 3);
    },
  );

  it('never grants more than limit × (1 + t / period) over a span t', () => {
    let tat: number | undefined;
    let granted = 0;
    for (let now = 0; now <= 120_000; now += 500) {
      const taken = takeGcra(tat, perMinute(10), 3, now);
      tat = taken.tat;
      granted += taken.granted;
    }
    expect(granted).toBe(10 + 20);
  });

  it.each([
    [60_000, 2, 0, 36_000],
    [60_000, 10, 50_000, 50_000],
    [undefined, 1, 7, 7],
  ] as const)('returning to tat %s %s units at %s gives tat %s', (tat, units, now, expected) => {
    expect(returnGcra(tat, perMinute(5), units, now)).toBe(expected);
  });
});

describe('usedGcra', () => {
  it.each([
    // [stored tat, limit per minute, now, used]
    [undefined, 5, 0, 0],
    [12_000, 5, 0, 1],
    [60_000, 5, 0, 5],
    // Used units free one per interval (12 s at 5 per minute).
    [60_000, 5, 12_000, 4],
    [60_000, 5, 12_001, 4],
    [60_000, 5, 59_999, 1],
    [60_000, 5, 60_000, 0],
    [1000, 5, 1_000_000, 0],
  ] as const)('tat %s, %s/min at %s → %s used', (tat, limit, now, used) => {
    expect(usedGcra(tat, perMinute(limit), now)).toBe(used);
  });
});
