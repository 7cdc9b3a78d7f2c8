import { MemoryQuotaBackend, QuotaLimiter } from '@relay/quota';
import { afterEach, describe, expect, it } from 'vitest';
import { keyUsage } from './key-usage.js';

const limiters: QuotaLimiter[] = [];
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((limiter) => limiter.close()));
});

describe('keyUsage', () => {
  it("reports a key's usage against each of its limits, and nothing for a key without limits", async () => {
    const backend = new MemoryQuotaBackend();
    const limiter = new QuotaLimiter({ backend, leaseFraction: 1 });
    limiters.push(limiter);
    const client = { id: 'team-a', limits: { requestsPerMinute: 5, budgets: [{ usd: 2, window: 'month' as const }] } };
    const admitted = await limiter.admit(client.id, client.limits);
    expect(admitted.allowed).toBe(true);
    // A lease fraction of 1 leases the whole limit at once.
    expect(await keyUsage(limiter, client)).toEqual([
      { limit: 'requests-per-minute', max: 5, used: 5 },
      { limit: 'budget', window: 'month', max: 2, used: 2 },
    ]);
    expect(await keyUsage(limiter, { id: 'free', limits: undefined })).toEqual([]);
  });
});
