import { describe, expect, it } from 'vitest';
import { isKeyExpired, keyExpiredMessage } from './key-expiry.js';

describe('isKeyExpired', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it.each([
    [undefined, false],
    [now + 1, false],
    [now + 86_400_000, false],
    [now, true],
    [now - 1, true],
    [0, true],
  ])('expiresAt %s → %s', (expiresAt, expired) => {
    expect(isKeyExpired(expiresAt, now)).toBe(expired);
  });

  it('says when the key expired', () => {
    expect(keyExpiredMessage(now)).toBe('the client key expired at 2026-03-01T12:00:00.000Z');
  });
});
