import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { AuthenticationBackoff } from './authentication-backoff.js';

const options = { maxFailures: 2, windowMs: 60_000, maxAddresses: 2, exemptAddresses: ['127.0.0.1'] };

function refused(backoff: AuthenticationBackoff, address: string): boolean {
  try {
    backoff.check(address);
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).statusCode).toBe(429);
    return true;
  }
}

describe('AuthenticationBackoff', () => {
  it('refuses an address after maxFailures, not before, and never an exempt one', () => {
    const backoff = new AuthenticationBackoff(options);
    backoff.recordFailure('10.0.0.1');
    expect(refused(backoff, '10.0.0.1')).toBe(false);
    backoff.recordFailure('10.0.0.1');
    expect(refused(backoff, '10.0.0.1')).toBe(true);
    expect(refused(backoff, '10.0.0.2')).toBe(false);
    for (let index = 0; index < 5; index += 1) backoff.recordFailure('127.0.0.1');
    expect(refused(backoff, '127.0.0.1')).toBe(false);
  });

  it('remembers at most maxAddresses addresses', () => {
    const backoff = new AuthenticationBackoff(options);
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
      backoff.recordFailure(address);
      backoff.recordFailure(address);
    }
    expect(refused(backoff, '10.0.0.1')).toBe(false);
    expect(refused(backoff, '10.0.0.3')).toBe(true);
  });

  it('is off with maxFailures 0', () => {
    const backoff = new AuthenticationBackoff({ ...options, maxFailures: 0 });
    for (let index = 0; index < 5; index += 1) backoff.recordFailure('10.0.0.1');
    expect(refused(backoff, '10.0.0.1')).toBe(false);
  });
});
