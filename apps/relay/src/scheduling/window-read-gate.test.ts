import { describe, expect, it } from 'vitest';
import { readUsageWindows } from './usage-windows.js';
import {
  decideWindowRead,
  glanceAtRateLimitHeaders,
  type LastWindowRead,
  type RateLimitGlance,
  type WindowReadDecision,
} from './window-read-gate.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const glance = (fields: Partial<RateLimitGlance> = {}): RateLimitGlance => ({
  statusCode: 200,
  present: true,
  unifiedStatus: 'allowed',
  fiveHourStatus: 'allowed',
  sevenDayStatus: undefined,
  ...fields,
});
const last = (fields: Partial<LastWindowRead> = {}): LastWindowRead => ({
  at: now - 200,
  unifiedStatus: 'allowed',
  fiveHourStatus: 'allowed',
  sevenDayStatus: undefined,
  ...fields,
});

describe('decideWindowRead', () => {
  it.each<[string, RateLimitGlance, LastWindowRead | undefined, number, WindowReadDecision]>([
    ['no rate-limit header at all', glance({ present: false, unifiedStatus: undefined }), last(), now, 'no-headers'],
    ['a 429 without windows', glance({ statusCode: 429, present: false }), last(), now, 'no-headers'],
    ['the first answer of an account', glance(), undefined, now, 'read'],
    ['nothing changed, read 200 ms ago', glance(), last(), now, 'throttled'],
    ['nothing changed, read a second ago', glance(), last({ at: now - 1000 }), now, 'read'],
    ['a 429, read 200 ms ago', glance({ statusCode: 429 }), last(), now, 'read'],
    ['a rejected status, read 200 ms ago', glance({ unifiedStatus: 'rejected' }), last(), now, 'read'],
    [
      'still rejected (an answer on a rejected window is never skipped)',
      glance({ unifiedStatus: 'rejected' }),
      last({ unifiedStatus: 'rejected' }),
      now,
      'read',
    ],
    ['a rejected 5h window', glance({ fiveHourStatus: 'rejected' }), last(), now, 'read'],
    ['a rejected 7d window', glance({ sevenDayStatus: 'rejected' }), last(), now, 'read'],
    ['a warning appears', glance({ unifiedStatus: 'allowed_warning' }), last(), now, 'read'],
    ['a 5h warning appears', glance({ fiveHourStatus: 'allowed_warning' }), last(), now, 'read'],
    [
      'a warning clears',
      glance(),
      last({ unifiedStatus: 'allowed_warning', fiveHourStatus: 'allowed_warning' }),
      now,
      'read',
    ],
    [
      'the same warning, read 200 ms ago',
      glance({ unifiedStatus: 'allowed_warning' }),
      last({ unifiedStatus: 'allowed_warning' }),
      now,
      'throttled',
    ],
    ['a 7d status appears', glance({ sevenDayStatus: 'allowed' }), last(), now, 'read'],
    ['the clock went back', glance(), last({ at: now + 5000 }), now, 'read'],
    [
      'standard headers only, read 200 ms ago',
      glance({ unifiedStatus: undefined, fiveHourStatus: undefined }),
      last({ unifiedStatus: undefined, fiveHourStatus: undefined }),
      now,
      'throttled',
    ],
  ])('%s', (_name, answer, previous, at, expected) => {
    expect(decideWindowRead(answer, previous, at)).toBe(expected);
  });
});

describe('glanceAtRateLimitHeaders', () => {
  // Every header that alone gives readUsageWindows a window must make the answer count as carrying windows.
  const alone: Record<string, string> = {
    'anthropic-ratelimit-unified-status': 'allowed',
    'anthropic-ratelimit-unified-5h-status': 'allowed',
    'anthropic-ratelimit-unified-5h-utilization': '0.5',
    'anthropic-ratelimit-unified-5h-reset': String(Math.floor(now / 1000) + 3600),
    'anthropic-ratelimit-unified-7d-status': 'allowed',
    'anthropic-ratelimit-unified-7d-utilization': '0.5',
    'anthropic-ratelimit-unified-7d-reset': String(Math.floor(now / 1000) + 3600),
  };
  it.each(Object.entries(alone))('%s alone counts as a window', (name, value) => {
    expect(readUsageWindows({ [name]: value }, now)).toBeDefined();
    expect(glanceAtRateLimitHeaders(200, { [name]: value }).present).toBe(true);
  });

  it.each(['requests', 'tokens', 'input-tokens', 'output-tokens'])('a standard %s limit counts as a window', (name) => {
    const headers = { [`anthropic-ratelimit-${name}-limit`]: '100', [`anthropic-ratelimit-${name}-remaining`]: '5' };
    expect(readUsageWindows(headers, now)).toBeDefined();
    expect(glanceAtRateLimitHeaders(200, headers).present).toBe(true);
  });

  it('reads the statuses as sent, and nothing from an answer without windows', () => {
    expect(
      glanceAtRateLimitHeaders(429, {
        'anthropic-ratelimit-unified-status': ['rejected', 'allowed'],
        'anthropic-ratelimit-unified-5h-status': 'rejected',
        'anthropic-ratelimit-unified-7d-status': 'allowed_warning',
      }),
    ).toEqual({
      statusCode: 429,
      present: true,
      unifiedStatus: 'rejected',
      fiveHourStatus: 'rejected',
      sevenDayStatus: 'allowed_warning',
    });
    expect(glanceAtRateLimitHeaders(200, { 'content-type': 'application/json', 'retry-after': '3' })).toEqual({
      statusCode: 200,
      present: false,
      unifiedStatus: undefined,
      fiveHourStatus: undefined,
      sevenDayStatus: undefined,
    });
  });
});
