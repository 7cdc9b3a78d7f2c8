import { deleteKeys, hasRedisServerBinary, type RedisClusterProcess, startRedisCluster } from '@relay/test-support';
import { Cluster } from 'ioredis';
import * as vitest from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quotaBackendTestSuite } from '../testing/quota-backend-test-suite.js';
import { zeroCounters } from './quota-backend.js';
import { RedisQuotaBackend } from './redis.js';

const hasBinary = hasRedisServerBinary();
if (!hasBinary && process.env.CI === 'true') {
  throw new Error('redis-server is not on PATH: the Redis Cluster suite cannot run (CI=true makes this a failure)');
}

describe.skipIf(!hasBinary)('a real 3-master Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  const clients: Cluster[] = [];
  const prefix = 'relay-test:quota-cluster:';
  const connect = () => {
    const client = new Cluster([...cluster.nodes], { redisOptions: { commandTimeout: 2000 } });
    client.on('error', () => {});
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  }, 60_000);

  afterAll(async () => {
    const [first] = clients;
    if (first) await deleteKeys(first, prefix);
    await Promise.all(clients.map(async (client) => client.quit().catch(() => {})));
    await cluster.stop();
  });

  // A Cluster client per backend: two of one namespace are two instances racing through the Cluster.
  quotaBackendTestSuite(
    vitest,
    ({ namespace }) => new RedisQuotaBackend({ redis: connect(), keyPrefix: `${prefix}${namespace}:` }),
    { name: 'redis on Redis Cluster', sharesState: true },
  );

  it('spreads keys over every master and writes a ledger batch across them', async () => {
    const client = connect();
    const backend = new RedisQuotaBackend({ redis: client, keyPrefix: `${prefix}spread:` });
    const deltas = Array.from({ length: 30 }, (_, index) => ({
      keyId: `key-${index}`,
      accountId: 'acct',
      model: 'claude-sonnet-4-5',
      day: '20261201',
      counters: { ...zeroCounters(), requests: 1, costMicroUsd: index },
    }));
    await backend.applyUsage(deltas, { writer: 'w', sequence: 1 });
    await backend.applyUsage(deltas, { writer: 'w', sequence: 1 });
    const rows = await backend.readUsage({
      keyIds: deltas.map((delta) => delta.keyId),
      fromDay: '20261201',
      toDay: '20261201',
    });
    expect(rows.map((row) => row.counters.requests)).toEqual(deltas.map(() => 1));
    const perMaster = await Promise.all(
      client.nodes('master').map(async (node) => (await node.keys(`${prefix}spread:*`)).length),
    );
    expect(perMaster).toHaveLength(3);
    for (const count of perMaster) expect(count).toBeGreaterThan(0);
    await backend.close();
  });
});
