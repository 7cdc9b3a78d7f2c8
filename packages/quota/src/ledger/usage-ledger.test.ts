import { afterEach, describe, expect, it } from 'vitest';
import { MemoryQuotaBackend } from '../backends/memory.js';
import { zeroCounters } from '../backends/quota-backend.js';
import { QuotaInvalidArgumentError, QuotaInvalidOptionError } from '../errors.js';
import { dayId } from '../limits/budget-window.js';
import type { Pricing } from '../pricing/pricing.js';
import { readUsage } from '../pricing/token-usage.js';
import { UsageLedger } from './usage-ledger.js';

const open: UsageLedger[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map(async (ledger) => ledger.close().catch(() => {})));
});

describe('UsageLedger', () => {
  it('bills each request by the price table and sums rows per key × account × model × day', async () => {
    const backend = new MemoryQuotaBackend();
    const now = Date.parse('2026-12-01T12:00:00Z');
    const ledger = new UsageLedger({ backend, now: () => now });
    open.push(ledger);
    const usage = readUsage({
      input_tokens: 100,
      output_tokens: 10,
      cache_read_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 30 },
    });
    // 100×3 + 10×15 + 1000×0.30 + 20×3.75 + 30×6 = 300 + 150 + 300 + 75 + 180
    expect(ledger.record({ keyId: 'k', accountId: 'a', model: 'claude-sonnet-4-5', usage }).costMicroUsd).toBe(1005);
    ledger.record({ keyId: 'k', accountId: 'a', model: 'claude-sonnet-4-5', usage, incomplete: true });
    ledger.record({ keyId: 'k', accountId: 'b', model: 'mystery-model', usage: readUsage({ input_tokens: 1 }) });
    expect(ledger.stats().unsyncedRows).toBe(2);
    await ledger.flush();
    expect(ledger.stats()).toEqual({
      unsyncedRows: 0,
      syncBatches: 1,
      droppedRows: 0,
      degraded: false,
      unknownModelRequests: 1,
    });
    const rows = await ledger.read({ keyIds: ['k'], fromDay: dayId(now), toDay: dayId(now) });
    expect(rows.find((row) => row.accountId === 'a')?.counters).toEqual({
      requests: 2,
      incomplete: 1,
      input: 200,
      output: 20,
      cacheRead: 2000,
      cacheWrite5m: 40,
      cacheWrite1h: 60,
      costMicroUsd: 2010,
    });
    expect(rows.find((row) => row.accountId === 'b')?.counters).toEqual({
      ...zeroCounters(),
      requests: 1,
      input: 1,
      costMicroUsd: 15,
    });
  });

  it('writes a full batch at once and the rest on its interval', async () => {
    const backend = new MemoryQuotaBackend();
    const ledger = new UsageLedger({ backend, batchSize: 3, syncIntervalMs: 50 });
    open.push(ledger);
    for (let index = 0; index < 4; index += 1) {
      ledger.record({
        keyId: `key-${index}`,
        accountId: 'a',
        model: 'claude-haiku-4-5',
        usage: readUsage({ output_tokens: 1 }),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ledger.stats().unsyncedRows).toBe(0);
    expect(ledger.stats().syncBatches).toBeGreaterThanOrEqual(2);
  });

  it('rejects bad ids and options naming them', () => {
    const ledger = new UsageLedger({ backend: new MemoryQuotaBackend() });
    open.push(ledger);
    expect(() => ledger.record({ keyId: 'a{b}', accountId: 'a', model: 'm', usage: readUsage({}) })).toThrow(
      QuotaInvalidArgumentError,
    );
    expect(() => ledger.record({ keyId: 'k', accountId: '', model: 'm', usage: readUsage({}) })).toThrow(/accountId/);
    expect(() => new UsageLedger({ backend: new MemoryQuotaBackend(), syncIntervalMs: -1 })).toThrow(
      QuotaInvalidOptionError,
    );
    expect(() => new UsageLedger({ backend: new MemoryQuotaBackend(), pricing: {} as Pricing })).toThrow(/pricing/);
  });
});
