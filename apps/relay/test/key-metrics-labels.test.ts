import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { waitFor } from '@relay/test-support';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from './admin-keys-client.js';
import { messageFor, sendRequest } from './quota/usage-support.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const adminToken = 'admin-token-for-the-key-labels-tests';
// 10 input and 10 output tokens of Haiku 4.5 ($1 / $5 per million): 10 + 50 µ$ a request.
const haikuRequest = messageFor('claude-haiku-4-5', 'hi', false);
const costPerRequest = 60;

let mock: MockAnthropic;

beforeAll(async () => {
  mock = await createMockAnthropic({ deltas: 2, usage: { input_tokens: 10, output_tokens: 10 } });
});
afterEach(async () => {
  await stopAllRelays();
});
afterAll(async () => {
  await mock.close();
});

async function scrape(relay: RelayProcess): Promise<string> {
  return (await fetch(`${relay.url}/metrics`)).text();
}

describe('per-key metrics of keys created at runtime (memory store)', { timeout: 60_000 }, () => {
  it('names a key created through the admin API, and past metrics.maxRuntimeKeyLabels counts the next as other', async () => {
    const relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      accounts: [{ id: 'acct', apiKey: 'sk-ant-key-labels-memory' }],
      metrics: { maxRuntimeKeyLabels: 1 },
    });
    const made = await createKey(relay, adminToken, { id: 'made-at-runtime', limits: { requestsPerMinute: 1 } });
    const beyond = await createKey(relay, adminToken, { id: 'one-too-many' });

    expect((await sendRequest(relay, made, haikuRequest)).status).toBe(200);
    expect((await sendRequest(relay, made, haikuRequest)).status).toBe(429);
    expect((await sendRequest(relay, beyond, haikuRequest)).status).toBe(200);
    expect((await sendRequest(relay, relay.clientKey, haikuRequest)).status).toBe(200);

    const metrics = await scrape(relay);
    expect(metrics).toContain(`relay_client_cost_microdollars_total{client="made-at-runtime"} ${costPerRequest}`);
    expect(metrics).toContain('relay_client_tokens_total{client="made-at-runtime",kind="output"} 10');
    expect(metrics).toContain(
      'relay_client_limit_rejections_total{client="made-at-runtime",limit="requests_per_minute"} 1',
    );
    // The bound is of keys made at runtime: the config's key is named all the same.
    expect(metrics).toContain(`relay_client_cost_microdollars_total{client="e2e-client"} ${costPerRequest}`);
    expect(metrics).toContain(`relay_client_cost_microdollars_total{client="other"} ${costPerRequest}`);
    expect(metrics).not.toContain('one-too-many');
    await relay.waitForOutput(
      /metrics.maxRuntimeKeyLabels reached.*"key":"one-too-many"|"key":"one-too-many".*metrics.maxRuntimeKeyLabels reached/,
    );
  });
});

describeWithRedis('per-key metrics of keys created on another instance (hybrid)', { timeout: 90_000 }, () => {
  it('a key created on A and used on B is named by its id in the metrics of B', async () => {
    const config = {
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      sessions: { store: 'hybrid' as const, redisUrl: testRedisUrl(), keyPrefix: uniqueKeyPrefix('key-labels') },
      accounts: [{ id: 'acct', apiKey: 'sk-ant-key-labels-hybrid' }],
    };
    // One after the other: two processes starting at once on a busy machine can take longer than the wait.
    const a = await startRelayProcess(config);
    const b = await startRelayProcess(config, { clientKey: a.clientKey });
    const key = await createKey(a, adminToken, { id: 'made-on-a' });

    await waitFor(async () => (await sendRequest(b, key, haikuRequest)).status === 200, {
      timeoutMs: 10_000,
      message: 'B never took the key made on A',
    });
    const metrics = await scrape(b);
    expect(metrics).toMatch(/relay_client_cost_microdollars_total\{client="made-on-a"\} [1-9][0-9]*/);
    expect(metrics).not.toContain('relay_client_cost_microdollars_total{client="other"}');
  });
});
