import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { RedisSessionStore } from '@relay/session-store';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scopedSessionId } from '../src/sessions/session-scope.js';
import { postMessage } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const accounts = [
  { id: 'a', apiKey: 'sk-ant-store-a' },
  { id: 'b', apiKey: 'sk-ant-store-b' },
];

async function send(relay: RelayProcess, sessionId: string): Promise<number> {
  const response = await postMessage(relay, { sessionId });
  await response.arrayBuffer();
  return response.status;
}

let mock: MockAnthropic;
beforeAll(async () => {
  mock = await createMockAnthropic({ deltas: 4 });
});
afterAll(async () => {
  await mock.close();
});
afterEach(async () => {
  await stopAllRelays();
});

describe('the memory store (the default)', () => {
  it('keeps sessions and their counters in the process', async () => {
    const relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts,
      admin: { token: 'admin-token-memory-store' },
    });
    const sessionId = crypto.randomUUID();
    for (let index = 0; index < 3; index += 1) expect(await send(relay, sessionId)).toBe(200);
    const body = (await fetch(`${relay.url}/admin/sessions?apiKeyId=e2e-client`, {
      headers: { authorization: 'Bearer admin-token-memory-store' },
    }).then((response) => response.json())) as { data: Array<{ id: string; requestCount: number }> };
    expect(body.data.find((session) => session.id === sessionId)?.requestCount).toBe(3);
  });
});

describeWithRedis.each(['redis', 'hybrid'] as const)('two relay processes sharing the %s store', (store) => {
  it('keep one session on one account and sum its counters exactly', async () => {
    const keyPrefix = uniqueKeyPrefix(`relay-e2e-${store}`);
    const redisUrl = testRedisUrl() as string;
    const sessions = { store, redisUrl, keyPrefix, syncIntervalMs: 50 };
    // Each process prefers a different account; the shared affinity must overrule that preference.
    const first = await startRelayProcess({ upstream: { baseUrl: mock.url }, sessions, accounts });
    const second = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      sessions,
      accounts: [accounts[0], { ...accounts[1], priority: -1 }] as typeof accounts,
    });
    mock.clearReceived();
    const sessionId = crypto.randomUUID();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => send(index % 2 === 0 ? first : second, sessionId)),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(new Set(mock.received.map((request) => request.apiKey)).size).toBe(1);

    await Promise.all([first.stop(), second.stop()]);
    const reader = new RedisSessionStore({ redis: redisUrl, keyPrefix });
    try {
      const session = await reader.get(scopedSessionId('e2e-client', sessionId));
      expect(session?.requestCount).toBe(20);
      expect(session?.tokens.output).toBeGreaterThan(0);
      expect(await reader.getAffinity(scopedSessionId('e2e-client', sessionId))).toBe(
        accounts.find((a) => a.apiKey === mock.received[0]?.apiKey)?.id,
      );
    } finally {
      await reader.close();
    }
  });
});

describeWithRedis('graceful shutdown', () => {
  it('lets a stream in flight finish, flushes the hybrid store and exits 0', async () => {
    const slow = await createMockAnthropic({ deltas: 10, eventDelayMs: 100 });
    try {
      const keyPrefix = uniqueKeyPrefix('relay-e2e-shutdown');
      const redisUrl = testRedisUrl() as string;
      const relay = await startRelayProcess({
        upstream: { baseUrl: slow.url },
        accounts,
        sessions: { store: 'hybrid', redisUrl, keyPrefix, syncIntervalMs: 600_000 },
      });
      const sessionId = crypto.randomUUID();
      const response = await postMessage(relay, { sessionId, stream: true });
      const reader = response.body?.getReader();
      const first = await reader?.read();
      expect(first?.done).toBe(false);
      const exitCode = relay.stop('SIGTERM');
      let text = Buffer.from(first?.value ?? []).toString();
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
        text += Buffer.from(chunk.value).toString();
      }
      expect(text).toContain('event: message_stop');
      expect(await exitCode).toBe(0);

      const store = new RedisSessionStore({ redis: redisUrl, keyPrefix });
      try {
        expect((await store.get(scopedSessionId('e2e-client', sessionId)))?.requestCount).toBe(1);
      } finally {
        await store.close();
      }
    } finally {
      await slow.close();
    }
  });
});
