import { startRedisServer } from '@relay/test-support';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { RedisQuotaBackend } from './backends/redis.js';
import { UsageLedger } from './ledger/usage-ledger.js';
import { dayId } from './limits/budget-window.js';
import type { KeyLimits } from './limits/key-limits.js';
import { QuotaLimiter } from './limits/quota-limiter.js';
import { readUsage, totalTokens } from './pricing/token-usage.js';

/** Commands Redis executed, by name, from INFO commandstats (scripts' own commands included). */
async function commandCounts(admin: Redis): Promise<Map<string, number>> {
  const info = await admin.info('commandstats');
  const counts = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(match[1] as string, Number(match[2]));
  return counts;
}

it('adds at most 0.1 Redis commands per request with every limit and the ledger on, across two instances', async () => {
  // A private server: nothing else's commands in its counters.
  const server = await startRedisServer();
  const admin = new Redis(server.url);
  const instances = [0, 1].map(() => {
    const backend = new RedisQuotaBackend({ redis: server.url });
    return {
      backend,
      limiter: new QuotaLimiter({ backend }),
      ledger: new UsageLedger({ backend, syncIntervalMs: 250 }),
    };
  });
  const limits: KeyLimits = {
    requestsPerMinute: 10_000,
    tokensPerMinute: 10_000_000,
    concurrency: 20,
    budgets: [
      { usd: 100, window: 'day' },
      { usd: 500, window: '5h' },
    ],
  };
  const usage = readUsage({ input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 1000 });
  const requests = 2000;
  try {
    await Promise.all(instances.map(async ({ backend }) => (backend.connection.client as Redis).ping()));
    const before = await commandCounts(admin);
    for (let index = 0; index < requests; index += 1) {
      const { limiter, ledger } = instances[index % 2] as (typeof instances)[number];
      const verdict = await limiter.admit('key-steady', limits);
      expect(verdict.allowed).toBe(true);
      if (!verdict.allowed) return;
      const priced = ledger.record({ keyId: 'key-steady', accountId: 'acct', model: 'claude-sonnet-4-5', usage });
      verdict.settle({ tokens: totalTokens(usage), costMicroUsd: priced.costMicroUsd });
      // Requests take time; let the background refills and the ledger's interval run as they would.
      if (index % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(instances.map(async ({ ledger }) => ledger.flush()));
    const after = await commandCounts(admin);
    let all = 0;
    let scripts = 0;
    for (const [name, calls] of after) {
      if (name === 'info' || name === 'ping') continue;
      const delta = calls - (before.get(name) ?? 0);
      all += delta;
      if (name === 'evalsha' || name === 'eval') scripts += delta;
    }
    console.info(`[quota] ${requests} requests: ${scripts} script calls, ${all} commands with the scripts' own`);
    expect(scripts).toBeGreaterThan(0);
    expect(all).toBeLessThanOrEqual(requests * 0.1);
    const [row] =
      (await instances[0]?.ledger.read({
        keyIds: ['key-steady'],
        fromDay: dayId(Date.now()),
        toDay: dayId(Date.now()),
      })) ?? [];
    expect(row?.counters.requests).toBe(requests);
  } finally {
    for (const { limiter, ledger, backend } of instances) {
      await limiter.close();
      await ledger.close().catch(() => {});
      await backend.close();
    }
    admin.disconnect();
    await server.stop();
  }
});
