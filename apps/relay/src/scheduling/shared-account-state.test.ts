import { startRedisServer, waitFor } from '@relay/test-support';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { materialWindowKey, type SharedAccountFacts, SharedAccountState } from './shared-account-state.js';
import { readUsageWindows } from './usage-windows.js';

const accountIds = ['a', 'b'];

/** One relay instance's view: the shared state object and what it applied, per account. */
function instance(redis: Redis, keyPrefix: string) {
  const applied = new Map<string, SharedAccountFacts>();
  const rejected: string[] = [];
  const state = new SharedAccountState({
    redis,
    keyPrefix,
    accountIds,
    apply: (accountId, facts) => applied.set(accountId, facts),
    onRejected: (reason) => rejected.push(reason),
    onError: () => {},
  });
  return { state, applied, rejected };
}

/** Waits for `condition` (real I/O), resolving to how long it took in ms. */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<number> {
  const started = performance.now();
  await waitFor(condition, { timeoutMs, intervalMs: 2 });
  return performance.now() - started;
}

describe('materialWindowKey', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const api = (remaining: number, resetInMs = 30_000) =>
    readUsageWindows(
      {
        'anthropic-ratelimit-requests-limit': '4000',
        'anthropic-ratelimit-requests-remaining': String(remaining),
        'anthropic-ratelimit-requests-reset': new Date(now + resetInMs).toISOString(),
      },
      now,
    ) as never;
  const subscription = (utilization: string, status = 'allowed') =>
    readUsageWindows(
      {
        'anthropic-ratelimit-unified-status': status,
        'anthropic-ratelimit-unified-5h-utilization': utilization,
        'anthropic-ratelimit-unified-5h-reset': String(Math.floor(now / 1000) + 3600),
      },
      now,
    ) as never;
  it.each([
    ['an API budget counting down inside its band', api(3999), api(2100), true],
    ['an API budget crossing 50 % left', api(2100), api(1900), false],
    ['an API budget falling under 10 % left', api(500), api(399), false],
    ['an API budget whose reset moved, not spent', api(3000, 30_000), api(3000, 90_000), true],
    ['an API budget spent, then its reset moved', api(0, 30_000), api(0, 90_000), false],
    ['a subscription window inside a 5 % step', subscription('0.40'), subscription('0.41'), true],
    ['a subscription window a 5 % step further', subscription('0.44'), subscription('0.45'), false],
    ['a subscription warning', subscription('0.80'), subscription('0.80', 'allowed_warning'), false],
  ])('%s (same key: %s)', (_name, before, after, same) => {
    expect(materialWindowKey(before) === materialWindowKey(after)).toBe(same);
  });
});

