import { hasRedisServerBinary, type RedisServerProcess, startRedisServer } from '@relay/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SessionManager } from '../session-manager.js';
import { HybridSessionStore } from './hybrid.js';

/** Commands Redis executed since the last CONFIG RESETSTAT, the commands inside Lua scripts included. */
async function commandsExecuted(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  let total = 0;
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    // The counting itself is not the store's.
    if (name !== 'info' && name !== 'config') total += Number(calls);
  }
  return total;
}

const sessions = 1000;
const touchesPerSession = 20;
const ids = Array.from({ length: sessions }, (_, index) => `active-${index}`);
const accounts = ['account-a', 'account-b', 'account-c'];

/**
 * One relayed request as the relay's forwarder makes it: get-or-create, read the affinity, claim one, record (with
 * the account it went to, as the relay records every request).
 */
async function relayRequest(manager: SessionManager, id: string, index: number): Promise<void> {
  const session = await manager.getOrCreate(id, { userId: `user-${index % 50}`, apiKeyId: `key-${index % 5}` });
  const affinity =
    (await manager.getAffinity(session.id)) ??
    (await manager.claimAffinity(session.id, accounts[index % accounts.length] as string));
  await manager.recordRequest(session.id, {
    ok: true,
    status: 200,
    latencyMs: 1,
    accountId: affinity,
    tokens: { input: 10, output: 5 },
  });
  // Between two requests a server does I/O: timers and immediates (a store's own scheduled writes) get to run.
  await new Promise((resolve) => setImmediate(resolve));
}

const hasBinary = hasRedisServerBinary();
if (!hasBinary && process.env.CI === 'true') {
  throw new Error('redis-server is not on PATH: the command-count test cannot run (CI=true makes this a failure)');
}

// A private server: commandstats count every client of a server, so a shared one would count other tests too.
describe.skipIf(!hasBinary)('hybrid store: Redis commands at 1,000 active sessions', () => {
  let server: RedisServerProcess;
  let admin: Redis;
  let client: Redis;
  let roundTrips = 0;
  let store: HybridSessionStore;
  let manager: SessionManager;

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
    client = new Redis(server.url);
    // Counted where the store talks to Redis: every round trip is one pipeline (or one PUBLISH).
    for (const method of ['pipeline', 'publish'] as const) {
      const original = client[method].bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        roundTrips += 1;
        return original(...args);
      };
    }
    // The relay's defaults: batchSize 100, syncIntervalMs 60 s (the test runs the interval's sync itself).
    store = new HybridSessionStore({ redis: client, maxSessions: 10_000 });
    manager = new SessionManager({ store });
    await store.ready();
  }, 30_000);

  afterAll(async () => {
    await manager?.close();
    await client?.quit();
    await admin?.quit();
    await server?.stop();
  });

  it('a brand-new session costs at most 3 round trips', async () => {
    await admin.config('RESETSTAT');
    roundTrips = 0;
    for (const [index, id] of ids.entries()) await relayRequest(manager, id, index);
    const perSession = roundTrips / sessions;
    const commands = (await commandsExecuted(admin)) / sessions;
    console.info(`new session: ${perSession} round trips, ${commands.toFixed(1)} Redis commands (scripts' included)`);
    expect(perSession).toBeLessThanOrEqual(3);
    expect(manager.stats().created).toBe(sessions);
    await store.flush();
  });

  it(`${sessions} active sessions round robin cost at most 1 Redis command per request, amortised`, async () => {
    // The sessions exist and are active (a round to make sure, when this test runs alone): only their traffic counts.
    for (const [index, id] of ids.entries()) await relayRequest(manager, id, index);
    await store.flush();
    const reader = new Redis(server.url);
    const requestCounts = async () =>
      (await Promise.all(ids.map(async (id) => reader.hget(`relay:s:{${id}}`, 'n')))).map(Number);
    const before = await requestCounts();

    await admin.config('RESETSTAT');
    for (let touch = 0; touch < touchesPerSession; touch += 1) {
      for (const [index, id] of ids.entries()) await relayRequest(manager, id, index);
    }
    // What the sync interval does when it fires.
    await store.flush();
    const requests = sessions * touchesPerSession;
    const perRequest = (await commandsExecuted(admin)) / requests;
    console.info(`${sessions} sessions x ${touchesPerSession}: ${perRequest.toFixed(3)} Redis commands per request`);
    expect(perRequest).toBeLessThanOrEqual(1);
    // Every request reached Redis, once.
    const after = await requestCounts();
    expect(after.map((count, position) => count - (before[position] as number))).toEqual(
      ids.map(() => touchesPerSession),
    );
    await reader.quit();
  }, 120_000);

  it(`the relay's pattern: ${sessions} sessions each touched every 2 s, synced every second, cost a few commands per request`, async () => {
    // The relay syncs every second (its sessions.syncIntervalMs default); here each interval is a flush, and only
    // Date is faked, so that the 8 simulated seconds start just past a ten-minute index step (none is crossed).
    const stepMs = 10 * 60_000;
    vi.useFakeTimers({ toFake: ['Date'], now: Math.ceil(Date.now() / stepMs) * stepMs + 1000 });
    const relayStore = new HybridSessionStore({
      redis: client,
      keyPrefix: 'relay-pattern:',
      syncIntervalMs: 3_600_000,
    });
    const relay = new SessionManager({ store: relayStore });
    const reader = new Redis(server.url);
    try {
      await relayStore.ready();
      // Warm-up, as users have it: every session exists, holds its affinity and has been written once.
      for (let round = 0; round < 2; round += 1) {
        for (const [index, id] of ids.entries()) await relayRequest(relay, id, index);
        await relayStore.flush();
      }
      await admin.config('RESETSTAT');
      const intervals = 8;
      for (let interval = 0; interval < intervals; interval += 1) {
        vi.setSystemTime(Date.now() + 1000);
        for (const [index, id] of ids.entries()) {
          if (index % 2 === interval % 2) await relayRequest(relay, id, index);
        }
        await relayStore.flush();
      }
      const requests = (sessions * intervals) / 2;
      const perRequest = (await commandsExecuted(admin)) / requests;
      console.info(
        `relay pattern, ${sessions} sessions every 2 s, sync every 1 s: ${perRequest.toFixed(2)} commands per request`,
      );
      // One write per session per interval: its script (HMGET, HSET, PEXPIREAT) and its affinity's slide. Recording
      // the account the session already has moves no index entry (it moved three, 15 commands, on every write).
      expect(perRequest).toBeLessThanOrEqual(6);
      const counts = await Promise.all(
        ids.map(async (id) => Number(await reader.hget(`relay-pattern:s:{${id}}`, 'n'))),
      );
      expect(counts).toEqual(ids.map(() => 2 + intervals / 2));
    } finally {
      vi.useRealTimers();
      await relay.close();
      await reader.quit();
    }
  }, 120_000);
});
