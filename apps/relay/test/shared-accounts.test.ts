import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import {
  hasRedisServerBinary,
  type RedisClusterProcess,
  type RedisSentinelProcess,
  startRedisCluster,
  startRedisSentinel,
  waitFor,
} from '@relay/test-support';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postMessage } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const keys = { a: 'sk-ant-account-a-000000', b: 'sk-ant-account-b-000000', c: 'sk-ant-account-c-000000' };
const accountOfKey: Record<string, string> = Object.fromEntries(Object.entries(keys).map(([id, key]) => [key, id]));
const adminToken = 'admin-token-for-shared-state-tests';

async function startRelays(count: number, config: Parameters<typeof startRelayProcess>[0]): Promise<RelayProcess[]> {
  // One after the other: four processes starting at once on two busy cores can take longer than the wait.
  const first = await startRelayProcess(config);
  const relays = [first];
  while (relays.length < count) relays.push(await startRelayProcess(config, { clientKey: first.clientKey }));
  return relays;
}

async function adminAccounts(relay: RelayProcess): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${relay.url}/admin/accounts`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Array<Record<string, unknown>> }).data;
}

// Four relay processes start per test: generous timeouts on a busy 2-core machine.
describeWithRedis('account state shared by relays on one Redis', { timeout: 90_000 }, () => {
  let mock: MockAnthropic;
  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 2 });
  });
  afterEach(async () => {
    await stopAllRelays();
    mock.clearFaults();
    mock.clearReceived();
  });
  afterAll(async () => mock.close());

  it('after one 429 seen by one of four processes, no process sends that account another request', async () => {
    const relays = await startRelays(4, {
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      sessions: { store: 'hybrid', redisUrl: testRedisUrl(), keyPrefix: uniqueKeyPrefix('shared-429') },
      accounts: [
        { id: 'a', apiKey: keys.a },
        { id: 'b', apiKey: keys.b },
      ],
    });
    mock.fault({ kind: 'status', status: 429, retryAfterSeconds: 60 }, { apiKey: keys.a, times: 1 });
    const [first] = relays as [RelayProcess];
    // New sessions on the first relay until one of them meets the 429 on account a (and moves to b).
    for (let attempt = 0; attempt < 20 && mock.pendingFaults > 0; attempt += 1) {
      expect((await postMessage(first, { sessionId: crypto.randomUUID() })).status).toBe(200);
    }
    expect(mock.pendingFaults).toBe(0);
    const rejectedAt = mock.received.findIndex((request) => request.status === 429);
    expect(accountOfKey[mock.received[rejectedAt]?.apiKey ?? '']).toBe('a');
    // The issue's bound: the others know within 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const since = mock.received.length;
    const answers = await Promise.all(
      relays.flatMap((relay) =>
        Array.from({ length: 10 }, async () => (await postMessage(relay, { sessionId: crypto.randomUUID() })).status),
      ),
    );
    expect(answers).toEqual(Array(40).fill(200));
    expect(mock.received.slice(since).map((request) => accountOfKey[request.apiKey ?? ''])).not.toContain('a');
  });

  it('spreads new sessions over the sessions another process bound, and stops counting a process that died', async () => {
    const sessions = { store: 'hybrid' as const, redisUrl: testRedisUrl(), keyPrefix: uniqueKeyPrefix('shared-bound') };
    // Process A serves account a only; B serves a, b and c, equal: alone, B would give a its share of new sessions.
    const processA = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      sessions,
      accounts: [{ id: 'a', apiKey: keys.a }],
    });
    const processB = await startRelayProcess(
      {
        upstream: { baseUrl: mock.url },
        admin: { token: adminToken },
        sessions,
        accounts: [
          { id: 'a', apiKey: keys.a },
          { id: 'b', apiKey: keys.b },
          { id: 'c', apiKey: keys.c },
        ],
      },
      { clientKey: processA.clientKey },
    );
    for (let index = 0; index < 6; index += 1) {
      expect((await postMessage(processA, { sessionId: crypto.randomUUID() })).status).toBe(200);
    }
    const boundOnB = async (id: string) =>
      Number((await adminAccounts(processB)).find((account) => account.id === id)?.boundSessions);
    await waitFor(async () => (await boundOnB('a')) === 6, { timeoutMs: 20_000, intervalMs: 100 });

    const since = mock.received.length;
    for (let index = 0; index < 6; index += 1) {
      expect((await postMessage(processB, { sessionId: crypto.randomUUID() })).status).toBe(200);
    }
    const served = mock.received.slice(since).map((request) => accountOfKey[request.apiKey ?? '']);
    expect(served.filter((id) => id === 'a')).toEqual([]);
    expect(served.filter((id) => id === 'b')).toHaveLength(3);

    // A dies without a word: its sessions stop counting once its field expires, and a is B's first choice again.
    await processA.stop('SIGKILL');
    await waitFor(async () => (await boundOnB('a')) === 0, { timeoutMs: 30_000, intervalMs: 200 });
    const afterDeath = mock.received.length;
    expect((await postMessage(processB, { sessionId: crypto.randomUUID() })).status).toBe(200);
    expect(accountOfKey[mock.received[afterDeath]?.apiKey ?? '']).toBe('a');
  });

  it('refreshes an OAuth token that expires under load exactly once across four processes, no request failing', async () => {
    // Refresh due 5 s before expiry; the processes start one by one meanwhile, and the load runs past the expiry.
    const login = mock.oauth.issue(20);
    const relays = await startRelays(4, {
      upstream: { baseUrl: mock.url, oauth: { tokenUrl: `${mock.url}/v1/oauth/token`, refreshMarginMs: 5000 } },
      admin: { token: adminToken },
      sessions: { store: 'hybrid', redisUrl: testRedisUrl(), keyPrefix: uniqueKeyPrefix('shared-oauth') },
      accounts: [{ id: 'oauth-a', oauth: login }],
    });
    const statuses: number[] = [];
    const until = Math.max(Date.now() + 5_000, login.expiresAt + 2_000);
    await Promise.all(
      relays.map(async (relay) => {
        while (Date.now() < until) {
          statuses.push((await postMessage(relay, { sessionId: crypto.randomUUID() })).status);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }),
    );
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(mock.oauth.refreshes).toBe(1);
    // Requests after the old token expired carried the new one.
    const last = mock.received.at(-1);
    expect(last?.apiKey).not.toBe(login.accessToken);
    expect(mock.oauth.isValidAccessToken(last?.apiKey ?? '')).toBe(true);
  });

  it('disables an OAuth account whose refresh token is refused (invalid_grant), with that reason', async () => {
    const login = mock.oauth.issue(2);
    mock.oauth.revokeRefreshToken(login.refreshToken);
    const [relay] = await startRelays(1, {
      upstream: { baseUrl: mock.url, oauth: { tokenUrl: `${mock.url}/v1/oauth/token`, refreshMarginMs: 60_000 } },
      admin: { token: adminToken },
      sessions: { store: 'redis', redisUrl: testRedisUrl(), keyPrefix: uniqueKeyPrefix('shared-grant') },
      accounts: [{ id: 'oauth-a', oauth: login }],
    });
    let account: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const response = await fetch(`${relay?.url}/admin/accounts`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      account = ((await response.json()) as { data: Array<Record<string, unknown>> }).data[0];
      if (account?.disabled) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(String(account?.disabled)).toMatch(/invalid_grant/);
    const answer = await postMessage(relay as RelayProcess, {});
    expect(answer.status).toBe(503);
    expect(relay?.output.join('\n')).not.toContain(login.refreshToken);
  });
});

/**
 * What two relays on one Redis deployment must share, whatever its kind: a session started on one stays on its
 * account through the other, and a 429 the first sees keeps the second away from that account.
 */
async function expectSessionsAndAccountStateShared(mock: MockAnthropic, first: RelayProcess, second: RelayProcess) {
  const sessionId = crypto.randomUUID();
  expect((await postMessage(first, { sessionId })).status).toBe(200);
  const account = accountOfKey[mock.received.at(-1)?.apiKey ?? ''];
  for (let index = 0; index < 3; index += 1) expect((await postMessage(second, { sessionId })).status).toBe(200);
  expect(mock.received.slice(-3).map((request) => accountOfKey[request.apiKey ?? ''])).toEqual(Array(3).fill(account));
  mock.fault({ kind: 'status', status: 429, retryAfterSeconds: 60 }, { apiKey: keys[account as 'a' | 'b'], times: 1 });
  expect((await postMessage(first, { sessionId })).status).toBe(200);
  expect(mock.pendingFaults).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const since = mock.received.length;
  for (let index = 0; index < 6; index += 1) {
    expect((await postMessage(second, { sessionId: crypto.randomUUID() })).status).toBe(200);
  }
  expect(mock.received.slice(since).map((request) => accountOfKey[request.apiKey ?? ''])).not.toContain(account);
}

const twoAccounts = [
  { id: 'a', apiKey: keys.a },
  { id: 'b', apiKey: keys.b },
];

describe.skipIf(!hasRedisServerBinary())('two relays on a real 3-master Redis Cluster', { timeout: 120_000 }, () => {
  let cluster: RedisClusterProcess | undefined;
  let mock: MockAnthropic;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    mock = await createMockAnthropic({ deltas: 2 });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock?.close();
    await cluster?.stop();
  });

  it('share sessions, affinity and account state', async () => {
    const nodes = (cluster as RedisClusterProcess).nodes.map((node) => `redis://${node.host}:${node.port}`);
    const [first, second] = (await startRelays(2, {
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      sessions: { store: 'hybrid', keyPrefix: 'relay-cluster-e2e:', redis: { cluster: nodes } },
      accounts: twoAccounts,
    })) as [RelayProcess, RelayProcess];
    await expectSessionsAndAccountStateShared(mock, first, second);
  });
});

