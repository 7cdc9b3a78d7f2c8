import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAnthropic, type MockAnthropic, type MockUsage } from '@relay/mock-anthropic';
import { hasRedisServerBinary, type RedisServerProcess, startRedisServer } from '@relay/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../../src/auth/client-key.js';
import type { RelayConfigInput } from '../../src/config/config-schema.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from '../relay-process.js';
import { adminUsage, contentOf, messageFor, receivedUsage, sendRequest, UsageTally } from './usage-support.js';

const adminToken = 'admin-token-ledger-exactness';
const clientKey = generateClientKey();
// Known models of several prices, a dated id, and one in no table (billed at the default price).
const models = [
  'claude-opus-4-6',
  'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5',
  'claude-3-5-haiku-20241022',
  'claude-opus-4-1',
  'house-model-x',
];
const requestCount = 1000;

/** The usage of request `index`: every kind varies; a third with the 5m / 1h breakdown, a third without. */
function usageOf(index: number): MockUsage {
  const base = { input_tokens: 1 + (index % 97) * 13, output_tokens: 1 + (index % 41) * 7 };
  const cacheRead = (index * 37) % 4000;
  switch (index % 3) {
    case 0:
      return {
        ...base,
        cache_read_input_tokens: cacheRead,
        cache_creation: { ephemeral_5m_input_tokens: (index * 11) % 900, ephemeral_1h_input_tokens: (index * 5) % 700 },
      };
    case 1:
      return { ...base, cache_read_input_tokens: cacheRead, cache_creation_input_tokens: (index * 3) % 500 };
    default:
      return base;
  }
}

/** The ledger part of `/admin/stats`. */
async function ledgerStats(relay: RelayProcess): Promise<{ degraded: boolean; unsyncedRows: number }> {
  const response = await fetch(`${relay.url}/admin/stats`, { headers: { authorization: `Bearer ${adminToken}` } });
  return ((await response.json()) as { quota: { ledger: { degraded: boolean; unsyncedRows: number } } }).quota.ledger;
}

let mock: MockAnthropic;
let redis: RedisServerProcess;

// A private redis-server: stopping it disturbs no other test.
describe.skipIf(!hasRedisServerBinary())('the usage ledger across processes and a Redis restart', () => {
  beforeAll(async () => {
    mock = await createMockAnthropic({
      deltas: 2,
      record: 10,
      usage: ({ body }) => usageOf(Number(contentOf(body).slice('request-'.length))),
    });
    // Persistent, as a production Redis is: a stop saves, a restart loads.
    const directory = mkdtempSync(join(tmpdir(), 'relay-ledger-redis-'));
    redis = await startRedisServer({ args: ['--dir', directory, '--save', '3600 1'] });
  });
  afterEach(async () => {
    await stopAllRelays();
  });
  afterAll(async () => {
    await redis.stop();
    await mock.close();
  });

  it('after 1,000 requests over 3 processes and a Redis restart, equals exactly the usage the clients received', async () => {
    const keyPrefix = `ledger-${crypto.randomUUID().slice(0, 8)}:`;
    const config: RelayConfigInput = {
      upstream: { baseUrl: mock.url },
      accounts: [
        { id: 'acct-1', apiKey: 'sk-ant-ledger-1' },
        { id: 'acct-2', apiKey: 'sk-ant-ledger-2' },
      ],
      sessions: { store: 'hybrid', redisUrl: redis.url, keyPrefix },
      admin: { token: adminToken },
      // Limits on, so every request is admitted and settled too (generous: the outage must refuse nothing).
      clients: [
        {
          id: 'ledger-key',
          key: clientKey,
          maxConcurrency: 64,
          limits: { requestsPerMinute: 100_000, budgets: [{ usd: 10_000, window: 'total' }] },
        },
      ],
    };
    const relays = await Promise.all([1, 2, 3].map(() => startRelayProcess(config)));
    const tally = new UsageTally();
    const statuses: Record<number, number> = {};
    let next = 0;
    let completed = 0;
    const client = async () => {
      for (let index = next++; index < requestCount; index = next++) {
        const relay = relays[index % relays.length] as RelayProcess;
        const model = models[index % models.length] as string;
        const answer = await sendRequest(relay, clientKey, messageFor(model, `request-${index}`, index % 2 === 0));
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status === 200) tally.add(receivedUsage(answer.text));
        completed += 1;
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, client));

    // Redis goes away a third of the way in, and comes back while the load still runs.
    while (completed < requestCount / 3) await sleep(20);
    await redis.stop();
    // Every process's ledger meets the outage (a batch fails and is kept for replay) before Redis returns.
    for (const relay of relays) {
      await expect.poll(async () => (await ledgerStats(relay)).degraded, { timeout: 10_000 }).toBe(true);
    }
    await redis.restart();
    await load;
    for (const relay of relays) {
      await expect.poll(async () => (await ledgerStats(relay)).degraded, { timeout: 10_000 }).toBe(false);
    }

    expect(statuses).toEqual({ 200: requestCount });
    // A graceful stop writes each process's last rows.
    for (const relay of relays) expect(await relay.stop('SIGTERM')).toBe(0);
    for (const relay of relays) {
      expect(relay.output.some((line) => line.includes('the store did not take the last rows'))).toBe(false);
    }

    // A fresh process reads what the store holds.
    const reader = await startRelayProcess(config);
    const usage = await adminUsage(reader, adminToken, { keyId: 'ledger-key', groupBy: 'model' });
    expect(
      usage.rows.map(({ model, requests, tokens, costMicroUsd }) => ({ model, requests, tokens, costMicroUsd })),
    ).toEqual(tally.rows());
    expect(usage.total.requests).toBe(requestCount);
    expect(usage.total.incomplete).toBe(0);
    expect(tally.rows().map((row) => row.model)).toEqual([...models].sort());
  }, 180_000);

  it('a SIGTERM writes the rows the ledger had not synced yet', async () => {
    const keyPrefix = `ledger-${crypto.randomUUID().slice(0, 8)}:`;
    const config: RelayConfigInput = {
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'acct-1', apiKey: 'sk-ant-ledger-1' }],
      sessions: { store: 'hybrid', redisUrl: redis.url, keyPrefix },
      admin: { token: adminToken },
      clients: [{ id: 'ledger-key', key: clientKey }],
      // No periodic sync within the test: only the shutdown can have written the rows.
      quota: { ledgerSyncIntervalMs: 60_000 },
    };
    const relay = await startRelayProcess(config);
    const tally = new UsageTally();
    for (let index = 0; index < 12; index += 1) {
      const answer = await sendRequest(
        relay,
        clientKey,
        messageFor(models[index % 3] as string, `request-${index}`, index % 2 === 0),
      );
      expect(answer.status).toBe(200);
      tally.add(receivedUsage(answer.text));
    }
    expect((await ledgerStats(relay)).unsyncedRows).toBeGreaterThan(0);
    expect(await relay.stop('SIGTERM')).toBe(0);

    const reader = await startRelayProcess(config);
    const usage = await adminUsage(reader, adminToken, { groupBy: 'model' });
    expect(
      usage.rows.map(({ model, requests, tokens, costMicroUsd }) => ({ model, requests, tokens, costMicroUsd })),
    ).toEqual(tally.rows());
  });
});
