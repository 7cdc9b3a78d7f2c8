import { createMockAnthropic, type MockAnthropic, type MockUsage } from '@relay/mock-anthropic';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../../src/auth/client-key.js';
import type { RelayConfigInput } from '../../src/config/config-schema.js';
import { runRelayCli } from '../relay-cli.js';
import { startRelayProcess, stopAllRelays } from '../relay-process.js';

const runCli = (args: string[], environment: Record<string, string> = {}) => runRelayCli(args, { environment });

import { adminUsage, contentOf, messageFor, receivedUsage, sendRequest, UsageTally } from './usage-support.js';

const adminToken = 'admin-token-billing-e2e';
const clientKey = generateClientKey();

/**
 * A fixed set of usage blocks and their cost worked out by hand from the public list ($/MTok = µ$ per token) and the
 * test's own config: each request's exact sum, rounded half up to a micro-dollar.
 */
const bills: Array<{ model: string; usage: MockUsage; costMicroUsd: number }> = [
  {
    model: 'claude-sonnet-4-5-20250929',
    usage: {
      input_tokens: 1000,
      output_tokens: 500,
      cache_read_input_tokens: 10_000,
      cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 },
    },
    // 1000×3 + 500×15 + 2000×3.75 + 1000×6 + 10000×0.30
    costMicroUsd: 27_000,
  },
  {
    // No breakdown: the cache writes are 5-minute ones.
    model: 'claude-opus-4-6',
    usage: { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 100, cache_read_input_tokens: 50 },
    // 10×5 + 20×25 + 100×6.25 + 50×0.50
    costMicroUsd: 1200,
  },
  {
    model: 'claude-haiku-4-5',
    usage: {
      input_tokens: 7,
      output_tokens: 3,
      cache_read_input_tokens: 13,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 11 },
    },
    // 7×1 + 3×5 + 11×2 + 13×0.10 = 45.3
    costMicroUsd: 45,
  },
  {
    model: 'claude-3-haiku-20240307',
    usage: {
      input_tokens: 1000,
      output_tokens: 1000,
      cache_read_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 1000 },
    },
    // Haiku 3's listed cache rates: 1000×0.25 + 1000×1.25 + 1000×0.30 + 1000×0.50 + 1000×0.03
    costMicroUsd: 2330,
  },
  {
    // The config's price: $2 in, $8 out, cache rates from the input rate (2.5, 4, 0.2).
    model: 'claude-sonnet-4-6',
    usage: {
      input_tokens: 100,
      output_tokens: 10,
      cache_read_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 10 },
    },
    // 100×2 + 10×8 + 40×2.5 + 10×4 + 1000×0.2
    costMicroUsd: 620,
  },
  {
    // In no table: the config's default price ($1, $2, 3, 4, 0.5).
    model: 'house-model',
    usage: {
      input_tokens: 10,
      output_tokens: 10,
      cache_read_input_tokens: 10,
      cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 10 },
    },
    // 10×1 + 10×2 + 10×3 + 10×4 + 10×0.5
    costMicroUsd: 105,
  },
];

// Streams and cut streams: message_start carries these; the cut ones never reach message_delta.
const streamUsage: MockUsage = {
  input_tokens: 300,
  output_tokens: 40,
  cache_read_input_tokens: 700,
  cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 30 },
};

let mock: MockAnthropic;

function relayConfig(overrides: Partial<RelayConfigInput> = {}): RelayConfigInput {
  return {
    upstream: { baseUrl: mock.url, ...overrides.upstream },
    accounts: [{ id: 'acct-a', apiKey: 'sk-ant-billing-a' }],
    admin: { token: adminToken },
    clients: [{ id: 'billed', key: clientKey }],
    pricing: {
      models: { 'claude-sonnet-4-6': { input: 2, output: 8 } },
      default: { input: 1, output: 2, cacheWrite5m: 3, cacheWrite1h: 4, cacheRead: 0.5 },
    },
    ...overrides,
  };
}

