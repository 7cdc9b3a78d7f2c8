import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '@relay/test-support';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { RedisQuotaBackend } from '../backends/redis.js';
import { dayId } from '../limits/budget-window.js';
import { readUsage } from '../pricing/token-usage.js';
import { UsageLedger } from './usage-ledger.js';

const usage = readUsage({ input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 100 });
// claude-sonnet-4-5: 10×3 + 2×15 + 100×0.30 = 90 µ$ a request.
const costEach = 90;

it('keeps recording while Redis is stopped and replays what it held exactly once when it is back', async () => {
  // Persistent, so that what Redis held before the stop is still there after the restart.
  const directory = await mkdtemp(join(tmpdir(), 'relay-quota-outage-'));
  const server = await startRedisServer({
    args: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', directory],
  });
  const backend = new RedisQuotaBackend({ redis: server.url, commandTimeoutMs: 300 });
  const ledger = new UsageLedger({ backend, syncIntervalMs: 60_000 });
  const record = (count: number) => {
    for (let index = 0; index < count; index += 1)
      ledger.record({ keyId: 'key', accountId: 'acct', model: 'claude-sonnet-4-5', usage });
  };
  try {
    record(10);
    await ledger.flush();
    await server.stop();
    record(5);
    await expect(ledger.flush()).rejects.toThrow(/unavailable/i);
    record(7);
    expect(ledger.stats().degraded).toBe(true);
    await server.restart();
    // Reconnecting takes ioredis a moment; the flush goes through once it is back.
    for (let attempt = 0; attempt < 100 && ledger.stats().unsyncedRows > 0; attempt += 1) {
      await ledger.flush().catch(async () => new Promise((resolve) => setTimeout(resolve, 50)));
    }
    expect(ledger.stats()).toMatchObject({ unsyncedRows: 0, degraded: false });
    const [row] = await ledger.read({ keyIds: ['key'], fromDay: dayId(Date.now()), toDay: dayId(Date.now()) });
    expect(row?.counters).toMatchObject({
      requests: 22,
      input: 220,
      output: 44,
      cacheRead: 2200,
      costMicroUsd: 22 * costEach,
    });
  } finally {
    await ledger.close().catch(() => {});
    await backend.close();
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
});

it('replays a batch whose reply was lost without counting it twice', async () => {
  // DEBUG SLEEP holds the server past the command timeout: Redis applies the batch, the ledger never hears back.
  const server = await startRedisServer({ args: ['--enable-debug-command', 'yes'] });
  const backend = new RedisQuotaBackend({ redis: server.url, commandTimeoutMs: 200 });
  const ledger = new UsageLedger({ backend, syncIntervalMs: 60_000 });
  const admin = new Redis(server.url);
  try {
    ledger.record({ keyId: 'key', accountId: 'acct', model: 'claude-sonnet-4-5', usage });
    await ledger.flush();
    for (let index = 0; index < 3; index += 1)
      ledger.record({ keyId: 'key', accountId: 'acct', model: 'claude-sonnet-4-5', usage });
    const sleeping = admin.call('debug', 'sleep', '0.6');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(ledger.flush()).rejects.toThrow();
    await sleeping;
    // Redis did apply it: 4 requests are in, though the ledger still holds the batch as unconfirmed.
    const stored = await backend.readUsage({ keyIds: ['key'], fromDay: dayId(Date.now()), toDay: dayId(Date.now()) });
    expect(stored[0]?.counters.requests).toBe(4);
    expect(ledger.stats().unsyncedRows).toBe(1);
    ledger.record({ keyId: 'key', accountId: 'acct', model: 'claude-sonnet-4-5', usage });
    await ledger.flush();
    const [row] = await ledger.read({ keyIds: ['key'], fromDay: dayId(Date.now()), toDay: dayId(Date.now()) });
    expect(row?.counters).toMatchObject({ requests: 5, costMicroUsd: 5 * costEach });
  } finally {
    await ledger.close().catch(() => {});
    await backend.close();
    admin.disconnect();
    await server.stop();
  }
});
