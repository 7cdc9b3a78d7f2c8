import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { generateClientKey } from '../../src/auth/client-key.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from '../relay-process.js';
import { adminUsage, contentOf, messageFor, receivedUsage, sendRequest, UsageTally } from './usage-support.js';

const adminToken = 'admin-token-key-limits-e2e';
const limitedKey = generateClientKey();
const freeKey = generateClientKey();
const budgetKey = generateClientKey();
const pairKey = generateClientKey();

let mock: MockAnthropic;

/** Two relay processes sharing one Redis (hybrid store) under a fresh prefix, with the keys of these tests. */
async function twoRelays(upstream: MockAnthropic = mock): Promise<[RelayProcess, RelayProcess]> {
  const keyPrefix = uniqueKeyPrefix('key-limits');
  const config = {
    upstream: { baseUrl: upstream.url },
    accounts: [{ id: 'acct', apiKey: 'sk-ant-key-limits' }],
    sessions: { store: 'hybrid' as const, redisUrl: testRedisUrl() as string, keyPrefix },
    admin: { token: adminToken },
    clients: [
      { id: 'team-a', key: limitedKey, limits: { requestsPerMinute: 5 } },
      { id: 'free', key: freeKey },
      { id: 'penny', key: budgetKey, limits: { budgets: [{ usd: 0.01, window: 'total' }] } },
      { id: 'pair', key: pairKey, limits: { concurrency: 2 } },
    ],
  };
  return [await startRelayProcess(config), await startRelayProcess(config)];
}

describeWithRedis('key limits across relay processes', () => {
  beforeAll(async () => {
    // The budget key's requests cost 900 µ$ each: 100 input, 20 output and 1000 cache-read tokens of Sonnet 4.5
    // (100×3 + 20×15 + 1000×0.30).
    mock = await createMockAnthropic({
      deltas: 3,
      usage: ({ body }) =>
        contentOf(body) === 'penny'
          ? { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 1000 }
          : { input_tokens: 10, output_tokens: 5 },
    });
  });
  afterEach(async () => {
    await stopAllRelays();
  });
  afterAll(async () => {
    await mock.close();
  });

  it('lets exactly 5 of 8 quick requests of a 5-per-minute key through across 2 processes; the SDK gets RateLimitError', async () => {
    const relays = await twoRelays();
    const outcomes: Array<'ok' | Anthropic.RateLimitError | unknown> = [];
    for (let index = 0; index < 8; index += 1) {
      const relay = relays[index % 2] as RelayProcess;
      const client = new Anthropic({ apiKey: limitedKey, baseURL: relay.url, maxRetries: 0 });
      try {
        await client.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 16,
          messages: [{ role: 'user', content: 'hi' }],
        });
        outcomes.push('ok');
      } catch (error) {
        outcomes.push(error);
      }
    }
    const refused = outcomes.filter((outcome) => outcome !== 'ok');
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(5);
    expect(refused).toHaveLength(3);
    for (const error of refused) {
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
      expect(rateLimit.status).toBe(429);
      expect(rateLimit.message).toContain("client key 'team-a' is over its limit of 5 requests per minute");
      // GCRA frees one request every 60 s / 5 = 12 s.
      const retryAfter = Number(rateLimit.headers?.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(12);
    }

    // The keys API shows the key's usage of its limit, as every instance sees it.
    const shown = await fetch(`${relays[1].url}/admin/keys/team-a`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(((await shown.json()) as { usage: unknown }).usage).toEqual([
      { limit: 'requests-per-minute', max: 5, used: 5 },
    ]);

    // A key without limits on the same relays is not held back by any of it.
    for (let index = 0; index < 8; index += 1) {
      const answer = await sendRequest(
        relays[index % 2] as RelayProcess,
        freeKey,
        messageFor('claude-sonnet-4-5', 'free', false),
      );
      expect(answer.status).toBe(200);
    }
    const metrics = await (await fetch(`${relays[0].url}/metrics`)).text();
    expect(metrics).toMatch(
      /relay_client_limit_rejections_total\{client="team-a",limit="requests_per_minute"\} [1-3]\b/,
    );
  });

  it('stops a $0.01 budget within the documented overshoot: n slices plus one request per instance', async () => {
    const relays = await twoRelays();
    const tally = new UsageTally();
    let refusals = 0;
    let served = 0;
    // Serial requests, alternating between the processes, until both refuse twice in a row.
    for (let index = 0; index < 60 && refusals < 4; index += 1) {
      const answer = await sendRequest(
        relays[index % 2] as RelayProcess,
        budgetKey,
        messageFor('claude-sonnet-4-5', 'penny', index % 3 === 0),
      );
      if (answer.status === 200) {
        served += 1;
        refusals = 0;
        tally.add(receivedUsage(answer.text));
        continue;
      }
      expect(answer.status).toBe(429);
      const body = JSON.parse(answer.text) as { error: { type: string; message: string } };
      expect(body.error.type).toBe('rate_limit_error');
      expect(body.error.message).toContain("client key 'penny' has spent its budget of $0.01 in total");
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      refusals += 1;
    }
    expect(refusals).toBe(4);

    const spent = tally.rows()[0]?.costMicroUsd ?? 0;
    expect(spent).toBe(served * 900);
    // README of @relay/quota, "Leases": beyond the limit at most n slices (10 % of 10 000 µ$ each) plus the cost of
    // the requests in flight when the shares ran out (one per instance, requests being serial); short of it at most
    // the n slices leased and left unspent.
    const limit = 10_000;
    const instances = 2;
    const slice = 1_000;
    expect(spent).toBeLessThanOrEqual(limit + instances * slice + instances * 900);
    expect(spent).toBeGreaterThanOrEqual(limit - instances * slice);
    // The ledger billed exactly what the clients received (the other process's rows arrive within its sync interval).
    await expect
      .poll(async () => (await adminUsage(relays[0], adminToken, { keyId: 'penny', groupBy: 'key' })).total, {
        timeout: 10_000,
      })
      .toMatchObject({ requests: served, costMicroUsd: spent });
  });

  it('holds a key to 2 requests in flight across 2 processes: the others get 429 while they run', async () => {
    // Streams of 6 events 250 ms apart: every request below starts while the first ones still run.
    const slow = await createMockAnthropic({ deltas: 2, eventDelayMs: 250 });
    try {
      const relays = await twoRelays(slow);
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, index) =>
          sendRequest(relays[index % 2] as RelayProcess, pairKey, messageFor('claude-sonnet-4-6', 'pair', true)),
        ),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 200, 429, 429]);
      for (const answer of answers.filter((candidate) => candidate.status === 429)) {
        expect(JSON.parse(answer.text).error.message).toContain(
          "client key 'pair' is at its limit of 2 concurrent requests",
        );
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      // Settled requests free their slots: the key gets through again.
      await expect
        .poll(
          async () => (await sendRequest(relays[0], pairKey, messageFor('claude-sonnet-4-6', 'pair', false))).status,
          { timeout: 15_000, interval: 500 },
        )
        .toBe(200);
    } finally {
      await stopAllRelays();
      await slow.close();
    }
  });
});
