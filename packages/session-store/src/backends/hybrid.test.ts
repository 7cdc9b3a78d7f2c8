import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '@relay/test-support';
import { describeWithRedis, redisKeySpace } from '@relay/test-support/vitest';
import { Redis } from 'ioredis';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import { nextEvent } from '../__fixtures__/next-event.js';
import { ReplyLosingProxy } from '../__fixtures__/reply-losing-proxy.js';
import { StoreUnavailableError } from '../errors.js';
import type { ChangesDroppedEvent, MessageRejectedEvent } from '../events.js';
import { newSession } from '../session.js';
import { SessionManager } from '../session-manager.js';
import type { SessionStore } from '../session-store.js';
import { sessionStoreTestSuite } from '../testing/session-store-test-suite.js';
import { HybridSessionStore } from './hybrid.js';
import { RedisSessionStore } from './redis.js';

const flush = async (store: SessionStore) => (store as HybridSessionStore).flush();

describeWithRedis('HybridSessionStore', () => {
  const { prefix, admin, url } = redisKeySpace('session-store-hybrid');

  sessionStoreTestSuite(
    vitest,
    async ({ namespace, ...options }) => {
      const store = new HybridSessionStore({ redis: url(), keyPrefix: `${prefix}${namespace}:`, ...options });
      await store.ready();
      return store;
    },
    { name: 'hybrid', sharesState: true, sync: flush },
  );

  it('drops a stale cached copy when another instance announces a change', async () => {
    const keyPrefix = `${prefix}pubsub:`;
    const first = new HybridSessionStore({ redis: url(), keyPrefix });
    const second = new HybridSessionStore({ redis: url(), keyPrefix });
    try {
      await Promise.all([first.ready(), second.ready()]);
      await first.create(newSession('shared-1', {}, Date.now(), 60_000));
      await first.flush();
      expect((await second.get('shared-1'))?.requestCount).toBe(0);
      for (let index = 0; index < 3; index += 1) await first.increment('shared-1', { requestCount: 1 });
      await first.flush();
      // Without the announcement the second instance would serve its cached copy for the whole cache TTL.
      await vitest.vi.waitFor(async () => expect((await second.get('shared-1'))?.requestCount).toBe(3), {
        timeout: 10_000,
      });
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('holds changes until the sync, then writes each changed session once, in batches of batchSize', async () => {
    const keyPrefix = `${prefix}batches:`;
    const store = new HybridSessionStore({ redis: url(), keyPrefix, batchSize: 10, syncIntervalMs: 3_600_000 });
    const reader = new RedisSessionStore({ redis: url(), keyPrefix });
    try {
      const ids = Array.from({ length: 25 }, (_, index) => `batch-${index}`);
      for (const id of ids) await store.create(newSession(id, {}, Date.now(), 60_000));
      for (let round = 0; round < 4; round += 1) {
        for (const id of ids) await store.increment(id, { requestCount: 1 });
      }
      // Far more than batchSize sessions changed: nothing is written before the sync.
      await new Promise((resolve) => setImmediate(resolve));
      expect(store.stats().syncBatches).toBe(0);
      expect(store.stats().unsyncedChanges).toBe(25);
      expect((await reader.getMany(ids)).map((session) => session?.requestCount)).toEqual(ids.map(() => 0));
      await store.flush();
      expect(store.stats().syncBatches).toBe(3);
      expect(store.stats().unsyncedChanges).toBe(0);
      expect((await reader.getMany(ids)).map((session) => session?.requestCount)).toEqual(ids.map(() => 4));
    } finally {
      await Promise.all([store.close(), reader.close()]);
    }
  });

  it('drops and reports garbage published on its change channel, and keeps working', async () => {
    const keyPrefix = `${prefix}garbage:`;
    const first = new HybridSessionStore({ redis: url(), keyPrefix });
    const second = new HybridSessionStore({ redis: url(), keyPrefix });
    const publisher = new Redis(url());
    const rejected: MessageRejectedEvent[] = [];
    second.on('message-rejected', (event) => rejected.push(event));
    try {
      await Promise.all([first.ready(), second.ready()]);
      await first.create(newSession('garbage-1', {}, Date.now(), 60_000));
      await first.flush();
      expect((await second.get('garbage-1'))?.requestCount).toBe(0);
      const garbage = ['{"from":"x","sessions":5}', 'null', '{"from":"x","affinities":[{}]}', 'not json', '[]'];
      for (const message of garbage) await publisher.publish(`${keyPrefix}changes`, message);
      await vitest.vi.waitFor(() => expect(rejected).toHaveLength(garbage.length), { timeout: 10_000 });
      expect(rejected.map((event) => event.source)).toEqual(garbage.map(() => 'change-channel'));
      expect(rejected.map((event) => event.key)).toEqual(garbage.map(() => `${keyPrefix}changes`));
      // Still listening: a real announcement after the garbage drops the stale copy.
      await first.increment('garbage-1', { requestCount: 2 });
      await first.flush();
      await vitest.vi.waitFor(async () => expect((await second.get('garbage-1'))?.requestCount).toBe(2), {
        timeout: 10_000,
      });
    } finally {
      await Promise.all([first.close(), second.close(), publisher.quit()]);
    }
  });

  it('reads a session hash that does not decode as no session, and reports it', async () => {
    const keyPrefix = `${prefix}bad-hash:`;
    const store = new HybridSessionStore({ redis: url(), keyPrefix });
    const rejected: MessageRejectedEvent[] = [];
    store.on('message-rejected', (event) => rejected.push(event));
    try {
      await admin().hset(`${keyPrefix}s:{bad-1}`, { c: '1', x: String(Date.now() + 60_000), n: 'many', m: '[1]' });
      expect(await store.get('bad-1')).toBeUndefined();
      expect(rejected).toEqual([
        { source: 'session-hash', key: `${keyPrefix}s:{bad-1}`, reason: expect.stringContaining('do not decode') },
      ]);
    } finally {
      await store.close();
    }
  });

  it('writes at least every syncIntervalMs', async () => {
    const keyPrefix = `${prefix}interval:`;
    const store = new HybridSessionStore({ redis: url(), keyPrefix, syncIntervalMs: 20 });
    const reader = new RedisSessionStore({ redis: url(), keyPrefix });
    try {
      await store.create(newSession('interval-1', {}, Date.now(), 60_000));
      await store.increment('interval-1', { requestCount: 2 });
      await vitest.vi.waitFor(async () => expect((await reader.get('interval-1'))?.requestCount).toBe(2), {
        timeout: 10_000,
      });
    } finally {
      await Promise.all([store.close(), reader.close()]);
    }
  });

  it('replays a batch whose replies were lost without counting anything twice', async () => {
    const keyPrefix = `${prefix}exactly-once:`;
    const proxy = await ReplyLosingProxy.start(url());
    const store = new HybridSessionStore({
      redis: proxy.url,
      keyPrefix,
      syncIntervalMs: 3_600_000,
      commandTimeoutMs: 1000,
    });
    const manager = new SessionManager({ store });
    const reader = new RedisSessionStore({ redis: url(), keyPrefix });
    const ids = ['once-1', 'once-2', 'once-3'];
    const record = async (sessionIds: readonly string[], count: number) => {
      for (const id of sessionIds) {
        for (let index = 0; index < count; index += 1) {
          await manager.recordRequest(id, { ok: true, status: 200, latencyMs: 1, tokens: { input: 1, output: 2 } });
        }
      }
    };
    const expectTotals = async (id: string, requests: number) => {
      const stored = await reader.get(id);
      expect(stored?.requestCount).toBe(requests);
      expect(stored?.tokens.input).toBe(requests);
      expect(stored?.tokens.output).toBe(2 * requests);
    };
    try {
      await store.ready();
      for (const id of ids) await manager.getOrCreate(id, { userId: 'user-1' });
      await record(ids, 4);
      await store.flush();

      // A batch with counter deltas and a new session: Redis runs it, but every reply is lost.
      await record(ids, 6);
      await manager.getOrCreate('once-new', { userId: 'user-1' });
      await record(['once-new'], 2);
      proxy.loseReplies();
      const degraded = nextEvent(manager, 'store-degraded');
      await expect(store.flush()).rejects.toBeInstanceOf(StoreUnavailableError);
      await degraded;
      await vitest.vi.waitFor(async () => expectTotals('once-1', 10), { timeout: 10_000 });
      await expectTotals('once-new', 2);

      // Redis drops the connection; on reconnect ioredis resends what went unanswered and the store replays the
      // batch it could not confirm: both land on sessions that already hold it.
      const recovered = nextEvent(manager, 'store-recovered');
      proxy.forwardReplies();
      for (const address of proxy.upstreamAddresses()) await admin().client('KILL', 'ADDR', address);
      expect((await recovered).replayedChanges).toBeGreaterThan(0);
      for (const id of ids) await expectTotals(id, 10);
      await expectTotals('once-new', 2);

      // Later batches still land, once.
      await record([...ids, 'once-new'], 1);
      await store.flush();
      for (const id of ids) await expectTotals(id, 11);
      await expectTotals('once-new', 3);
    } finally {
      await manager.close().catch(() => {});
      await reader.close();
      await proxy.close();
    }
  });

  it('flushes every change on close()', async () => {
    const keyPrefix = `${prefix}close:`;
    const store = new HybridSessionStore({ redis: url(), keyPrefix, syncIntervalMs: 3_600_000 });
    const manager = new SessionManager({ store });
    await manager.getOrCreate('close-1', { userId: 'user-1' });
    for (let index = 0; index < 5; index += 1) {
      await manager.recordRequest('close-1', {
        ok: index !== 4,
        status: index === 4 ? 529 : 200,
        latencyMs: 1,
        tokens: { output: 10 },
      });
    }
    await manager.claimAffinity('close-1', 'account-a');
    expect(manager.stats().unsyncedChanges).toBeGreaterThan(0);
    await manager.close();
    const reader = new RedisSessionStore({ redis: url(), keyPrefix });
    const stored = await reader.get('close-1');
    expect(stored?.requestCount).toBe(5);
    expect(stored?.errorCount).toBe(1);
    expect(stored?.tokens.output).toBe(50);
    expect(stored?.lastError).toBe('HTTP 529');
    expect(await reader.getAffinity('close-1')).toBe('account-a');
    await reader.close();
  });
});

it('keeps serving while Redis is stopped, and replays every recorded change when it is back', async () => {
  // A persistent server, so that what was in Redis before the stop is still there after the restart.
  const directory = await mkdtemp(join(tmpdir(), 'relay-hybrid-outage-'));
  const server = await startRedisServer({ args: ['--appendonly', 'yes', '--dir', directory] });
  const store = new HybridSessionStore({ redis: server.url, syncIntervalMs: 50, commandTimeoutMs: 500 });
  const manager = new SessionManager({ store });
  const record = async (id: string, count: number) => {
    for (let index = 0; index < count; index += 1) {
      await manager.recordRequest(id, { ok: true, status: 200, latencyMs: 1, tokens: { input: 1, output: 2 } });
    }
  };
  try {
    await store.ready();
    const before = ['before-1', 'before-2', 'before-3'];
    for (const id of before) {
      await manager.getOrCreate(id, { userId: 'user-1' });
      await record(id, 10);
    }
    await store.flush();

    const degraded = nextEvent(manager, 'store-degraded');
    await server.stop();
    // The relay keeps going: existing sessions, new sessions and affinity claims all answer from memory.
    for (const id of before) await record(id, 10);
    await manager.getOrCreate('during-1', { userId: 'user-1' });
    await record('during-1', 5);
    expect(await manager.claimAffinity('during-1', 'account-a')).toBe('account-a');
    await degraded;
    expect(manager.stats().degraded).toBe(true);
    expect(manager.stats().unsyncedChanges).toBeGreaterThan(0);

    const recovered = nextEvent(manager, 'store-recovered');
    await server.restart();
    expect((await recovered).replayedChanges).toBeGreaterThan(0);
    expect(manager.stats().degraded).toBe(false);
    expect(manager.stats().unsyncedChanges).toBe(0);

    const reader = new RedisSessionStore({ redis: server.url });
    for (const id of before) {
      const stored = await reader.get(id);
      expect(stored?.requestCount).toBe(20);
      expect(stored?.tokens.output).toBe(40);
    }
    expect((await reader.get('during-1'))?.requestCount).toBe(5);
    expect(await reader.getAffinity('during-1')).toBe('account-a');
    await reader.close();
  } finally {
    await manager.close().catch(() => {});
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
});

it('bounds the unsynced changes held during an outage and reports the oldest it drops', async () => {
  const server = await startRedisServer();
  const store = new HybridSessionStore({ redis: server.url, maxUnsyncedChanges: 5, commandTimeoutMs: 500 });
  try {
    await store.ready();
    await server.stop();
    const dropped: ChangesDroppedEvent[] = [];
    store.on('changes-dropped', (event) => dropped.push(event));
    for (let index = 0; index < 8; index += 1) await store.create(newSession(`held-${index}`, {}, Date.now(), 60_000));
    expect(dropped.flatMap((event) => event.sessionIds)).toEqual(['held-0', 'held-1', 'held-2']);
    expect(store.stats().droppedChanges).toBe(3);
    expect(store.stats().unsyncedChanges).toBe(5);
    // Still served from memory.
    expect((await store.get('held-0'))?.id).toBe('held-0');
  } finally {
    await store.close().catch(() => {});
    await server.stop();
  }
});
