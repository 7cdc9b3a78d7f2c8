import { createServer, type Server } from 'node:net';
import { findFreePort, startRedisServer } from '@relay/test-support';
import { describeWithRedis, redisKeySpace, testRedisUrl } from '@relay/test-support/vitest';
import { Redis } from 'ioredis';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import { StoreUnavailableError } from '../errors.js';
import { newSession } from '../session.js';
import { sessionStoreTestSuite } from '../testing/session-store-test-suite.js';
import { RedisSessionStore } from './redis.js';

describeWithRedis('RedisSessionStore', () => {
  const { prefix, admin } = redisKeySpace('session-store-redis');

  sessionStoreTestSuite(
    vitest,
    ({ namespace, ...options }) =>
      new RedisSessionStore({ redis: testRedisUrl() as string, keyPrefix: `${prefix}${namespace}:`, ...options }),
    { name: 'redis', sharesState: true },
  );

  it('keeps a session in one small listpack hash, next to its affinity under the same hash tag', async () => {
    const store = new RedisSessionStore({ redis: testRedisUrl() as string, keyPrefix: `${prefix}layout:` });
    const session = newSession(
      'layout-1',
      { userId: 'user-1', apiKeyId: 'key-1', accountId: 'account-1' },
      Date.now(),
      60_000,
    );
    await store.create(session);
    await store.increment(session.id, { requestCount: 1, tokens: { input: 5 }, lastError: 'HTTP 529' });
    await store.claimAffinity(session.id, 'account-1');
    const sessionKey = `${prefix}layout:s:{layout-1}`;
    expect(await admin().object('ENCODING', sessionKey)).toBe('listpack');
    expect(await admin().pttl(sessionKey)).toBeGreaterThan(0);
    expect(await admin().get(`${prefix}layout:a:{layout-1}`)).toBe('account-1');
    // Index entries expire with their members.
    expect(await admin().pttl(`${prefix}layout:i:u:{user-1}`)).toBeGreaterThan(0);
    await store.close();
  });

  it('splits a busy index into buckets that each stay a listpack, and still finds every session', async () => {
    const keyPrefix = `${prefix}buckets:`;
    const store = new RedisSessionStore({ redis: testRedisUrl() as string, keyPrefix, indexBuckets: { accountId: 4 } });
    try {
      // 300 sessions on one account: one sorted set would leave listpack encoding (128 entries) for a skip list.
      const sessions = Array.from({ length: 300 }, (_, index) =>
        newSession(`bucketed-${index}`, { accountId: 'busy-account' }, Date.now(), 60_000),
      );
      await store.setMany(sessions);
      const buckets = await admin().keys(`${keyPrefix}i:a*`);
      expect(buckets).toHaveLength(4);
      for (const bucket of buckets) {
        expect(await admin().object('ENCODING', bucket)).toBe('listpack');
        expect(await admin().pttl(bucket)).toBeGreaterThan(0);
      }
      const found = await store.find({ accountId: 'busy-account' });
      expect(found.map((session) => session.id).sort()).toEqual(sessions.map((session) => session.id).sort());
      await store.delete('bucketed-7');
      expect(await store.find({ accountId: 'busy-account' })).toHaveLength(299);
    } finally {
      await store.close();
    }
  });

  it('uses a caller-owned ioredis client and leaves it open on close', async () => {
    const client = new Redis(testRedisUrl() as string);
    const store = new RedisSessionStore({ redis: client, keyPrefix: `${prefix}owned:` });
    await store.set(newSession('owned-1', {}, Date.now(), 60_000));
    await store.close();
    expect(await client.exists(`${prefix}owned:s:{owned-1}`)).toBe(1);
    await client.quit();
  });
});

it('rejects with StoreUnavailableError when its Redis stops, and works again once it is back', async () => {
  const server = await startRedisServer();
  const store = new RedisSessionStore({ redis: server.url, commandTimeoutMs: 500 });
  try {
    await store.create(newSession('outage-1', {}, Date.now(), 60_000));
    await server.stop();
    const error = await store.get('outage-1').then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).code).toBe('RELAY_ERR_STORE_UNAVAILABLE');
    await expect(store.claimAffinity('outage-1', 'account-a')).rejects.toBeInstanceOf(StoreUnavailableError);
    await server.restart();
    // A disk-less server comes back empty; what matters is that the store answers again.
    await vitest.vi.waitFor(async () => expect(await store.get('outage-1')).toBeUndefined(), { timeout: 15_000 });
  } finally {
    await store.close();
    await server.stop();
  }
});

it('rejects with StoreUnavailableError instead of hanging when Redis accepts but never answers', async () => {
  const silent: Server = createServer(() => {});
  const port = await findFreePort();
  await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
  const store = new RedisSessionStore({ redis: `redis://127.0.0.1:${port}`, commandTimeoutMs: 300 });
  try {
    await expect(store.get('anything')).rejects.toBeInstanceOf(StoreUnavailableError);
  } finally {
    await store.close();
    silent.close();
  }
});

it('names the bad option', () => {
  expect(() => new RedisSessionStore({ redis: 'redis://127.0.0.1:1', keyPrefix: 'a{b' })).toThrow(/keyPrefix/);
  expect(() => new RedisSessionStore({ redis: 'redis://127.0.0.1:1', commandTimeoutMs: 0 })).toThrow(
    /commandTimeoutMs/,
  );
  expect(() => new RedisSessionStore({ redis: 'redis://127.0.0.1:1', indexBuckets: { accountId: 0 } })).toThrow(
    /indexBuckets\.accountId/,
  );
});
