import { describe, expect, it } from 'vitest';
import { AccountRegistry } from './account-registry.js';
import { judgeUpstreamResponse } from './upstream-verdict.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const accounts = [
  { id: 'a', apiKey: 'sk-a', priority: 0, maxConcurrency: 2 },
  { id: 'b', apiKey: 'sk-b', priority: 0, maxConcurrency: 2 },
  { id: 'c', oauthToken: 'oat-c', priority: 1, maxConcurrency: 2 },
];

describe('AccountRegistry', () => {
  it('keeps the affine account while usable, else the scheduler picks by priority then load', () => {
    const registry = new AccountRegistry(accounts);
    expect(registry.choose('c', new Set(), now)?.id).toBe('c');
    const a = registry.get('a');
    if (!a) throw new Error('no account a');
    a.inFlight = 1;
    expect(registry.choose(undefined, new Set(), now)?.id).toBe('b');
    expect(registry.choose(undefined, new Set(['b']), now)?.id).toBe('a');
    a.inFlight = 2;
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
    expect(verdict).toEqual({ kind: 'rate-limited', coolDownUntil: now + 45_000, retryAfterMs: undefined });
  });

  it('backs off 529 and 5xx with doubling cool-downs, and disables a probed-bad credential until re-enabled', () => {
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
    registry.record(b, judgeUpstreamResponse(403, {}, now), now);
    expect(registry.isUsable(b, now + 5_000)).toBe(true);
    registry.disableForCredential(b);
    expect(registry.isUsable(b, now + 3_600_000)).toBe(false);
    expect(b.toJSON(now)).not.toHaveProperty('credentialHeaders');
    expect(JSON.stringify(b.toJSON(now))).not.toContain('sk-b');
    expect(registry.enable('b')).toBe(true);
    expect(registry.isUsable(b, now)).toBe(true);
  });

  it('takes a lease at choice time, so racing requests never overshoot maxConcurrency; release is idempotent', () => {
    const registry = new AccountRegistry([{ id: 'solo', apiKey: 'sk-solo', priority: 0, maxConcurrency: 2 }]);
    const first = registry.acquire(undefined, new Set(), now);
    const second = registry.acquire(undefined, new Set(), now);
    expect(registry.acquire(undefined, new Set(), now)).toBeUndefined();
    first?.release();
    first?.release();
    expect(registry.get('solo')?.inFlight).toBe(1);
    expect(registry.acquire(undefined, new Set(), now)?.account.id).toBe('solo');
    second?.release();
    expect(registry.get('solo')?.inFlight).toBe(1);
  });

  it('skips an account whose route is open in the pool, and says so in its view', () => {
    const registry = new AccountRegistry(accounts, (account) => account.id !== 'a');
    expect(registry.choose('a', new Set(), now)?.id).toBe('b');
    const [a, b] = registry.views(now);
    expect(a).toMatchObject({ id: 'a', usable: false, reason: 'route-open', routeOpen: true });
    expect(b).toMatchObject({ id: 'b', usable: true, reason: undefined, routeOpen: false });
  });

  it('tells why an account cools down in its view', () => {
    const registry = new AccountRegistry(accounts);
    const a = registry.get('a');
    if (!a) throw new Error('no account a');
    registry.record(a, judgeUpstreamResponse(529, {}, now), now);
    expect(registry.views(now)[0]).toMatchObject({
      reason: `cooling down (backoff after failures) until ${new Date(now + 2000).toISOString()}`,
      coolingReason: 'backoff after failures',
      coolingDownForMs: 2000,
    });
    expect(registry.views(now + 2000)[0]).toMatchObject({ usable: true, coolingReason: undefined });
  });
});

