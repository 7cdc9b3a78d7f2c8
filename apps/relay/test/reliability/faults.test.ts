import { createMockAnthropic, type Fault, type MockAnthropic } from '@relay/mock-anthropic';
import { hasBinary } from '@relay/test-support/servers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RelayProcess, startRelayProcess, stopAllRelays } from '../relay-process.js';
import { type RestartableProxy, startRestartableProxy } from './restartable-proxy.js';
import { adminSessions, adminStats, sendMessage } from './support.js';

// Each account reaches the upstream through its own proxy, so each has its own route (origin + proxy) and breaker.
const keys = { a: 'sk-ant-fault-account-a', b: 'sk-ant-fault-account-b', c: 'sk-ant-fault-account-c' };
const adminToken = 'admin-token-reliability-faults';
const breaker = { maxFailures: 2, recoveryTimeMs: 1_500 };

let mock: MockAnthropic;
let proxies: Record<keyof typeof keys, RestartableProxy>;

const servedBy = (key: string) => mock.received.filter((request) => request.apiKey === key).length;
const circuitOf = async (relay: RelayProcess, proxy: RestartableProxy) =>
  (await adminStats(relay, adminToken)).pool.keys.find((entry) => entry.proxy?.endsWith(`:${proxy.port}`))?.circuit
    .state ?? 'closed';

async function startRelay(): Promise<RelayProcess> {
  return await startRelayProcess({
    upstream: { baseUrl: mock.url, maxAttempts: 3, headersTimeoutMs: 1_500, bodyTimeoutMs: 1_500, breaker },
    // Priorities make the choice of a new session's account predictable: a, then b, then c.
    accounts: [
      { id: 'a', apiKey: keys.a, proxy: proxies.a.url, priority: 0 },
      { id: 'b', apiKey: keys.b, proxy: proxies.b.url, priority: 1 },
      { id: 'c', apiKey: keys.c, proxy: proxies.c.url, priority: 2 },
    ],
    admin: { token: adminToken },
  });
}

/**
 * Besides its route's breaker, an account whose attempts got no answer twice in a row rests on its own (2 s,
 * doubling): traffic returns to it once both are over.
 */
async function untilAccountRested(relay: RelayProcess, accountId: string): Promise<void> {
  await expect
    .poll(
      async () =>
        (await adminStats(relay, adminToken)).accounts.find((account) => account.id === accountId)?.coolingDownForMs,
      { timeout: 20_000, interval: 250 },
    )
    .toBe(0);
}

/** The relay answers, is ready, and serves a new session on its preferred account. */
async function expectHealthy(relay: RelayProcess): Promise<void> {
  expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
  expect((await sendMessage(relay, { sessionId: crypto.randomUUID(), stream: true })).events.at(-1)).toBe(
    'message_stop',
  );
}

