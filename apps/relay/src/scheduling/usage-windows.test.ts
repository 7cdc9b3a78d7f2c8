import { describe, expect, it } from 'vitest';
import { readUsageWindows } from './usage-windows.js';

const now = Date.parse('2026-12-01T12:00:00Z');
const inSeconds = (seconds: number) => String(Math.floor(now / 1000) + seconds);

describe('readUsageWindows', () => {
  it('reads the standard API limits with RFC 3339 resets', () => {
    const windows = readUsageWindows(
      {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2026-12-01T12:00:30Z',
        'anthropic-ratelimit-tokens-limit': '100000',
        'anthropic-ratelimit-tokens-remaining': '2500',
        'anthropic-ratelimit-tokens-reset': '2026-12-01T12:00:10Z',
      },
      now,
    );
    expect(windows?.standard.requests).toEqual({ limit: 50, remaining: 49, resetAt: now + 30_000 });
    expect(windows?.standard.tokens).toEqual({ limit: 100000, remaining: 2500, resetAt: now + 10_000 });
    expect(windows?.unified).toBeUndefined();
  });

  it('reads the unified subscription headers with epoch-second resets', () => {
    const windows = readUsageWindows(
      {
        'anthropic-ratelimit-unified-status': 'allowed_warning',
        'anthropic-ratelimit-unified-reset': inSeconds(3600),
        'anthropic-ratelimit-unified-5h-utilization': '0.97',
        'anthropic-ratelimit-unified-5h-reset': inSeconds(3600),
        'anthropic-ratelimit-unified-5h-status': 'allowed_warning',
        'anthropic-ratelimit-unified-7d-utilization': '0.4',
        'anthropic-ratelimit-unified-7d-reset': inSeconds(86_400),
        'anthropic-ratelimit-unified-7d-status': 'allowed',
        'anthropic-ratelimit-unified-representative-claim': 'five_hour',
        'anthropic-ratelimit-unified-fallback-percentage': '0.5',
        'anthropic-ratelimit-unified-overage-status': 'rejected',
      },
      now,
    );
    expect(windows?.unified).toEqual({
      status: 'allowed_warning',
      resetAt: (Math.floor(now / 1000) + 3600) * 1000,
      fiveHour: { utilization: 0.97, resetAt: (Math.floor(now / 1000) + 3600) * 1000, status: 'allowed_warning' },
      sevenDay: { utilization: 0.4, resetAt: (Math.floor(now / 1000) + 86_400) * 1000, status: 'allowed' },
      representativeClaim: 'five_hour',
      fallbackPercentage: 0.5,
      overageStatus: 'rejected',
    });
  });

  it.each([
    ['no rate-limit headers', {}],
    ['a limit without remaining', { 'anthropic-ratelimit-requests-limit': '50' }],
    ['an unknown unified status', { 'anthropic-ratelimit-unified-status': 'maybe' }],
  ])('returns undefined for %s', (_name, headers) => {
    expect(readUsageWindows(headers, now)).toBeUndefined();
  });

  it.each([
    ['a negative remaining', { 'anthropic-ratelimit-requests-remaining': '-1' }, 'requests'],
    ['a non-number limit', { 'anthropic-ratelimit-requests-limit': 'lots' }, 'requests'],
  ])('ignores %s', (_name, override, name) => {
    const headers = {
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '10',
      ...override,
    };
    expect(readUsageWindows(headers, now)?.standard[name as 'requests']).toBeUndefined();
  });

  it('clamps what an upstream may exaggerate and drops what it may not say', () => {
    const windows = readUsageWindows(
      {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '5000',
        'anthropic-ratelimit-requests-reset': 'not a date',
        'anthropic-ratelimit-unified-status': 'rejected',
        // Years away: not believed.
        'anthropic-ratelimit-unified-reset': inSeconds(10 * 365 * 86_400),
        'anthropic-ratelimit-unified-5h-utilization': '7',
        'anthropic-ratelimit-unified-representative-claim': '<script>alert(1)</script>',
      },
      now,
    );
    expect(windows?.standard.requests).toEqual({ limit: 50, remaining: 50, resetAt: undefined });
    expect(windows?.unified?.resetAt).toBeUndefined();
    expect(windows?.unified?.fiveHour?.utilization).toBe(1);
    expect(windows?.unified?.representativeClaim).toBeUndefined();
  });
});
