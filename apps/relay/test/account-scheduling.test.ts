import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postMessage } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const keys = { a: 'sk-ant-account-a-000000', b: 'sk-ant-account-b-000000', c: 'sk-ant-account-c-000000' };
const accountOfKey: Record<string, string> = Object.fromEntries(Object.entries(keys).map(([id, key]) => [key, id]));
const adminToken = 'admin-token-for-scheduling-tests';

function servedBy(mock: MockAnthropic, since = 0): string[] {
  return mock.received.slice(since).map((request) => accountOfKey[request.apiKey ?? ''] ?? '?');
}

function count(ids: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

async function adminAccounts(relay: RelayProcess): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${relay.url}/admin/accounts`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Array<Record<string, unknown>> }).data;
}

const epochSeconds = (offsetMs: number) => String(Math.floor((Date.now() + offsetMs) / 1000));

describe('scheduling new sessions over accounts (one relay)', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;

  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 2 });
  });
  afterEach(async () => {
    await stopAllRelays();
    mock.clearFaults();
    mock.clearResponseHeaders();
    mock.clearReceived();
  });
  afterAll(async () => mock.close());

  const start = async () => {
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      accounts: [
        { id: 'a', apiKey: keys.a },
        { id: 'b', apiKey: keys.b },
        { id: 'c', apiKey: keys.c },
      ],
    });
  };

  it('spreads 12 new sessions over three equal accounts, at least 3 each', async () => {
    await start();
    for (let index = 0; index < 12; index += 1) {
      expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
    }
    const counts = count(servedBy(mock));
    expect(Object.keys(counts).sort()).toEqual(['a', 'b', 'c']);
    for (const served of Object.values(counts)) expect(served).toBeGreaterThanOrEqual(3);
  });

  it('does not retry a rejected subscription window before its reset, and re-admits it after', async () => {
    await start();
    const resetInMs = 4000;
    mock.fault(
      {
        kind: 'status',
        status: 429,
        headers: {
          // A subscription account's 429: its window is used up, not the API's per-minute budgets (which the
          // mock would otherwise report as spent, until the next minute).
          'anthropic-ratelimit-requests-remaining': '3999',
          'anthropic-ratelimit-tokens-remaining': '2000000',
          'anthropic-ratelimit-input-tokens-remaining': '1000000',
          'anthropic-ratelimit-output-tokens-remaining': '100000',
          'anthropic-ratelimit-unified-status': 'rejected',
          'anthropic-ratelimit-unified-reset': epochSeconds(resetInMs),
          'anthropic-ratelimit-unified-5h-status': 'rejected',
          'anthropic-ratelimit-unified-5h-utilization': '1',
          'anthropic-ratelimit-unified-5h-reset': epochSeconds(resetInMs),
        },
      },
      { apiKey: keys.a, times: 1 },
    );
    const rejectedAt = Date.now();
    // Enough new sessions that every account is chosen at least once.
    for (let index = 0; index < 9; index += 1) {
      expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
    }
    const accounts = await adminAccounts(relay);
    const a = accounts.find((account) => account.id === 'a');
    expect(a?.usable).toBe(false);
    expect(String(a?.reason)).toMatch(/window|rate/i);
    expect(servedBy(mock).filter((id) => id === 'a')).toHaveLength(1);
    // Past the reset, a is usable again and takes new sessions (it has the fewest).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, rejectedAt + resetInMs + 1200 - Date.now())));
    const since = mock.received.length;
    for (let index = 0; index < 3; index += 1) {
      expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
    }
    expect(servedBy(mock, since)).toContain('a');
  });

  it('rests an account whose requests are reset before headers, while the route stays open for the others', async () => {
    await start();
    mock.fault({ kind: 'reset-before-headers' }, { apiKey: keys.a });
    for (let index = 0; index < 12; index += 1) {
      expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
    }
    // Two resets in a row rest it; without that every new session would try it first (it has no sessions).
    expect(servedBy(mock).filter((id) => id === 'a').length).toBeLessThanOrEqual(2);
    const a = (await adminAccounts(relay)).find((account) => account.id === 'a');
    expect(String(a?.reason)).toMatch(/connection failures/);
  });

  it('gives no new session to an account at 97 % of its 5-hour window while one at 10 % is usable', async () => {
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      accounts: [
        { id: 'a', apiKey: keys.a },
        { id: 'b', apiKey: keys.b },
      ],
    });
    const window = (utilization: string) => ({
      'anthropic-ratelimit-unified-status': 'allowed',
      'anthropic-ratelimit-unified-5h-status': 'allowed',
      'anthropic-ratelimit-unified-5h-utilization': utilization,
      'anthropic-ratelimit-unified-5h-reset': epochSeconds(3 * 3600_000),
    });
    mock.setResponseHeaders(window('0.97'), { apiKey: keys.a });
    mock.setResponseHeaders(window('0.10'), { apiKey: keys.b });
    // Until both have answered once, the relay knows nothing of their windows.
    while (new Set(servedBy(mock)).size < 2) {
      expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
    }
    const since = mock.received.length;
    for (let index = 0; index < 8; index += 1) {
      expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
    }
    expect(servedBy(mock, since)).toEqual(Array(8).fill('b'));
    const a = (await adminAccounts(relay)).find((account) => account.id === 'a') as {
      windows?: { unified?: { fiveHour?: { utilization?: number } } };
    };
    expect(a.windows?.unified?.fiveHour?.utilization).toBe(0.97);
  });
});
