import { describe, expect, it } from 'vitest';
import { parseExpiresOption } from './expires-option.js';

describe('parseExpiresOption', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it.each([
    ['90m', now + 90 * 60_000],
    ['12h', now + 12 * 3_600_000],
    ['30d', now + 30 * 86_400_000],
    ['2w', now + 14 * 86_400_000],
    ['2026-04-01', Date.parse('2026-04-01T00:00:00Z')],
    ['2026-04-01T18:30:00Z', Date.parse('2026-04-01T18:30:00Z')],
    ['2026-04-01T18:30:00+02:00', Date.parse('2026-04-01T16:30:00Z')],
  ])('%j → %s', (text, expected) => {
    expect(parseExpiresOption(text, now)).toBe(expected);
  });

  it.each(['30', '30y', '0d', '-1d', 'tomorrow', '2026-13-45', '1767225600000', ''])('refuses %j', (text) => {
    expect(() => parseExpiresOption(text, now)).toThrow(/--expires .*expected a duration/);
  });

  it.each(['2026-03-01T12:00:00Z', '2025-01-01'])('refuses %j: not in the future', (text) => {
    expect(() => parseExpiresOption(text, now)).toThrow(/not in the future/);
  });
});