describe('billing through the relay', () => {
  beforeAll(async () => {
    mock = await createMockAnthropic({
      deltas: 3,
      usage: ({ body }) => {
        const content = contentOf(body);
        const bill = bills.find((candidate) => content === `bill:${candidate.model}`);
        return bill?.usage ?? streamUsage;
      },
    });
  });
  afterEach(async () => {
    mock.clearFaults();
    await stopAllRelays();
  });
  afterAll(async () => {
    await mock.close();
  });

  it('prices a fixed set of usage blocks (5m and 1h writes, reads, several models) as the hand-computed table says', async () => {
    const relay = await startRelayProcess(relayConfig());
    for (const bill of bills) {
      // Each block twice: as a JSON message and as a stream.
      for (const stream of [false, true]) {
        const answer = await sendRequest(relay, clientKey, messageFor(bill.model, `bill:${bill.model}`, stream));
        expect(answer.status).toBe(200);
      }
    }
    const usage = await adminUsage(relay, adminToken, { keyId: 'billed', groupBy: 'model' });
    const expected = [...bills]
      .sort((left, right) => left.model.localeCompare(right.model))
      .map((bill) => ({ model: bill.model, requests: 2, incomplete: 0, costMicroUsd: 2 * bill.costMicroUsd }));
    expect(
      usage.rows.map(({ model, requests, incomplete, costMicroUsd }) => ({
        model,
        requests,
        incomplete,
        costMicroUsd,
      })),
    ).toEqual(expected);
    const sonnet = usage.rows.find((row) => row.model === 'claude-sonnet-4-5-20250929');
    expect(sonnet?.tokens).toEqual({
      input: 2000,
      output: 1000,
      cacheRead: 20_000,
      cacheWrite5m: 4000,
      cacheWrite1h: 2000,
    });
    const opus = usage.rows.find((row) => row.model === 'claude-opus-4-6');
    expect(opus?.tokens).toEqual({ input: 20, output: 40, cacheRead: 100, cacheWrite5m: 200, cacheWrite1h: 0 });
    const total = 2 * bills.reduce((sum, bill) => sum + bill.costMicroUsd, 0);
    expect(usage.total.costMicroUsd).toBe(total);
    expect(usage.total.costUsd).toBeCloseTo(total / 1e6, 9);

    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toContain(`relay_client_cost_microdollars_total{client="billed"} ${total}`);
    // (1000 + 0 + 11 + 1000 + 10 + 10) one-hour writes, twice.
    expect(metrics).toContain('relay_client_tokens_total{client="billed",kind="cache_write_1h"} 4062');
    expect(metrics).toContain('relay_unknown_model_requests_total 2');
  });

  it('bills the model the response names, not the one the request asked for', async () => {
    const renaming = await createMockAnthropic({
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 1000, output_tokens: 0 },
    });
    try {
      const relay = await startRelayProcess(relayConfig({ upstream: { baseUrl: renaming.url } }));
      for (const stream of [false, true]) {
        expect((await sendRequest(relay, clientKey, messageFor('claude-opus-4-1', 'x', stream))).status).toBe(200);
      }
      const usage = await adminUsage(relay, adminToken, { groupBy: 'model' });
      // Haiku 4.5 at $1 per million input tokens, not Opus 4.1 at $15.
      expect(usage.rows).toMatchObject([{ model: 'claude-haiku-4-5', requests: 2, costMicroUsd: 2000 }]);
    } finally {
      await renaming.close();
    }
  });

  it.each([
    ['JSON, the first account answering 529', false, { kind: 'overloaded' as const }],
    [
      'a stream, the first account sending an error event first',
      true,
      { kind: 'stream-error' as const, afterEvents: 0 },
    ],
  ])('bills nothing of a failed attempt that failed over (%s)', async (_name, stream, fault) => {
    const relay = await startRelayProcess(
      relayConfig({
        accounts: [
          { id: 'acct-a', apiKey: 'sk-ant-billing-a', priority: 0 },
          { id: 'acct-b', apiKey: 'sk-ant-billing-b', priority: 1 },
        ],
      }),
    );
    mock.clearReceived();
    mock.fault(fault, { apiKey: 'sk-ant-billing-a', times: 1 });
    const answer = await sendRequest(relay, clientKey, messageFor('claude-opus-4-6', 'failover', stream));
    expect(answer.status).toBe(200);
    // Both attempts happened: the first on acct-a, failed; the second on acct-b answered.
    expect(mock.received.map((received) => received.apiKey)).toEqual(['sk-ant-billing-a', 'sk-ant-billing-b']);
    const tally = new UsageTally();
    tally.add(receivedUsage(answer.text));
    const usage = await adminUsage(relay, adminToken, { groupBy: 'account,model' });
    const [received] = tally.rows();
    expect(usage.rows).toEqual([
      expect.objectContaining({
        accountId: 'acct-b',
        model: 'claude-opus-4-6',
        requests: 1,
        incomplete: 0,
        tokens: received?.tokens,
        costMicroUsd: received?.costMicroUsd,
      }),
    ]);
  });

  it('records cut, stalled and truncated streams as incomplete, billed with the tokens they carried', async () => {
    const relay = await startRelayProcess(
      relayConfig({ upstream: { baseUrl: mock.url, stream: { idleTimeoutMs: 500 } } }),
    );
    const tally = new UsageTally();
    for (const fault of [
      { kind: 'reset-mid-stream' as const, afterEvents: 3 },
      { kind: 'stall' as const, afterEvents: 3 },
      { kind: 'truncate' as const, afterEvents: 4 },
    ]) {
      mock.fault(fault, { path: '/v1/messages' });
      const answer = await sendRequest(relay, clientKey, messageFor('claude-opus-4-6', 'cut', true));
      expect(answer.status).toBe(200);
      // The client saw its stream end with the relay's error event, after message_start.
      expect(answer.text).toContain('event: message_start');
      expect(answer.text).toContain('event: error');
      expect(answer.text).not.toContain('event: message_stop');
      tally.add(receivedUsage(answer.text));
    }
    const usage = await adminUsage(relay, adminToken, { groupBy: 'model' });
    const [received] = tally.rows();
    // message_start's counts, and its output_tokens of 1: what the cut streams carried.
    expect(received?.tokens).toEqual({ input: 900, output: 3, cacheRead: 2100, cacheWrite5m: 60, cacheWrite1h: 90 });
    expect(usage.rows).toEqual([
      expect.objectContaining({
        model: 'claude-opus-4-6',
        requests: 3,
        incomplete: 3,
        tokens: received?.tokens,
        costMicroUsd: received?.costMicroUsd,
      }),
    ]);
  });

  it('answers GET /admin/usage only with the admin token, and names a bad parameter', async () => {
    const relay = await startRelayProcess(relayConfig());
    expect((await fetch(`${relay.url}/admin/usage`)).status).toBe(401);
    expect(
      (await fetch(`${relay.url}/admin/usage`, { headers: { authorization: 'Bearer wrong-token-of-16-chars' } }))
        .status,
    ).toBe(403);
    const bad = await fetch(`${relay.url}/admin/usage?groupBy=week`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string; message: string } }).error).toEqual({
      type: 'invalid_request_error',
      message: 'groupBy must be day, key, account or model (or several, comma-separated)',
    });
  });

  it('"relay usage" prints the ledger of the running relay, by its admin API', async () => {
    const relay = await startRelayProcess(relayConfig());
    const bill = bills[1] as (typeof bills)[number];
    expect((await sendRequest(relay, clientKey, messageFor(bill.model, `bill:${bill.model}`, false))).status).toBe(200);

    const table = await runCli(
      ['usage', '--url', relay.url, '--key', 'billed', '--since', '7d', '--group-by', 'model'],
      {
        RELAY_ADMIN_TOKEN: adminToken,
      },
    );
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[1]).toMatch(
      /^model\s+requests\s+incomplete\s+input\s+output\s+cache read\s+cache write 5m\s+cache write 1h\s+cost \(USD\)$/,
    );
    expect(lines[2]?.split(/\s+/)).toEqual(['claude-opus-4-6', '1', '0', '10', '20', '50', '100', '0', '0.001200']);

    const json = await runCli(['usage', '--url', relay.url, '--admin-token', adminToken, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ total: { requests: 1, costMicroUsd: 1200 } });

    const refused = await runCli(['usage', '--url', relay.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('relay usage needs the admin token');
  });
});
