import { startRedisServer } from '@relay/test-support';
import { describe, expect, it } from 'vitest';
import { HybridSessionStore } from './backends/hybrid.js';
import { MemorySessionStore } from './backends/memory.js';
import { RedisSessionStore } from './backends/redis.js';
import { createSessionStore } from './create-session-store.js';
import { InvalidOptionError, StoreUnavailableError } from './errors.js';
import type { SessionCreatedEvent, SessionEndedEvent } from './events.js';
import { SessionManager } from './session-manager.js';

describe('SessionManager', () => {
  it('creates a session once, reports it, and returns the same one after', async () => {
    const manager = new SessionManager({ store: new MemorySessionStore({ ttlMs: 60_000 }) });
    const created: SessionCreatedEvent[] = [];
    manager.on('session-created', (event) => created.push(event));
    const first = await manager.getOrCreate('s1', { userId: 'u1', apiKeyId: 'k1', accountId: 'a1' });
    const second = await manager.getOrCreate('s1', { userId: 'someone-else' });
    expect(second).toEqual(first);
    expect(first.expiresAt - first.createdAt).toBe(60_000);
    expect(created.map((event) => event.session.id)).toEqual(['s1']);
    expect(manager.stats()).toMatchObject({ backend: 'memory', activeSessions: 1, created: 1 });
  });

  it('records outcomes: counters, tokens, a short lastError and a moved account', async () => {
    const manager = new SessionManager({ store: new MemorySessionStore() });
    await manager.getOrCreate('s1', { userId: 'u1', accountId: 'a1' });
    await manager.recordRequest('s1', { ok: true, status: 200, latencyMs: 12, tokens: { input: 5, output: 7 } });
    const recorded: string[] = [];
    manager.on('request-recorded', (event) => recorded.push(`${event.status}@${event.accountId}`));
    const session = await manager.recordRequest('s1', {
      ok: false,
      status: 529,
      latencyMs: 30,
      accountId: 'a2',
      error: `overloaded_error: ${'x'.repeat(200)}`,
    });
    expect(session).toMatchObject({ requestCount: 2, errorCount: 1, accountId: 'a2' });
    expect(session?.tokens).toEqual({ input: 5, output: 7, cacheRead: 0, cacheCreation: 0 });
    expect(session?.lastError).toHaveLength(64);
    expect(recorded).toEqual(['529@a2']);
    expect((await manager.find({ accountId: 'a2' })).map((found) => found.id)).toEqual(['s1']);
    expect(await manager.find({ accountId: 'a1' })).toEqual([]);
  });

  it('ends a session with its affinity, and keeps affinity sticky until moved', async () => {
    const manager = new SessionManager({ store: new MemorySessionStore() });
    const ended: SessionEndedEvent[] = [];
    manager.on('session-ended', (event) => ended.push(event));
    const moves: Array<string | undefined> = [];
    manager.on('affinity-changed', (event) => moves.push(`${event.previousAccountId}->${event.accountId}`));
    await manager.getOrCreate('s1');
    expect(await manager.claimAffinity('s1', 'a1')).toBe('a1');
    expect(await manager.claimAffinity('s1', 'a2')).toBe('a1');
    await manager.moveAffinity('s1', 'a2', 'a1');
    expect(await manager.getAffinity('s1')).toBe('a2');
    expect(moves).toEqual(['a1->a2']);
    expect(await manager.end('s1')).toBe(true);
    expect(await manager.get('s1')).toBeUndefined();
    expect(await manager.getAffinity('s1')).toBeUndefined();
    expect(ended).toEqual([{ sessionId: 's1' }]);
    expect(manager.stats().ended).toBe(1);
  });

  it('reports the cache hit rate of its store', async () => {
    const manager = new SessionManager({ store: new MemorySessionStore() });
    await manager.getOrCreate('s1');
    for (let index = 0; index < 3; index += 1) await manager.getOrCreate('s1');
    // One miss (the first call), three hits.
    expect(manager.stats().cacheHitRate).toBe(0.75);
  });

  it('rejects fast with StoreUnavailableError on the redis store while Redis is down', async () => {
    const server = await startRedisServer();
    const manager = new SessionManager({ store: new RedisSessionStore({ redis: server.url, commandTimeoutMs: 500 }) });
    try {
      await manager.getOrCreate('s1', { userId: 'u1' });
      await server.stop();
      await expect(manager.getOrCreate('s1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(manager.recordRequest('s1', { ok: true, status: 200, latencyMs: 1 })).rejects.toMatchObject({
        code: 'RELAY_ERR_STORE_UNAVAILABLE',
      });
    } finally {
      await manager.close();
    }
  });
});

describe('createSessionStore', () => {
  it('builds the backend the config names, with TTLs in seconds', async () => {
    const memory = createSessionStore({ ttlSeconds: 90, affinityTtlSeconds: 30 });
    expect(memory).toBeInstanceOf(MemorySessionStore);
    expect([memory.ttlMs, memory.affinityTtlMs]).toEqual([90_000, 30_000]);
    const redis = createSessionStore({ store: 'redis', redisUrl: 'redis://127.0.0.1:1' });
    expect(redis).toBeInstanceOf(RedisSessionStore);
    const hybrid = createSessionStore({ store: 'hybrid', redisUrl: 'redis://127.0.0.1:1', syncIntervalMs: 5 });
    expect(hybrid).toBeInstanceOf(HybridSessionStore);
    await Promise.all([memory.close(), redis.close(), hybrid.close().catch(() => {})]);
  });

  it('names the bad option', () => {
    expect(() => createSessionStore({ store: 'redis' })).toThrow(/redisUrl/);
    expect(() => createSessionStore({ store: 'disk' as 'memory' })).toThrow(InvalidOptionError);
    expect(() => createSessionStore({ ttlSeconds: -1 })).toThrow(/ttlSeconds/);
  });
});
