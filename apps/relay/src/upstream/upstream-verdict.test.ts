import { describe, expect, it } from 'vitest';
import { isShortRetryAfter, judgeUpstreamResponse, movesToAnotherAccount } from './upstream-verdict.js';

const now = Date.parse('2026-01-01T00:00:00Z');

describe('judgeUpstreamResponse', () => {
  it.each([
    [200, {}, 'ok', false],
    [400, {}, 'request-fault', false],
    [401, {}, 'credential-suspect', true],
    [403, {}, 'request-fault', false],
    [404, {}, 'request-fault', false],
    [408, {}, 'transient', true],
    [409, {}, 'transient', true],
    [413, {}, 'request-fault', false],
    [422, {}, 'request-fault', false],
    [429, { 'retry-after': '30' }, 'rate-limited', true],
    [500, {}, 'server-error', true],
    [502, {}, 'server-error', true],
    [503, {}, 'server-error', true],
    [529, {}, 'overloaded', true],
  ])('%i %j → %s (moves: %s)', (status, headers, kind, moves) => {
    const verdict = judgeUpstreamResponse(status, headers, now);
    expect(verdict.kind).toBe(kind);
    expect(movesToAnotherAccount(verdict)).toBe(moves);
  });

  it.each([
    [{ 'retry-after': '30' }, now + 30_000, 30_000, false],
    [{ 'retry-after': '1' }, now + 1_000, 1_000, true],
    [{ 'retry-after-ms': '1500', 'retry-after': '2' }, now + 2_000, 1_500, true],
    [{ 'retry-after': new Date(now + 5_000).toUTCString() }, now + 5_000, 5_000, false],
    [{ 'anthropic-ratelimit-tokens-reset': new Date(now + 40_000).toISOString() }, now + 40_000, undefined, false],
    [{}, now + 30_000, undefined, false],
    // A used-up subscription window without retry-after rests until the window's reset, three hours away.
    [
      {
        'anthropic-ratelimit-unified-status': 'rejected',
        'anthropic-ratelimit-unified-reset': String(Math.floor((now + 3 * 3_600_000) / 1000)),
      },
      Math.floor((now + 3 * 3_600_000) / 1000) * 1000,
      undefined,
      false,
    ],
    // ... and whatever a shorter retry-after says.
    [
      {
        'retry-after': '30',
        'anthropic-ratelimit-unified-status': 'rejected',
        'anthropic-ratelimit-unified-reset': String(Math.floor((now + 3_600_000) / 1000)),
      },
      Math.floor((now + 3_600_000) / 1000) * 1000,
      30_000,
      false,
    ],
  ])('a 429 with %j rests until %i (retry-after %s ms, short: %s)', (headers, until, retryAfterMs, short) => {
    const verdict = judgeUpstreamResponse(429, headers, now);
    expect(verdict).toEqual({ kind: 'rate-limited', coolDownUntil: until, retryAfterMs });
    expect(isShortRetryAfter(verdict)).toBe(short);
  });
});
