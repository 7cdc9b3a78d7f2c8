import { describe, expect, it } from 'vitest';
import {
  clockTicks,
  clockTime,
  countText,
  dateTimeText,
  durationText,
  secondsText,
  shortCountText,
  usdText,
} from './format.js';

describe('durationText', () => {
  it.each([
    [0, '0 s'],
    [-5, '0 s'],
    [1, '1 s'],
    [41_001, '42 s'],
    [60_000, '1 min 00 s'],
    [185_000, '3 min 05 s'],
    [3_600_000, '1 h 00 min'],
    [4 * 3_600_000 + 4 * 60_000 + 1, '4 h 05 min'],
    [24 * 3_600_000, '1 d 00 h'],
    [2 * 86_400_000 + 2 * 3_600_000 + 1, '2 d 03 h'],
  ])('%d ms is %s', (milliseconds, expected) => {
    expect(durationText(milliseconds)).toBe(expected);
  });
});

describe('usdText', () => {
  it.each([
    [0, '$0.00'],
    [0.000123, '$0.0001'],
    [0.0099, '$0.0099'],
    [0.01, '$0.01'],
    [0.012345, '$0.0123'],
    [0.5, '$0.50'],
    [0.125, '$0.125'],
    [12.345, '$12.35'],
  ])('%d is %s', (usd, expected) => {
    expect(usdText(usd)).toBe(expected);
  });
});

describe('secondsText', () => {
  it.each([
    [null, '—'],
    [undefined, '—'],
    [0.375, '375 ms'],
    [9.9994, '9999 ms'],
    [12.46, '12.5 s'],
  ])('%s is %s', (seconds, expected) => {
    expect(secondsText(seconds)).toBe(expected);
  });
});

describe('countText', () => {
  it('separates thousands', () => {
    expect(countText(1_234_567)).toBe('1,234,567');
  });
});

describe('shortCountText', () => {
  it.each([
    [4000, '4,000'],
    [99_999, '99,999'],
    [150_000, '150K'],
    [2_400_000, '2.4M'],
  ])('%d is %s', (count, expected) => {
    expect(shortCountText(count)).toBe(expected);
  });
});

describe('dateTimeText', () => {
  it('is the clock time today, else the date too', () => {
    const now = new Date(2026, 11, 1, 12, 0, 0).getTime();
    expect(dateTimeText(now - 60_000, now)).toBe(clockTime(new Date(now - 60_000)));
    expect(dateTimeText(new Date(2026, 11, 24, 9, 30).getTime(), now)).toBe('24 Dec 2026, 09:30');
  });
});

describe('clockTicks', () => {
  it('shows seconds only when a tick is not on a whole minute', () => {
    const at = (hours: number, minutes: number, seconds = 0) =>
      new Date(2026, 11, 1, hours, minutes, seconds).getTime() / 1000;
    expect(clockTicks([at(9, 5), at(9, 6)])).toEqual(['09:05', '09:06']);
    expect(clockTicks([at(20, 2, 15), at(20, 2, 30)])).toEqual(['20:02:15', '20:02:30']);
  });
});
