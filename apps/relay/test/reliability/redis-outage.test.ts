import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { RedisSessionStore } from '@relay/session-store';
import { hasRedisServerBinary, type RedisServerProcess, startRedisServer } from '@relay/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scopedSessionId } from '../../src/sessions/session-scope.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from '../relay-process.js';
import { adminStats, runClosedLoop, sendMessage, statusCounts } from './support.js';

const accounts = [
  { id: 'a', apiKey: 'sk-ant-outage-a' },
  { id: 'b', apiKey: 'sk-ant-outage-b' },
];
const adminToken = 'admin-token-reliability-redis';

let mock: MockAnthropic;
let redis: RedisServerProcess;

// A private redis-server, so that stopping it disturbs no other test.
describe.skipIf(!hasRedisServerBinary())('Redis outages', () => {
  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 4, record: 50 });
    // Persistent, as a production Redis is: a stop saves, a restart loads, so an outage loses no stored data.
    const directory = mkdtempSync(join(tmpdir(), 'relay-redis-outage-'));
    redis = await startRedisServer({ args: ['--dir', directory, '--save', '3600 1'] });
  });
  afterEach(async () => {
    await stopAllRelays();
  });
  afterAll(async () => {
    await redis.stop();
    await mock.close();
  });

  it('hybrid store: Redis stopped under load and restarted, no request fails, every count and token reaches Redis', async () => {
    const keyPrefix = `outage-${crypto.randomUUID().slice(0, 8)}:`;
    const relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts,
      sessions: { store: 'hybrid', redisUrl: redis.url, keyPrefix, syncIntervalMs: 200 },
      admin: { token: adminToken },
    });
    const sessionIds = Array.from({ length: 40 }, () => crypto.randomUUID());
    let stopping = false;
    const load = runClosedLoop({ relay, sessionIds, concurrency: 12, stop: () => stopping });

    await sleep(1_500);
    await redis.stop();
    await expect
      .poll(async () => (await adminStats(relay, adminToken)).sessions.degraded, { timeout: 10_000 })
      .toBe(true);
    await sleep(2_500);
    await redis.restart();
    // From here on Redis runs again whatever the assertions say (the next test needs it).
    await expect
      .poll(async () => (await adminStats(relay, adminToken)).sessions.degraded, { timeout: 15_000 })
      .toBe(false);
    await sleep(1_000);
    stopping = true;
    const results = await load;

    expect(statusCounts(results)).toEqual({ 200: results.length });
    const streams = results.filter((result) => result.events.length > 0);
    expect(streams.every((result) => result.events.at(-1) === 'message_stop')).toBe(true);
    await expect
      .poll(async () => (await adminStats(relay, adminToken)).sessions.unsyncedChanges, { timeout: 15_000 })
      .toBe(0);
    const stats = await adminStats(relay, adminToken);
    expect(stats.sessions.droppedChanges).toBe(0);

    const reader = new RedisSessionStore({ redis: redis.url, keyPrefix });
    try {
      const stored = (await reader.getMany(sessionIds.map((id) => scopedSessionId('e2e-client', id)))).filter(
        (session) => session !== undefined,
      );
      const sum = (pick: (value: { requestCount: number; input: number; output: number }) => number) => ({
        inRedis: stored.reduce(
          (total, session) =>
            total +
            pick({ requestCount: session.requestCount, input: session.tokens.input, output: session.tokens.output }),
          0,
        ),
        seenByClients: results.reduce(
          (total, result) => total + pick({ requestCount: 1, input: result.usage.input, output: result.usage.output }),
          0,
        ),
      });
      const requests = sum((value) => value.requestCount);
      const input = sum((value) => value.input);
      const output = sum((value) => value.output);
      console.log(
        `[redis-outage] hybrid: ${results.length} requests over a ~2.5 s Redis outage, 0 failed; Redis holds ` +
          `${requests.inRedis}/${requests.seenByClients} requests, ${input.inRedis}/${input.seenByClients} input and ` +
          `${output.inRedis}/${output.seenByClients} output tokens`,
      );
      expect(requests.inRedis).toBe(requests.seenByClients);
      expect(input.inRedis).toBe(input.seenByClients);
      expect(output.inRedis).toBe(output.seenByClients);
    } finally {
      await reader.close();
    }
  }, 90_000);

  it('redis store: with Redis stopped, requests fail fast with a clear 503, and work again once it is back', async () => {
    const keyPrefix = `outage-${crypto.randomUUID().slice(0, 8)}:`;
    const relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts,
      sessions: { store: 'redis', redisUrl: redis.url, keyPrefix },
    });
    expect((await sendMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
    await redis.stop();
    try {
      await expectFastFailures(relay);
    } finally {
      await redis.restart();
    }
    await expect
      .poll(async () => (await sendMessage(relay, { sessionId: crypto.randomUUID() })).status, { timeout: 15_000 })
      .toBe(200);
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
  }, 60_000);
});

/** Requests that need the stopped Redis get a clear 503 at once; readiness says why. */
async function expectFastFailures(relay: RelayProcess): Promise<void> {
  const durations: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    const started = performance.now();
    const result = await sendMessage(relay, { sessionId: crypto.randomUUID(), stream: index % 2 === 0 });
    durations.push(performance.now() - started);
    expect(result.status).toBe(503);
    expect(JSON.parse(result.text)).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: expect.stringContaining('session store is unavailable') },
    });
  }
  // "Fast": bounded by the store's command timeout (1 s), far from a hang; generous for a loaded machine.
  expect(Math.max(...durations)).toBeLessThan(5_000);
  const readiness = await fetch(`${relay.url}/readyz`);
  expect(readiness.status).toBe(503);
  expect(JSON.stringify(await readiness.json())).toContain('unreachable');
  console.log(
    `[redis-outage] redis store down: 503 in ${Math.round(Math.min(...durations))}–${Math.round(Math.max(...durations))} ms`,
  );
}
