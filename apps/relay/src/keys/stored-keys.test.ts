import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRedisServerBinary, type RedisClusterProcess, startRedisCluster, waitFor } from '@relay/test-support';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { Cluster, Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey, hashClientKey } from '../auth/client-key.js';
import { ClientRegistry } from '../auth/client-registry.js';
import { StateFile } from '../auth/state-file.js';
import { KeyExistsError, KeyNotManagedError } from './key-errors.js';
import type { KeyStore } from './key-store.js';
import { RedisKeyStore } from './redis-key-store.js';
import { StateFileKeyStore } from './state-file-key-store.js';
import { StoredKeys } from './stored-keys.js';

const configKey = generateClientKey();
const silent = pino({ level: 'silent' });

/** One relay instance's keys: its registry (with one config key) over its own store object. */
function instance(store: KeyStore, lastUsedFlushMs = 60_000) {
  const clients = new ClientRegistry([
    { id: 'from-config', keyHash: hashClientKey(configKey), userId: undefined, maxConcurrency: 1, source: 'config' },
  ]);
  const keys = new StoredKeys({ store, clients, logger: silent, lastUsedFlushMs });
  return { clients, keys };
}

describeWithRedis('StoredKeys on a real Redis', () => {
  const connections: Redis[] = [];
  const running: StoredKeys[] = [];
  const connect = () => {
    const redis = new Redis(testRedisUrl() as string);
    connections.push(redis);
    return redis;
  };
  const start = async (keyPrefix: string, options: { rejected?: string[]; lastUsedFlushMs?: number } = {}) => {
    const store = new RedisKeyStore({
      redis: connect(),
      keyPrefix,
      resyncIntervalMs: 200,
      onRejected: (reason) => options.rejected?.push(reason),
    });
    const one = instance(store, options.lastUsedFlushMs);
    running.push(one.keys);
    await one.keys.start();
    return one;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async (keys) => keys.close()));
    for (const redis of connections.splice(0)) redis.disconnect();
  });

  it('a key created on one instance authenticates on the other; revoked, it stops there too', async () => {
    const keyPrefix = uniqueKeyPrefix('stored-keys');
    const [first, second] = [await start(keyPrefix), await start(keyPrefix)];
    const { key } = await first.keys.create({ id: 'team', models: ['claude-sonnet-*'] });
    expect(first.clients.authenticate(key)?.id).toBe('team');
    await waitFor(() => second.clients.authenticate(key)?.models?.[0] === 'claude-sonnet-*');

    await first.keys.update('team', { models: ['claude-haiku-*'] });
    await waitFor(() => second.clients.authenticate(key)?.models?.[0] === 'claude-haiku-*');

    await first.keys.revoke('team');
    expect(first.clients.authenticate(key)).toBeUndefined();
    await waitFor(() => second.clients.authenticate(key) === undefined);
    // Only the hash is stored.
    const stored = await connect().hgetall(`${keyPrefix}{keys}:records`);
    expect(JSON.stringify(stored)).not.toContain(key);
  });

  it('heals a change whose message was lost, from the change counter', async () => {
    const keyPrefix = uniqueKeyPrefix('stored-keys-lost');
    const { clients } = await start(keyPrefix);
    const key = generateClientKey();
    const redis = connect();
    // A peer wrote the record but its PUBLISH never arrived.
    const record = { id: 'silent', keyHash: hashClientKey(key), createdAt: Date.now() };
    await redis.hset(`${keyPrefix}{keys}:records`, 'silent', JSON.stringify(record));
    await redis.incr(`${keyPrefix}{keys}:version`);
    await waitFor(() => clients.authenticate(key)?.id === 'silent');
    await redis.hdel(`${keyPrefix}{keys}:records`, 'silent');
    await redis.incr(`${keyPrefix}{keys}:version`);
    await waitFor(() => clients.authenticate(key) === undefined);
  });

  it('drops garbage on the channel and in the records, and changes nothing', async () => {
    const keyPrefix = uniqueKeyPrefix('stored-keys-garbage');
    const rejected: string[] = [];
    const first = await start(keyPrefix, { rejected });
    const { key } = await first.keys.create({ id: 'kept' });
    const redis = connect();
    const channel = `${keyPrefix}{keys}:changes`;
    const forged = generateClientKey();
    // A forged record under another id, one that is not JSON, one with the config key's hash.
    await redis.hset(`${keyPrefix}{keys}:records`, {
      evil: JSON.stringify({ id: 'other', keyHash: hashClientKey(forged), createdAt: 1 }),
      broken: '{not json',
      clash: JSON.stringify({ id: 'clash', keyHash: hashClientKey(configKey), createdAt: 1 }),
    });
    for (const message of [
      'not json',
      '{"id":5}',
      JSON.stringify({ id: 'x'.repeat(10_000) }),
      '[]',
      'null',
      JSON.stringify({ id: 'evil' }),
      JSON.stringify({ id: 'broken' }),
      JSON.stringify({ id: 'clash' }),
      JSON.stringify({ id: 'kept', keyHash: hashClientKey(forged) }),
      JSON.stringify({ id: 'from-config' }),
    ]) {
      await redis.publish(channel, message);
    }
    // Five messages and two records (the record not JSON is read last, after its message).
    await waitFor(() => rejected.length >= 7);
    expect(rejected).toEqual(
      expect.arrayContaining([
        'a key change that is not JSON',
        'a key change of the wrong shape',
        'a stored key record under another id',
        'a stored key record that is not JSON',
      ]),
    );
    expect(first.clients.authenticate(forged)).toBeUndefined();
    expect(first.clients.authenticate(key)?.id).toBe('kept');
    expect(first.clients.authenticate(configKey)?.source).toBe('config');
    expect(
      first.clients
        .list()
        .map((client) => client.id)
        .sort(),
    ).toEqual(['from-config', 'kept']);
  });

  it('keeps config keys out of reach: no stored key with their id, no change through the store', async () => {
    const keyPrefix = uniqueKeyPrefix('stored-keys-config');
    const { keys } = await start(keyPrefix);
    await expect(keys.create({ id: 'from-config' })).rejects.toBeInstanceOf(KeyExistsError);
    await expect(keys.update('from-config', { models: ['*'] })).rejects.toBeInstanceOf(KeyNotManagedError);
    await expect(keys.revoke('from-config')).rejects.toThrow(/comes from the config file/);
    await keys.create({ id: 'mine' });
    await expect(keys.create({ id: 'mine' })).rejects.toBeInstanceOf(KeyExistsError);
  });

  it('a key revoked on another instance while a PATCH was in flight here stays revoked here', async () => {
    const keyPrefix = uniqueKeyPrefix('stored-keys-race');
    const other = await start(keyPrefix);
    // No resync during the test: only the order of the changes decides what this instance holds.
    const real = new RedisKeyStore({ redis: connect(), keyPrefix, resyncIntervalMs: 60_000 });
    let afterWrite: (() => Promise<void>) | undefined;
    // The real store, whose update answers only after something else happened (the revoke on the other instance).
    const racing: KeyStore = {
      list: () => real.list(),
      get: (id) => real.get(id),
      create: (record) => real.create(record),
      update: async (id, change) => {
        const updated = await real.update(id, change);
        await afterWrite?.();
        return updated;
      },
      delete: (id) => real.delete(id),
      recordLastUsed: (times) => real.recordLastUsed(times),
      watch: (listener) => real.watch(listener),
      close: () => real.close(),
    };
    const here = instance(racing);
    running.push(here.keys);
    await here.keys.start();
    const { key } = await here.keys.create({ id: 'team' });
    await waitFor(() => other.clients.authenticate(key)?.id === 'team');
    afterWrite = async () => {
      await other.keys.revoke('team');
      // The revoke's message reached this instance, which dropped the key.
      await waitFor(() => here.clients.authenticate(key) === undefined);
    };
    await here.keys.update('team', { models: ['claude-haiku-*'] });
    expect(here.clients.authenticate(key)).toBeUndefined();
    expect(await other.keys.get('team')).toBeUndefined();
  });

  it('writes the last use once per flush, and the other instance shows it', async () => {
    const keyPrefix = uniqueKeyPrefix('stored-keys-last-used');
    const first = await start(keyPrefix, { lastUsedFlushMs: 100 });
    const second = await start(keyPrefix);
    await first.keys.create({ id: 'busy' });
    const usedAt = Date.now();
    for (let index = 0; index < 1000; index += 1) first.keys.recordUse('busy', usedAt);
    await waitFor(async () => (await second.keys.get('busy'))?.view.lastUsedAt === new Date(usedAt).toISOString());
  });
});

