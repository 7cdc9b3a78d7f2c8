import {
  HybridSessionStore,
  MemorySessionStore,
  SessionManager,
  type SessionManagerEvents,
  type SessionStore,
} from '@relay/session-store';
import { startRedisServer, waitFor } from '@relay/test-support';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { parseExposition, sampleValue } from '../__fixtures__/parse-exposition.js';
import { createRelayMetrics, type RelayMetrics } from '../relay-metrics.js';
import type { ObservedSessionEvents, ObservedSessionManager } from './observed-types.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function managerOf(store: SessionStore): SessionManager {
  const manager = new SessionManager({ store });
  cleanups.push(() => manager.close());
  return manager;
}

function metricsFor(): RelayMetrics {
  const metrics = createRelayMetrics({ defaultMetrics: false, evaluationIntervalMs: false });
  cleanups.push(() => metrics.close());
  return metrics;
}

async function scrape(metrics: RelayMetrics) {
  return parseExposition((await metrics.metrics()).body);
}

const managerEvents = Object.keys({
  'session-created': 0,
  'session-ended': 0,
  'session-expired': 0,
  'batch-synced': 0,
  'changes-dropped': 0,
} satisfies Record<keyof ObservedSessionEvents, 0>) as (keyof ObservedSessionEvents & keyof SessionManagerEvents)[];

describe('collectSessions (memory backend)', () => {
  it('fits a real SessionManager as it is (a type test, checked by tsc)', () => {
    expectTypeOf<SessionManager>().toExtend<ObservedSessionManager>();
  });

  it('reports created, ended, expired and evicted sessions, active sessions and cache lookups', async () => {
    const manager = managerOf(new MemorySessionStore({ maxSessions: 5, ttlMs: 60_000 }));
    const metrics = metricsFor();
    metrics.collectSessions(manager);

    for (const id of ['s1', 's2', 's3', 's4', 's5']) await manager.getOrCreate(id);
    for (const id of ['s1', 's2', 's3']) await manager.getOrCreate(id);
    expect(await manager.end('s1')).toBe(true);
    // The cap is 5 sessions: two more push out the two least recently used (s4, s5).
    await manager.getOrCreate('s6');
    await manager.getOrCreate('s7');
    await manager.getOrCreate('s8');

    const stats = manager.stats();
    const store = manager.store.stats();
    expect(stats).toMatchObject({ created: 8, ended: 1, activeSessions: 5 });
    const exposition = await scrape(metrics);
    expect(sampleValue(exposition, 'relay_sessions_created_total')).toBe(8);
    expect(sampleValue(exposition, 'relay_sessions_active')).toBe(5);
    expect(sampleValue(exposition, 'relay_sessions_ended_total', { reason: 'ended' })).toBe(1);
    expect(sampleValue(exposition, 'relay_sessions_ended_total', { reason: 'evicted' })).toBe(2);
    expect(sampleValue(exposition, 'relay_session_cache_lookups_total', { result: 'hit' })).toBe(store.hits);
    expect(sampleValue(exposition, 'relay_session_cache_lookups_total', { result: 'miss' })).toBe(store.misses);
    expect(store).toMatchObject({ hits: 3, misses: 8 });
    expect(sampleValue(exposition, 'relay_session_store_degraded')).toBe(0);
    expect(sampleValue(exposition, 'relay_session_unsynced_changes')).toBe(0);

    // Survival over the window: 1 ended on purpose, 2 evicted early.
    expect(metrics.windowStats()).toMatchObject({
      sessionsEnded: 3,
      sessionsEndedEarly: 2,
      cacheLookups: 11,
      cacheHits: 3,
    });
    expect(metrics.windowStats().sessionSurvivalRate).toBeCloseTo(1 / 3);
  });

  it('counts sessions that expire after their idle time to live', async () => {
    const manager = managerOf(new MemorySessionStore({ ttlMs: 50 }));
    const metrics = metricsFor();
    metrics.collectSessions(manager);
    await manager.getOrCreate('short-lived');
    const expired = new Promise((resolve) => manager.once('session-expired', resolve));
    await waitFor(async () => (await manager.get('short-lived')) === undefined);
    await expired;
    const exposition = await scrape(metrics);
    expect(sampleValue(exposition, 'relay_sessions_expired_total')).toBe(1);
    expect(sampleValue(exposition, 'relay_sessions_ended_total', { reason: 'expired' })).toBe(1);
    expect(sampleValue(exposition, 'relay_sessions_ended_total', { reason: 'evicted' })).toBeUndefined();
    expect(metrics.windowStats()).toMatchObject({ sessionsEnded: 1, sessionsEndedEarly: 0, sessionSurvivalRate: 1 });
  });

  it("fires the cache-hit-rate alert from a real manager's lookups", async () => {
    const manager = managerOf(new MemorySessionStore());
    const metrics = metricsFor();
    metrics.collectSessions(manager);
    // 60 new sessions (misses) and 40 returning lookups (hits): 0.4 < 0.8.
    for (let index = 0; index < 60; index += 1) await manager.getOrCreate(`s${index}`);
    for (let index = 0; index < 40; index += 1) await manager.getOrCreate(`s${index}`);
    const firing = metrics.evaluate();
    expect(firing).toEqual([expect.objectContaining({ name: 'cache-hit-rate', value: 0.4 })]);
  });

  it('detaches cleanly: no listener left, nothing recorded afterwards', async () => {
    const manager = managerOf(new MemorySessionStore());
    const metrics = metricsFor();
    const before = managerEvents.map((event) => manager.listenerCount(event));
    const collector = metrics.collectSessions(manager);
    await manager.getOrCreate('before');
    collector.detach();
    collector.detach();
    expect(managerEvents.map((event) => manager.listenerCount(event))).toEqual(before);
    await manager.getOrCreate('after');
    await manager.getOrCreate('after');
    const exposition = await scrape(metrics);
    expect(sampleValue(exposition, 'relay_sessions_created_total')).toBe(1);
    expect(sampleValue(exposition, 'relay_session_cache_lookups_total', { result: 'hit' })).toBeUndefined();
    expect(sampleValue(exposition, 'relay_sessions_active')).toBe(0);
  });
});

