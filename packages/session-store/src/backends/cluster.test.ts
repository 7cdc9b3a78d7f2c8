import { deleteKeys, hasRedisServerBinary, type RedisClusterProcess, startRedisCluster } from '@relay/test-support';
import { Cluster } from 'ioredis';
import * as vitest from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession } from '../session.js';
import { sessionStoreTestSuite } from '../testing/session-store-test-suite.js';
import { HybridSessionStore } from './hybrid.js';
import { RedisSessionStore } from './redis.js';

const hasBinary = hasRedisServerBinary();
if (!hasBinary && process.env.CI === 'true') {
  throw new Error('redis-server is not on PATH: the Redis Cluster suite cannot run (CI=true makes this a failure)');
}

describe.skipIf(!hasBinary)('a real 3-master Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  let client: Cluster;
  const prefix = 'relay-test:cluster:';

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    client = new Cluster([...cluster.nodes], { redisOptions: { commandTimeout: 2000 } });
    client.on('error', () => {});
  }, 60_000);

  afterAll(async () => {
    await deleteKeys(client, prefix);
    await client.quit();
    await cluster.stop();
  });

  sessionStoreTestSuite(
    vitest,
    ({ namespace, ...options }) =>
      new RedisSessionStore({ redis: client, keyPrefix: `${prefix}${namespace}:`, ...options }),
    { name: 'redis on Redis Cluster', sharesState: true },
  );

  sessionStoreTestSuite(
    vitest,
    async ({ namespace, ...options }) => {
      const store = new HybridSessionStore({ redis: client, keyPrefix: `${prefix}${namespace}:`, ...options });
      await store.ready();
      return store;
    },
    {
      name: 'hybrid on Redis Cluster',
      sharesState: true,
      sync: async (store) => (store as HybridSessionStore).flush(),
    },
  );

  it('spreads sessions over every master and batches across them', async () => {
    const store = new RedisSessionStore({ redis: client, keyPrefix: `${prefix}spread:` });
    const sessions = Array.from({ length: 60 }, (_, index) => newSession(`spread-${index}`, {}, Date.now(), 60_000));
    await store.setMany(sessions);
    expect((await store.getMany(sessions.map((session) => session.id))).filter(Boolean)).toHaveLength(60);
    const perMaster = await Promise.all(
      client.nodes('master').map(async (node) => (await node.keys(`${prefix}spread:s:*`)).length),
    );
    expect(perMaster).toHaveLength(3);
    for (const count of perMaster) expect(count).toBeGreaterThan(0);
    await store.close();
  });
});