describeWithRedis('SharedAccountState on a real Redis', () => {
  const connections: Redis[] = [];
  const states: SharedAccountState[] = [];
  const connect = () => {
    const redis = new Redis(testRedisUrl() as string);
    connections.push(redis);
    return redis;
  };
  const start = async (keyPrefix: string) => {
    const one = instance(connect(), keyPrefix);
    states.push(one.state);
    await one.state.start();
    return one;
  };
  afterEach(async () => {
    await Promise.all(states.splice(0).map(async (state) => state.close()));
    for (const redis of connections.splice(0)) redis.disconnect();
  });

  it('a cool-down one instance learns reaches the other', async () => {
    const keyPrefix = uniqueKeyPrefix('account-state');
    const first = await start(keyPrefix);
    const second = await start(keyPrefix);
    const until429 = Date.now() + 60_000;
    first.state.coolDown('a', until429);
    const waited = await until(() => second.applied.get('a')?.coolingUntil === until429);
    console.log(`[shared account state] a cool-down reached the other instance in ${waited.toFixed(1)} ms`);
    expect(first.applied.get('a')?.coolingUntil).toBe(until429);
  });

  it('merges: a shorter cool-down never shortens a longer one; enable clears both flags', async () => {
    const keyPrefix = uniqueKeyPrefix('account-state');
    const first = await start(keyPrefix);
    const second = await start(keyPrefix);
    const later = Date.now() + 120_000;
    first.state.coolDown('a', later);
    second.state.coolDown('a', Date.now() + 10_000);
    second.state.disable('a', 'the upstream rejected its credential');
    await until(() => first.applied.get('a')?.disabledReason !== undefined);
    expect(first.applied.get('a')?.coolingUntil).toBe(later);
    first.state.enable('a');
    await until(
      () => second.applied.get('a')?.disabledReason === undefined && second.applied.get('a')?.coolingUntil === 0,
    );
  });

  it('a late-starting instance loads what the others learnt', async () => {
    const keyPrefix = uniqueKeyPrefix('account-state');
    const first = await start(keyPrefix);
    first.state.disable('b', 'invalid_grant');
    await until(() => first.applied.get('b')?.disabledReason === 'invalid_grant');
    const late = await start(keyPrefix);
    expect(late.applied.get('b')?.disabledReason).toBe('invalid_grant');
  });

  it('shares window updates only when they change materially', async () => {
    const keyPrefix = uniqueKeyPrefix('account-state');
    const first = await start(keyPrefix);
    const second = await start(keyPrefix);
    const now = Date.now();
    const headers = (utilization: string) => ({
      'anthropic-ratelimit-unified-status': 'allowed',
      'anthropic-ratelimit-unified-5h-utilization': utilization,
      'anthropic-ratelimit-unified-5h-reset': String(Math.floor(now / 1000) + 3600),
    });
    first.state.observeWindows('a', readUsageWindows(headers('0.40'), now) as never, now);
    await until(() => second.applied.get('a')?.windows?.unified?.fiveHour?.utilization === 0.4);
    const version = second.applied.get('a')?.version;
    // 0.41 is the same 5 % step: nothing sent.
    first.state.observeWindows('a', readUsageWindows(headers('0.41'), now + 5000) as never, now + 5000);
    // A rejection is sent at once, whatever the interval.
    const rejected = { ...headers('1'), 'anthropic-ratelimit-unified-status': 'rejected' };
    first.state.observeWindows('a', readUsageWindows(rejected, now + 5100) as never, now + 5100);
    await until(() => second.applied.get('a')?.windows?.unified?.status === 'rejected');
    expect(second.applied.get('a')?.version).toBe((version ?? 0) + 1);
  });

  it('drops what a Redis peer publishes or stores in the wrong shape, and goes on', async () => {
    const keyPrefix = uniqueKeyPrefix('account-state');
    const first = await start(keyPrefix);
    const peer = connect();
    const channel = `${keyPrefix}{accounts}:changes`;
    for (const garbage of [
      'null',
      'not json',
      '{"account":"a","state":5}',
      '{"account":"a","state":{"coolingUntil":"soon","version":1}}',
      '{"account":"a","state":{"coolingUntil":-1,"version":1}}',
      '{"account":"a","state":{"coolingUntil":1,"version":1,"windows":{"observedAt":"x"}}}',
    ]) {
      await peer.publish(channel, garbage);
    }
    await peer.hset(`${keyPrefix}{accounts}:state`, 'b', '{"coolingUntil":[]}');
    await until(() => first.rejected.length >= 6);
    const late = await start(keyPrefix);
    await until(() => late.rejected.length >= 1);
    // Still working: a real change goes through.
    first.state.coolDown('a', Date.now() + 1000);
    await until(() => late.applied.get('a') !== undefined);
    expect(first.applied.get('a')?.version).toBe(1);
  });

  it("ignores a peer's cool-down a month or more away and accounts it does not know", async () => {
    const keyPrefix = uniqueKeyPrefix('account-state');
    const first = await start(keyPrefix);
    const peer = connect();
    const channel = `${keyPrefix}{accounts}:changes`;
    await peer.publish(
      channel,
      JSON.stringify({ account: 'a', state: { coolingUntil: Date.now() + 10 * 365 * 86_400_000, version: 7 } }),
    );
    await peer.publish(channel, JSON.stringify({ account: 'zzz', state: { coolingUntil: 1, version: 1 } }));
    await until(() => first.applied.has('a'));
    expect(first.applied.get('a')?.coolingUntil).toBe(0);
    expect(first.applied.has('zzz')).toBe(false);
  });
});

describe('SharedAccountState across a Redis outage', () => {
  it('keeps the local view while Redis is down and sends what it learnt when Redis is back', async () => {
    const server = await startRedisServer();
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    const other = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    // The outage is the point: its connection errors are expected.
    redis.on('error', () => {});
    other.on('error', () => {});
    const keyPrefix = 'outage:';
    const first = instance(redis, keyPrefix);
    const second = instance(other, keyPrefix);
    try {
      await first.state.start();
      await second.state.start();
      await server.stop();
      const untilMs = Date.now() + 60_000;
      first.state.coolDown('a', untilMs);
      await until(() => first.state.queuedChanges === 1);
      await server.restart();
      await until(() => second.applied.get('a')?.coolingUntil === untilMs, 15_000);
      expect(first.state.queuedChanges).toBe(0);
    } finally {
      await first.state.close();
      await second.state.close();
      redis.disconnect();
      other.disconnect();
      await server.stop();
    }
  });
});