describeWithRedis('collectSessions (hybrid backend, real Redis)', () => {
  it('reports unsynced changes and sync batches', async () => {
    const store = new HybridSessionStore({
      redis: testRedisUrl() as string,
      keyPrefix: uniqueKeyPrefix('metrics'),
      syncIntervalMs: 600_000,
    });
    await store.ready();
    const manager = managerOf(store);
    const metrics = metricsFor();
    metrics.collectSessions(manager);

    // A create is written through (atomic across instances); what waits for the sync is each request recorded.
    for (const id of ['h1', 'h2', 'h3']) {
      await manager.getOrCreate(id);
      await manager.recordRequest(id, { ok: true, status: 200, latencyMs: 1 });
    }
    const unsynced = manager.stats().unsyncedChanges;
    expect(unsynced).toBeGreaterThan(0);
    expect(sampleValue(await scrape(metrics), 'relay_session_unsynced_changes')).toBe(unsynced);

    await store.flush();
    const exposition = await scrape(metrics);
    expect(sampleValue(exposition, 'relay_session_unsynced_changes')).toBe(0);
    expect(sampleValue(exposition, 'relay_session_sync_batches_total')).toBe(manager.stats().syncBatches);
    expect(manager.stats().syncBatches).toBeGreaterThan(0);
    expect(sampleValue(exposition, 'relay_session_store_degraded')).toBe(0);
  });

  it('reports the degraded flag while its Redis is down', async () => {
    const server = await startRedisServer();
    cleanups.push(() => server.stop());
    const store = new HybridSessionStore({
      redis: server.url,
      keyPrefix: uniqueKeyPrefix('metrics-degraded'),
      syncIntervalMs: 600_000,
      commandTimeoutMs: 200,
    });
    await store.ready();
    const manager = managerOf(store);
    const metrics = metricsFor();
    metrics.collectSessions(manager);

    await server.stop();
    await manager.getOrCreate('while-down');
    await store.flush().catch(() => undefined);
    await waitFor(() => manager.stats().degraded);
    expect(sampleValue(await scrape(metrics), 'relay_session_store_degraded')).toBe(1);

    await server.restart();
    await waitFor(async () => {
      await store.flush().catch(() => undefined);
      return !manager.stats().degraded;
    });
    expect(sampleValue(await scrape(metrics), 'relay_session_store_degraded')).toBe(0);
  });
});
