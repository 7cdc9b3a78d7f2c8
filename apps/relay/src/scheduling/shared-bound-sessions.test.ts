import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SharedBoundSessions,
  type SharedBoundSessionsOptions,
  shouldPublishBoundSessions,
} from './shared-bound-sessions.js';

describe('shouldPublishBoundSessions', () => {
  const policy = { publishIntervalMs: 2000, changeThreshold: 8 };
  it.each([
    ['the first check', { moved: 0, sinceLastMs: undefined }, true],
    ['nothing moved, 1 s after the last', { moved: 0, sinceLastMs: 1000 }, false],
    ['a few sessions moved, 1 s after the last', { moved: 7, sinceLastMs: 1000 }, false],
    ['the threshold moved, 250 ms after the last', { moved: 8, sinceLastMs: 250 }, true],
    ['nothing moved, an interval after the last (the others are read too)', { moved: 0, sinceLastMs: 2000 }, true],
    ['the clock went back', { moved: 0, sinceLastMs: -5 }, true],
  ])('%s', (_name, input, expected) => {
    expect(shouldPublishBoundSessions({ ...policy, ...input })).toBe(expected);
  });
});

describeWithRedis('SharedBoundSessions on a real Redis', () => {
  const connections: Redis[] = [];
  const instances: SharedBoundSessions[] = [];
  const connect = () => {
    const redis = new Redis(testRedisUrl() as string);
    connections.push(redis);
    return redis;
  };
  /** One instance with its local counts and the others' sum as last applied. */
  const instance = (keyPrefix: string, options: Partial<SharedBoundSessionsOptions> = {}) => {
    const local = new Map<string, number>();
    const view = { others: new Map<string, number>(), rejected: [] as string[], local };
    const shared = new SharedBoundSessions({
      redis: connect(),
      keyPrefix,
      isKnown: (accountId) => ['x', 'y', 'z'].includes(accountId),
      localCounts: () => local,
      apply: (others) => {
        view.others = new Map(others);
      },
      onRejected: (reason) => view.rejected.push(reason),
      ...options,
    });
    instances.push(shared);
    return { shared, ...view, view };
  };
  afterEach(async () => {
    await Promise.all(instances.splice(0).map(async (shared) => shared.close()));
    for (const redis of connections.splice(0)) redis.disconnect();
  });

  it('each instance sees the sum of the others’ bound sessions, not its own', async () => {
    const keyPrefix = uniqueKeyPrefix('bound-sessions');
    const first = instance(keyPrefix);
    const second = instance(keyPrefix);
    const third = instance(keyPrefix);
    first.local.set('x', 6);
    second.local.set('x', 1).set('y', 2);
    third.local.set('z', 3);
    await first.shared.check();
    await second.shared.check();
    await third.shared.check();
    await first.shared.check(Date.now() + 5000);
    expect(third.view.others).toEqual(
      new Map([
        ['x', 7],
        ['y', 2],
      ]),
    );
    expect(first.view.others).toEqual(
      new Map([
        ['x', 1],
        ['y', 2],
        ['z', 3],
      ]),
    );
  });

  it('stops counting an instance that died (its field expires), and one that stopped cleanly at once', async () => {
    const keyPrefix = uniqueKeyPrefix('bound-sessions-ttl');
    const dead = instance(keyPrefix, { ttlMs: 300 });
    const stopped = instance(keyPrefix);
    const survivor = instance(keyPrefix);
    dead.local.set('x', 6);
    stopped.local.set('y', 4);
    await dead.shared.check();
    await stopped.shared.check();
    await survivor.shared.check();
    expect(survivor.view.others).toEqual(
      new Map([
        ['x', 6],
        ['y', 4],
      ]),
    );
    // The dead one never publishes again; the stopped one removes its field.
    await stopped.shared.close();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await survivor.shared.check(Date.now() + 5000);
    expect(survivor.view.others).toEqual(new Map());
    const admin = connect();
    expect(await admin.hlen(`${keyPrefix}{accounts}:bound-sessions`)).toBe(1);
  });

  it('drops a field a peer wrote badly, counts the rest, and ignores unknown accounts', async () => {
    const keyPrefix = uniqueKeyPrefix('bound-sessions-bad');
    const admin = connect();
    const key = `${keyPrefix}{accounts}:bound-sessions`;
    const far = Date.now() + 3_600_000;
    await admin.hset(key, 'broken', `${far}:not json`, 'negative', `${far}:{"x":-4}`, 'peer', `${far}:{"x":2,"w":9}`);
    await admin.hset(key, 'no-expiry', '{"x":100}');
    const one = instance(keyPrefix);
    await one.shared.check();
    expect(one.view.others).toEqual(new Map([['x', 2]]));
    expect(one.view.rejected).toHaveLength(2);
    expect(await admin.hexists(key, 'no-expiry')).toBe(0);
  });

  it('publishes again before the interval when its counts moved by the threshold', async () => {
    const keyPrefix = uniqueKeyPrefix('bound-sessions-moved');
    const busy = instance(keyPrefix, { changeThreshold: 4 });
    const reader = instance(keyPrefix);
    const now = Date.now();
    await busy.shared.check(now);
    busy.local.set('x', 3);
    await busy.shared.check(now + 100);
    await reader.shared.check(now + 100);
    expect(reader.view.others).toEqual(new Map());
    busy.local.set('x', 4);
    await busy.shared.check(now + 200);
    await reader.shared.check(now + 5000);
    expect(reader.view.others).toEqual(new Map([['x', 4]]));
  });
});
