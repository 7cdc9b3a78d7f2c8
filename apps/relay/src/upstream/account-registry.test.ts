import { describe, expect, it } from 'vitest';
import { AccountRegistry } from './account-registry.js';
import { isRetryableVerdict, judgeUpstreamResponse } from './upstream-verdict.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const accounts = [
  { id: 'a', apiKey: 'sk-a', priority: 0, maxConcurrency: 2 },
  { id: 'b', apiKey: 'sk-b', priority: 0, maxConcurrency: 2 },
  { id: 'c', oauthToken: 'oat-c', priority: 1, maxConcurrency: 2 },
];

describe('AccountRegistry', () => {
  it('keeps the affine account while usable, else picks by priority then load', () => {
    const registry = new AccountRegistry(accounts);
    expect(registry.choose('c', new Set(), now)?.id).toBe('c');
    const a = registry.get('a');
    if (a) a.inFlight = 1;
    expect(registry.choose(undefined, new Set(), now)?.id).toBe('b');
    expect(registry.choose(undefined, new Set(['b']), now)?.id).toBe('a');
    if (a) a.inFlight = 2;
    expect(registry.choose('a', new Set(['b']), now)?.id).toBe('c');
  });

  it('cools a 429 account down until retry-after or the rate-limit reset', () => {
    const registry = new AccountRegistry(accounts);
    const a = registry.get('a');
    if (!a) throw new Error('no account a');
    registry.record(a, judgeUpstreamResponse(429, { 'retry-after': '20' }, now), now);
    expect(a.coolingUntil).toBe(now + 20_000);
    expect(registry.choose('a', new Set(), now + 19_000)?.id).toBe('b');
    expect(registry.choose('a', new Set(), now + 20_000)?.id).toBe('a');
    const reset = new Date(now + 45_000).toISOString();
    const verdict = judgeUpstreamResponse(429, { 'anthropic-ratelimit-tokens-reset': reset }, now);
    expect(verdict).toEqual({ kind: 'rate-limited', coolDownUntil: now + 45_000 });
  });

  it('backs off 529 and 5xx with doubling cool-downs, and disables on 401/403 until re-enabled', () => {
    const registry = new AccountRegistry(accounts);
    const b = registry.get('b');
    if (!b) throw new Error('no account b');
    registry.record(b, judgeUpstreamResponse(529, {}, now), now);
    expect(b.coolingUntil - now).toBe(2_000);
    registry.record(b, judgeUpstreamResponse(503, {}, now), now);
    expect(b.coolingUntil - now).toBe(4_000);
    registry.record(b, judgeUpstreamResponse(200, {}, now), now);
    expect(b.consecutiveFailures).toBe(0);
    registry.record(b, judgeUpstreamResponse(401, {}, now), now);
    expect(registry.isUsable(b, now + 3_600_000)).toBe(false);
    expect(b.toJSON(now)).not.toHaveProperty('credentialHeaders');
    expect(JSON.stringify(b.toJSON(now))).not.toContain('sk-b');
    expect(registry.enable('b')).toBe(true);
    expect(registry.isUsable(b, now)).toBe(true);
  });

  it('answers which verdicts may move to another account', () => {
    expect(isRetryableVerdict(judgeUpstreamResponse(400, {}, now))).toBe(false);
    expect(isRetryableVerdict(judgeUpstreamResponse(200, {}, now))).toBe(false);
    for (const status of [401, 403, 429, 500, 502, 529]) {
      expect(isRetryableVerdict(judgeUpstreamResponse(status, {}, now))).toBe(true);
    }
  });

  it('skips an account whose route is open in the pool', () => {
    const registry = new AccountRegistry(accounts, (account) => account.id !== 'a');
    expect(registry.choose('a', new Set(), now)?.id).toBe('b');
  });
});