describe('AccountRegistry scheduling state', () => {
  const epoch = (offsetMs: number) => String(Math.floor((now + offsetMs) / 1000));

  it('reads windows from every answer: a rejected window rests the account until its reset', () => {
    const registry = new AccountRegistry(accounts);
    const a = registry.get('a');
    if (!a) throw new Error('no account a');
    registry.observeAnswer(
      a,
      200,
      { 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': epoch(3_600_000) },
      now,
    );
    expect(a.coolingUntil).toBe(Math.floor((now + 3_600_000) / 1000) * 1000);
    expect(registry.isUsable(a, now + 3_599_000)).toBe(false);
    expect(registry.isUsable(a, now + 3_601_000)).toBe(true);
  });

  it('parses the windows of a busy account once a second, but a warning or a rejected window at once', () => {
    const registry = new AccountRegistry(accounts);
    const a = registry.get('a');
    if (!a) throw new Error('no account a');
    const window = (status: string, utilization: string) => ({
      'anthropic-ratelimit-unified-status': status,
      'anthropic-ratelimit-unified-5h-status': status,
      'anthropic-ratelimit-unified-5h-utilization': utilization,
      'anthropic-ratelimit-unified-5h-reset': epoch(3_600_000),
    });
    registry.observeAnswer(a, 200, window('allowed', '0.40'), now);
    registry.observeAnswer(a, 200, window('allowed', '0.45'), now + 100);
    expect(a.windows?.unified?.fiveHour?.utilization).toBe(0.4);
    registry.observeAnswer(a, 200, window('allowed', '0.50'), now + 1000);
    expect(a.windows?.unified?.fiveHour?.utilization).toBe(0.5);
    registry.observeAnswer(a, 200, window('allowed_warning', '0.81'), now + 1050);
    expect(a.assessment(now + 1050).warning).toBe(true);
    registry.observeAnswer(a, 200, window('rejected', '1'), now + 1100);
    expect(registry.isUsable(a, now + 1100)).toBe(false);
    expect(a.coolingUntil).toBe(Math.floor((now + 3_600_000) / 1000) * 1000);
  });

  it('rests an account after two connection failures in a row; an answer clears the count', () => {
    const registry = new AccountRegistry(accounts);
    const b = registry.get('b');
    if (!b) throw new Error('no account b');
    registry.recordConnectionFailure(b, now);
    expect(registry.isUsable(b, now)).toBe(true);
    registry.observeAnswer(b, 200, {}, now);
    registry.recordConnectionFailure(b, now);
    expect(registry.isUsable(b, now)).toBe(true);
    registry.recordConnectionFailure(b, now);
    expect(registry.isUsable(b, now)).toBe(false);
    expect(b.coolingReason).toBe('connection failures');
  });

  it('counts bound sessions once per session and moves them with the session', () => {
    const registry = new AccountRegistry(accounts, () => true, { random: () => 0 });
    const [a, b] = [registry.get('a'), registry.get('b')] as [
      NonNullable<ReturnType<typeof registry.get>>,
      NonNullable<ReturnType<typeof registry.get>>,
    ];
    registry.bindSession('s1', a);
    registry.bindSession('s1', a);
    registry.bindSession('s2', a);
    expect([a.boundSessions, b.boundSessions]).toEqual([2, 0]);
    registry.bindSession('s1', b);
    expect([a.boundSessions, b.boundSessions]).toEqual([1, 1]);
    // A new session goes to the account with fewer bound sessions (a: 1, b: 1 → tie; a gets one more).
    registry.bindSession('s3', a);
    expect(registry.choose(undefined, new Set(), now)?.id).toBe('b');
  });

  it('weighs the sessions other instances bound, beside its own, and forgets them when they are gone', () => {
    const registry = new AccountRegistry(accounts, () => true, { random: () => 0 });
    const [a, b] = [registry.get('a'), registry.get('b')] as [
      NonNullable<ReturnType<typeof registry.get>>,
      NonNullable<ReturnType<typeof registry.get>>,
    ];
    registry.bindSession('s1', b);
    registry.applyOtherBoundSessions(new Map([['a', 6]]));
    expect([a.boundSessions, a.localBoundSessions, b.boundSessions]).toEqual([6, 0, 1]);
    expect(registry.choose(undefined, new Set(), now)?.id).toBe('b');
    expect(registry.localBoundSessionCounts()).toEqual(
      new Map([
        ['a', 0],
        ['b', 1],
        ['c', 0],
      ]),
    );
    registry.applyOtherBoundSessions(new Map());
    expect(registry.choose(undefined, new Set(), now)?.id).toBe('a');
  });

  it('applies what another instance shares: cool-downs, disables and an enable', () => {
    const registry = new AccountRegistry(accounts);
    registry.applyShared('a', {
      coolingUntil: now + 60_000,
      disabledReason: undefined,
      windows: undefined,
      version: 1,
    });
    expect(registry.isUsable(registry.get('a') as never, now)).toBe(false);
    registry.applyShared('b', { coolingUntil: 0, disabledReason: 'invalid_grant', windows: undefined, version: 1 });
    expect(registry.get('b')?.disabledReason).toBe('invalid_grant');
    registry.applyShared('b', { coolingUntil: 0, disabledReason: undefined, windows: undefined, version: 2 });
    expect(registry.isUsable(registry.get('b') as never, now)).toBe(true);
    registry.applyShared('unknown', { coolingUntil: now + 1, disabledReason: 'x', windows: undefined, version: 1 });
  });
});