describe.skipIf(!hasRedisServerBinary())(
  'two relays on Redis Sentinel (a master, a replica, three sentinels)',
  { timeout: 120_000 },
  () => {
    let deployment: RedisSentinelProcess | undefined;
    let mock: MockAnthropic;
    beforeAll(async () => {
      deployment = await startRedisSentinel({ name: 'relay-e2e' });
      mock = await createMockAnthropic({ deltas: 2 });
    });
    afterAll(async () => {
      await stopAllRelays();
      await mock?.close();
      await deployment?.stop();
    });

    it('share sessions, affinity and account state through the master the sentinels name', async () => {
      const { sentinelUrls, name, master } = deployment as RedisSentinelProcess;
      const keyPrefix = 'relay-sentinel-e2e:';
      const [first, second] = (await startRelays(2, {
        upstream: { baseUrl: mock.url },
        admin: { token: adminToken },
        sessions: { store: 'hybrid', keyPrefix, redis: { sentinels: [...sentinelUrls], name } },
        accounts: twoAccounts,
      })) as [RelayProcess, RelayProcess];
      await expectSessionsAndAccountStateShared(mock, first, second);
      // The relays' state is on the master the sentinels named (none of it went anywhere else).
      const onMaster = new Redis(master.url);
      try {
        expect(await onMaster.exists(`${keyPrefix}{accounts}:state`)).toBe(1);
      } finally {
        onMaster.disconnect();
      }
    });
  },
);
