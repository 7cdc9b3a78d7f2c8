import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { RedisSessionStore } from '@relay/session-store';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { scopedSessionId } from '../../src/sessions/session-scope.js';
import { postMessage } from '../api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from '../relay-process.js';
import { readUsage, sendMessage, type TimedResult } from './support.js';

const accounts = [
  { id: 'a', apiKey: 'sk-ant-crash-a' },
  { id: 'b', apiKey: 'sk-ant-crash-b' },
];
// The relay's default; the session-store README bounds a crash's loss by one sync interval of that instance.
const syncIntervalMs = 1_000;

let mock: MockAnthropic;
beforeAll(async () => {
  mock = await createMockAnthropic({ deltas: 4, record: 5_000 });
});
afterEach(async () => {
  await stopAllRelays();
});
afterAll(async () => {
  await mock.close();
});

describeWithRedis('crashes and shutdowns with a shared Redis', () => {
  it('SIGKILL of one relay under load: the other serves the same sessions; the loss stays within one sync interval', async () => {
    const redisUrl = testRedisUrl() as string;
    const keyPrefix = uniqueKeyPrefix('relay-reliability-kill');
    const sessions = { store: 'hybrid' as const, redisUrl, keyPrefix, syncIntervalMs };
    const doomed = await startRelayProcess({ upstream: { baseUrl: mock.url }, accounts, sessions });
    const survivor = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      // It prefers the other account: only the shared affinity keeps a session where it was.
      accounts: [accounts[0], { ...accounts[1], priority: -1 }] as typeof accounts,
      sessions,
    });
    mock.clearReceived();
    const sessionIds = Array.from({ length: 30 }, () => crypto.randomUUID());

    // A load balancer's view: requests alternate between the two while both live, then all go to the survivor.
    let killedAt: number | undefined;
    let stopping = false;
    let turn = 0;
    const results: Array<TimedResult & { relay: 'doomed' | 'survivor' }> = [];
    const client = async () => {
      while (!stopping) {
        turn += 1;
        const relay: RelayProcess = killedAt === undefined && turn % 2 === 0 ? doomed : survivor;
        const sessionId = sessionIds[turn % sessionIds.length] as string;
        const result = await sendMessage(relay, { sessionId, stream: turn % 3 === 0 });
        results.push({
          ...result,
          sessionId,
          finishedAt: Date.now(),
          relay: relay === doomed ? 'doomed' : 'survivor',
        });
      }
    };
    const load = Promise.all(Array.from({ length: 10 }, client));
    await sleep(3_000);
    const killing = doomed.stop('SIGKILL');
    killedAt = Date.now();
    expect(await killing).toBeNull();
    await sleep(2_000);
    stopping = true;
    await load;
    // SIGTERM: the survivor flushes everything it holds.
    expect(await survivor.stop('SIGTERM')).toBe(0);

    const succeeded = results.filter(
      (result) => result.status === 200 && (result.events.length === 0 || result.events.at(-1) === 'message_stop'),
    );
    const failed = results.filter((result) => !succeeded.includes(result));
    // Only requests in flight on the killed process failed (a client would retry them).
    expect(failed.every((result) => result.relay === 'doomed' && result.finishedAt >= (killedAt as number))).toBe(true);
    expect(results.filter((result) => result.relay === 'survivor').every((result) => result.status === 200)).toBe(true);

    // The survivor kept every session on the account it had (the affinity lives in Redis).
    const accountsBySession = new Map<string, Set<string>>();
    for (const received of mock.received) {
      const sessionId = String(received.headers['x-claude-code-session-id']);
      const seen = accountsBySession.get(sessionId) ?? new Set<string>();
      seen.add(received.apiKey ?? '?');
      accountsBySession.set(sessionId, seen);
    }
    expect([...accountsBySession.values()].every((seen) => seen.size === 1)).toBe(true);

    const reader = new RedisSessionStore({ redis: redisUrl, keyPrefix });
    try {
      const stored = await reader.getMany(sessionIds.map((id) => scopedSessionId('e2e-client', id)));
      const inRedis = stored.reduce((total, session) => total + (session?.requestCount ?? 0), 0);
      const lost = succeeded.length - inRedis;
      // What the README allows: the killed instance's changes of its last sync interval (plus a second of slack
      // for a batch in flight on a loaded machine).
      const bound = succeeded.filter(
        (result) => result.relay === 'doomed' && result.finishedAt >= (killedAt as number) - syncIntervalMs - 1_000,
      ).length;
      console.log(
        `[crash] SIGKILL under load: ${results.length} requests, ${failed.length} in flight on the killed relay failed; ` +
          `Redis holds ${inRedis} of ${succeeded.length} answered (lost ${lost}, bound ${bound})`,
      );
      expect(lost).toBeGreaterThanOrEqual(-failed.length);
      expect(lost).toBeLessThanOrEqual(bound);
    } finally {
      await reader.close();
    }
  }, 90_000);

  it('SIGTERM with streams in flight: every stream finishes, the store is flushed, exit 0', async () => {
    const slow = await createMockAnthropic({ deltas: 10, eventDelayMs: 150 });
    try {
      const redisUrl = testRedisUrl() as string;
      const keyPrefix = uniqueKeyPrefix('relay-reliability-sigterm');
      const relay = await startRelayProcess({
        upstream: { baseUrl: slow.url },
        accounts,
        // Nothing reaches Redis before shutdown unless close() flushes it.
        sessions: { store: 'hybrid', redisUrl, keyPrefix, syncIntervalMs: 600_000 },
      });
      const sessionIds = Array.from({ length: 25 }, () => crypto.randomUUID());
      const streams = await Promise.all(
        sessionIds.map(async (sessionId) => {
          const response = await postMessage(relay, { sessionId, stream: true });
          const reader = response.body?.getReader();
          const first = await reader?.read();
          return { reader, first: Buffer.from(first?.value ?? []).toString() };
        }),
      );
      // Every stream has started; none can have finished (10 deltas at 150 ms).
      const exitCode = relay.stop('SIGTERM');
      // Once the relay has taken the signal, a new request is refused (connection refused, or 503 while closing).
      await relay.waitForOutput(/shutting down/);
      const refused = await sendMessage(relay, { sessionId: crypto.randomUUID() });
      expect(refused.status).not.toBe(200);

      const texts = await Promise.all(
        streams.map(async ({ reader, first }) => {
          let text = first;
          for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
            text += Buffer.from(chunk.value).toString();
          }
          return text;
        }),
      );
      expect(texts.every((text) => readUsage(text).events.at(-1) === 'message_stop')).toBe(true);
      expect(await exitCode).toBe(0);
      expect(relay.output.some((line) => line.includes('relay stopped: session store flushed'))).toBe(true);

      const store = new RedisSessionStore({ redis: redisUrl, keyPrefix });
      try {
        const stored = await store.getMany(sessionIds.map((id) => scopedSessionId('e2e-client', id)));
        expect(stored.map((session) => session?.requestCount)).toEqual(sessionIds.map(() => 1));
        const outputInRedis = stored.reduce((total, session) => total + (session?.tokens.output ?? 0), 0);
        const outputSeen = texts.reduce((total, text) => total + readUsage(text).usage.output, 0);
        expect(outputInRedis).toBe(outputSeen);
      } finally {
        await store.close();
      }
      console.log(`[shutdown] SIGTERM with ${texts.length} streams in flight: all finished, store flushed, exit 0`);
    } finally {
      await slow.close();
    }
  }, 60_000);
});