describe.skipIf(!hasBinary('microsocks'))('upstream and proxy faults, one relay process', () => {
  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 5 });
    proxies = { a: await startRestartableProxy(), b: await startRestartableProxy(), c: await startRestartableProxy() };
  });
  afterEach(async () => {
    await stopAllRelays();
    mock.clearFaults();
    mock.clearReceived();
  });
  afterAll(async () => {
    await Promise.all(Object.values(proxies).map((proxy) => proxy.kill()));
    await mock.close();
  });

  for (const fault of [{ kind: 'reset-before-headers' }, { kind: 'stall' }] satisfies Fault[]) {
    it(`${fault.kind}: clients never see it, the route's breaker opens, traffic returns after recovery`, async () => {
      const relay = await startRelay();
      mock.fault(fault, { apiKey: keys.a });

      const results = [];
      for (let index = 0; index < 6; index += 1) {
        results.push(await sendMessage(relay, { sessionId: crypto.randomUUID(), stream: index % 2 === 0 }));
      }
      expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200, 200]);
      // The breaker opened after maxFailures failures: later requests did not even try account a.
      expect(servedBy(keys.a)).toBe(breaker.maxFailures);
      expect(servedBy(keys.b)).toBe(6);
      const stats = await adminStats(relay, adminToken);
      expect(stats.pool.circuits.open).toBe(1);
      expect(await circuitOf(relay, proxies.a)).toBe('open');
      expect(stats.accounts.find((account) => account.id === 'a')?.failures).toBe(breaker.maxFailures);
      const metrics = await fetch(`${relay.url}/metrics`).then((response) => response.text());
      const outcome = fault.kind === 'stall' ? 'timeout' : 'connection_error';
      expect(metrics).toMatch(new RegExp(`relay_upstream_requests_total\\{[^}]*account="a"[^}]*outcome="${outcome}"`));

      // The upstream recovers: after the recovery time the half-open check closes the circuit, a takes traffic again.
      mock.clearFaults();
      await expect.poll(() => circuitOf(relay, proxies.a), { timeout: 20_000, interval: 250 }).toBe('closed');
      await untilAccountRested(relay, 'a');
      const before = servedBy(keys.a);
      await expectHealthy(relay);
      expect(servedBy(keys.a)).toBe(before + 1);
    }, 60_000);
  }

  it('overloaded (529): the session moves, the account cools down, the route stays closed', async () => {
    const relay = await startRelay();
    const sessionId = crypto.randomUUID();
    expect((await sendMessage(relay, { sessionId })).status).toBe(200);
    mock.fault({ kind: 'overloaded' }, { apiKey: keys.a });
    const moved = await sendMessage(relay, { sessionId, stream: true });
    expect(moved.status).toBe(200);
    expect(moved.events.at(-1)).toBe('message_stop');
    const stats = await adminStats(relay, adminToken);
    expect(stats.accounts.find((account) => account.id === 'a')?.coolingDownForMs).toBeGreaterThan(0);
    // A 529 proves the route works: no breaker is open.
    expect(stats.pool.circuits.open).toBe(0);
    expect(mock.received.map((request) => request.apiKey)).toEqual([keys.a, keys.a, keys.b]);
    mock.clearFaults();
    // The session now sticks to b.
    expect((await sendMessage(relay, { sessionId })).status).toBe(200);
    expect(mock.received.at(-1)?.apiKey).toBe(keys.b);
  }, 60_000);

  it('reset mid-stream: an SSE error event and a clean end; usage so far recorded; the account marked', async () => {
    const relay = await startRelay();
    const sessionId = crypto.randomUUID();
    mock.fault({ kind: 'reset-mid-stream', afterEvents: 3 }, { apiKey: keys.a });
    const result = await sendMessage(relay, { sessionId, stream: true });
    // `fetch` read the body to its end without an error: the relay ended the chunked response properly.
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.events[0]).toBe('message_start');
    expect(result.events.at(-1)).toBe('error');
    expect(result.text.trimEnd().split('\n\n').at(-1)).toMatch(/"type":"api_error"/);
    expect(result.usage.input).toBeGreaterThan(0);

    await expect
      .poll(async () => (await adminSessions(relay, adminToken, 'e2e-client')).find((s) => s.id === sessionId), {
        timeout: 10_000,
      })
      .toMatchObject({ requestCount: 1, errorCount: 1, tokens: { input: result.usage.input } });
    const stats = await adminStats(relay, adminToken);
    expect(stats.accounts.find((account) => account.id === 'a')).toMatchObject({ requests: 1, failures: 1 });
    const metrics = await fetch(`${relay.url}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/relay_upstream_requests_total\{[^}]*account="a"[^}]*outcome="connection_error"[^}]*\} 1/);
    mock.clearFaults();
    await expectHealthy(relay);
  }, 60_000);

  it("a proxy dies: its account's breaker opens, sessions move to other accounts, the account comes back", async () => {
    const relay = await startRelay();
    const sessions = Array.from({ length: 4 }, () => crypto.randomUUID());
    for (const sessionId of sessions) expect((await sendMessage(relay, { sessionId })).status).toBe(200);
    expect(servedBy(keys.a)).toBe(4);

    await proxies.a.kill();
    try {
      const afterDeath = [];
      for (const sessionId of sessions) afterDeath.push(await sendMessage(relay, { sessionId, stream: true }));
      expect(afterDeath.map((result) => result.events.at(-1))).toEqual(Array(4).fill('message_stop'));
      expect(servedBy(keys.a)).toBe(4);
      expect(servedBy(keys.b)).toBe(4);
      expect(await circuitOf(relay, proxies.a)).toBe('open');
      const sessionsOfB = await adminSessions(relay, adminToken, 'e2e-client');
      for (const sessionId of sessions) {
        expect(sessionsOfB.find((session) => session.id === sessionId)?.accountId).toBe('b');
      }
    } finally {
      await proxies.a.start();
    }
    // The half-open check goes through the restarted proxy and closes the circuit: new sessions prefer a again.
    await expect.poll(() => circuitOf(relay, proxies.a), { timeout: 20_000, interval: 250 }).toBe('closed');
    await untilAccountRested(relay, 'a');
    await expectHealthy(relay);
    expect(mock.received.at(-1)?.apiKey).toBe(keys.a);
  }, 60_000);
});