describe('StoredKeys on the state file', () => {
  it("two processes on one file see each other's keys, and only hashes are written", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'relay-keys-')), 'state.json');
    const open = () => instance(new StateFileKeyStore({ stateFile: new StateFile(file), pollIntervalMs: 20 }));
    const first = open();
    const second = open();
    await Promise.all([first.keys.start(), second.keys.start()]);
    try {
      const { key } = await first.keys.create({ id: 'ci', expiresAt: Date.parse('2030-01-01T00:00:00Z') });
      await waitFor(() => second.clients.authenticate(key)?.expiresAt === Date.parse('2030-01-01T00:00:00Z'));
      const stored = new StateFile(file).read();
      expect(stored).toEqual([expect.objectContaining({ id: 'ci', expiresAt: '2030-01-01T00:00:00.000Z' })]);
      expect(JSON.stringify(stored)).not.toContain(key);
      await second.keys.revoke('ci');
      await waitFor(() => first.clients.authenticate(key) === undefined);
    } finally {
      await Promise.all([first.keys.close(), second.keys.close()]);
    }
  });
});

describe.skipIf(!hasRedisServerBinary())('StoredKeys on a real 3-master Redis Cluster', { timeout: 60_000 }, () => {
  let cluster: RedisClusterProcess | undefined;
  const connections: Cluster[] = [];
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(async () => {
    for (const connection of connections) connection.disconnect();
    await cluster?.stop();
  });

  it('creates, changes and revokes across two instances (every key of the store in one slot)', async () => {
    const open = () => {
      const connection = new Cluster([...(cluster as RedisClusterProcess).nodes]);
      connections.push(connection);
      return instance(
        new RedisKeyStore({ redis: connection, keyPrefix: 'relay-keys-cluster:', resyncIntervalMs: 200 }),
      );
    };
    const [first, second] = [open(), open()];
    await Promise.all([first.keys.start(), second.keys.start()]);
    try {
      const { key } = await first.keys.create({ id: 'spread', limits: { concurrency: 2 } });
      await waitFor(() => second.clients.authenticate(key)?.limits?.concurrency === 2);
      await second.keys.update('spread', { limits: { concurrency: 3 } });
      await waitFor(() => first.clients.authenticate(key)?.limits?.concurrency === 3);
      second.keys.recordUse('spread', Date.now());
      await second.keys.revoke('spread');
      await waitFor(() => first.clients.authenticate(key) === undefined);
      expect(await first.keys.list()).toEqual([expect.objectContaining({ id: 'from-config' })]);
    } finally {
      await Promise.all([first.keys.close(), second.keys.close()]);
    }
  });
});
