import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAnthropic, type Fault } from '@relay/mock-anthropic';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { Agent, request } from 'undici';
import { afterEach, expect, it } from 'vitest';
import { type RelayProcess, startRelayProcess, stopAllRelays } from '../relay-process.js';
import { adminStats, InspectorSession, inspectorEnvironment, megabytes, openFileDescriptors } from './support.js';

// Quick in CI (about two minutes with the warm-up); longer by flag: RELAY_SOAK_SECONDS=1800.
const soakSeconds = Number(process.env.RELAY_SOAK_SECONDS ?? 90);
const warmupSeconds = 15;
const concurrency = 8;
const adminToken = 'admin-token-reliability-soak';
const faults: Fault[] = [
  { kind: 'overloaded' },
  { kind: 'status', status: 429, retryAfterSeconds: 1 },
  { kind: 'status', status: 500 },
  { kind: 'reset-before-headers' },
  { kind: 'reset-mid-stream', afterEvents: 2 },
  { kind: 'stall', afterEvents: 1 },
  { kind: 'stream-error', afterEvents: 3 },
];

/** Mixed traffic from `concurrency` clients: streams, JSON, count_tokens, models, bad keys, bad JSON, aborts. */
class Traffic {
  /** Answers by status (`0`: the connection broke, as the relay does to a JSON answer the upstream cut midway). */
  readonly statuses = new Map<number, number>();
  /** Answers the relay itself failed: its own 500 (an upstream 500 passed through does not count). */
  relayFailures = 0;
  requests = 0;
  /** Requests that should succeed (a valid key and a valid body), and how many of them got a 200. */
  validRequests = 0;
  validAnswered = 0;
  #stopped = false;
  #agent = new Agent({ connections: concurrency });
  readonly #running: Promise<void>[];
  readonly #relay: RelayProcess;
  readonly #sessionIds = Array.from({ length: 200 }, () => crypto.randomUUID());

  constructor(relay: RelayProcess) {
    this.#relay = relay;
    this.#running = Array.from({ length: concurrency }, (_, client) => this.#client(client));
  }

  /** Stops the clients, waits for their last requests, and closes their connections to the relay. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#running);
    await this.#agent.close();
  }

  async #client(client: number): Promise<void> {
    for (let turn = client; !this.#stopped; turn += concurrency) {
      const status = await this.#send(turn).catch(() => 0);
      this.requests += 1;
      if (turn % 8 !== 4 && turn % 8 !== 6) {
        this.validRequests += 1;
        if (status === 200) this.validAnswered += 1;
      }
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
      // A client honours retry-after (shortened here) instead of spinning on a cooling-down relay.
      if (status === 503 || status === 429 || status === 529) await sleep(50);
    }
  }

  async #send(turn: number): Promise<number> {
    const sessionId = this.#sessionIds[turn % this.#sessionIds.length] as string;
    const kind = turn % 8;
    const headers = {
      'x-api-key': kind === 4 ? 'rk_wrong-key-for-the-soak-test' : this.#relay.clientKey,
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-claude-code-session-id': sessionId,
    };
    const message = (stream: boolean) =>
      JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 32,
        stream,
        messages: [{ role: 'user', content: `turn ${turn}` }],
      });
    const path = kind === 2 ? '/v1/messages/count_tokens' : kind === 3 ? '/v1/models' : '/v1/messages';
    const body =
      kind === 3 ? undefined : kind === 6 ? '{"model": "m", "messages": [' : message(kind === 0 || kind === 5);
    const controller = new AbortController();
    const response = await request(`${this.#relay.url}${path}`, {
      method: kind === 3 ? 'GET' : 'POST',
      headers,
      body,
      dispatcher: this.#agent,
      signal: controller.signal,
    });
    if (kind === 5) {
      // A client that goes away mid-stream.
      for await (const _chunk of response.body) break;
      controller.abort();
      return response.statusCode;
    }
    const text = await response.body.text();
    if (response.statusCode === 500 && text.includes('the relay failed')) this.relayFailures += 1;
    return response.statusCode;
  }
}

afterEach(async () => {
  await stopAllRelays();
});

describeWithRedis('soak: mixed traffic with faults', () => {
  it(
    `runs ${soakSeconds} s with no leak of heap or file descriptors and no crash`,
    async () => {
      const mock = await createMockAnthropic({ deltas: 6, eventDelayMs: 5, record: 100 });
      let injector: NodeJS.Timeout | undefined;
      try {
        const relay = await startRelayProcess(
          {
            upstream: {
              baseUrl: mock.url,
              headersTimeoutMs: 2_000,
              bodyTimeoutMs: 2_000,
              breaker: { maxFailures: 3, recoveryTimeMs: 1_000 },
            },
            accounts: [
              { id: 'a', apiKey: 'sk-ant-soak-a' },
              { id: 'b', apiKey: 'sk-ant-soak-b' },
            ],
            sessions: {
              store: 'hybrid',
              redisUrl: testRedisUrl() as string,
              keyPrefix: uniqueKeyPrefix('relay-soak'),
              syncIntervalMs: 500,
            },
            admin: { token: adminToken },
          },
          { environment: inspectorEnvironment },
        );
        const pid = relay.child.pid as number;
        const inspector = await InspectorSession.connect(relay);
        let faultsInjected = 0;
        injector = setInterval(() => {
          mock.fault(faults[faultsInjected % faults.length] as Fault, { times: 2, path: '/v1/messages' });
          faultsInjected += 1;
        }, 1_500);

        // Warm-up: every code path and every session has run once; caches and pools have their steady size.
        let traffic = new Traffic(relay);
        await sleep(warmupSeconds * 1000);
        await traffic.stop();
        await sleep(1_000);
        const warm = await inspector.memoryAfterGarbageCollection();
        const warmDescriptors = openFileDescriptors(pid);
        const warmRequests = traffic.requests;

        traffic = new Traffic(relay);
        const soakStarted = Date.now();
        let peakRss = 0;
        while (Date.now() - soakStarted < soakSeconds * 1000) {
          await sleep(1_000);
          peakRss = Math.max(peakRss, (await inspector.memoryAfterGarbageCollection()).rss);
        }
        await traffic.stop();
        clearInterval(injector);
        mock.clearFaults();
        await sleep(2_500);
        const after = await inspector.memoryAfterGarbageCollection();
        const afterDescriptors = openFileDescriptors(pid);
        inspector.close();

        const heapGrowth = after.heapUsed - warm.heapUsed;
        console.log(
          `[soak] ${soakSeconds} s, ${traffic.requests} requests (${warmRequests} in warm-up), ${faultsInjected} faults ` +
            `injected, statuses ${JSON.stringify(Object.fromEntries(traffic.statuses))} (valid requests: ${traffic.validAnswered} of ${traffic.validRequests} answered 200); heap after GC ` +
            `${megabytes(warm.heapUsed)} MB after warm-up → ${megabytes(after.heapUsed)} MB after the soak ` +
            `(${heapGrowth >= 0 ? '+' : ''}${Math.round(heapGrowth / 1024)} KB); fds ${warmDescriptors} → ${afterDescriptors}; ` +
            `RSS peak ${megabytes(peakRss)} MB`,
        );

        // Alive, never crashed, no unhandled rejection or uncaught exception printed, never a relay-side 500.
        expect(relay.child.exitCode).toBeNull();
        expect(relay.output.filter((line) => /unhandled|uncaught|"level":60/i.test(line))).toEqual([]);
        expect(traffic.relayFailures).toBe(0);
        // Of the requests that should succeed, most do despite a fault every 1.5 s. (Counted over them alone: each
        // client sends one kind, and the cheap bad-key and bad-JSON clients run faster when the CPU is free, so a
        // share of all requests would measure the machine, not the relay.)
        expect(traffic.validAnswered).toBeGreaterThan(traffic.validRequests / 2);
        // No leak: the heap after the soak is within a small margin of the heap after warm-up.
        expect(heapGrowth).toBeLessThan(Math.max(4 * 1024 * 1024, warm.heapUsed * 0.1));
        // No descriptor growth beyond the upstream keep-alive sockets that one more round of traffic may leave.
        expect(afterDescriptors).toBeLessThanOrEqual(warmDescriptors + concurrency);
        const stats = await adminStats(relay, adminToken);
        expect(stats.accounts.map((account) => account.inFlight)).toEqual([0, 0]);
        expect(stats.sessions.droppedChanges).toBe(0);
      } finally {
        clearInterval(injector);
        await mock.close();
      }
    },
    (soakSeconds + warmupSeconds + 120) * 1000,
  );
});
