import { startRedisServer } from '@relay/test-support';
import { describeWithRedis, redisKeySpace, testRedisUrl } from '@relay/test-support/vitest';
import { expect, it } from 'vitest';
import { RedisQuotaBackend } from '../backends/redis.js';
import type { KeyLimits } from './key-limits.js';
import { type QuotaAdmission, QuotaLimiter } from './quota-limiter.js';

describeWithRedis('QuotaLimiter on Redis, two instances', () => {
  const { prefix } = redisKeySpace('quota-limiter');
  const pair = (namespace: string) =>
    [0, 1].map(() => {
      const backend = new RedisQuotaBackend({ redis: testRedisUrl() as string, keyPrefix: `${prefix}${namespace}:` });
      return { backend, limiter: new QuotaLimiter({ backend }) };
    });
  const closeAll = async (instances: ReturnType<typeof pair>) => {
    for (const { limiter, backend } of instances) {
      await limiter.close();
      await backend.close();
    }
  };

  it('lets exactly 5 of 8 quick requests through a 5-per-minute key, racing', async () => {
    const instances = pair('rpm');
    const limits: KeyLimits = { requestsPerMinute: 5 };
    try {
      const verdicts = await Promise.all(
        Array.from({ length: 8 }, (_, index) => instances[index % 2]?.limiter.admit('key', limits)),
      );
      expect(verdicts.filter((verdict) => verdict?.allowed)).toHaveLength(5);
    } finally {
      await closeAll(instances);
    }
  });

  it('holds a concurrency cap of 3 across both', async () => {
    const instances = pair('slots');
    const limits: KeyLimits = { concurrency: 3 };
    try {
      const verdicts = await Promise.all(
        Array.from({ length: 10 }, (_, index) => instances[index % 2]?.limiter.admit('key', limits)),
      );
      const admitted = verdicts.filter((verdict) => verdict?.allowed) as QuotaAdmission[];
      expect(admitted).toHaveLength(3);
      for (const admission of admitted) admission.settle();
    } finally {
      await closeAll(instances);
    }
  });
});

it('keeps to one self-granted slice per minute while Redis is away, then refuses', async () => {
  const server = await startRedisServer();
  const backend = new RedisQuotaBackend({ redis: server.url, commandTimeoutMs: 300 });
  const limiter = new QuotaLimiter({ backend });
  const limits: KeyLimits = { requestsPerMinute: 100 };
  try {
    await server.stop();
    const verdicts = [];
    for (let index = 0; index < 15; index += 1) verdicts.push(await limiter.admit('key', limits));
    // One slice (10 % of 100) without Redis, never thrown at the caller.
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(10);
    expect(limiter.stats().leaseFailures).toBeGreaterThan(0);
  } finally {
    await limiter.close();
    await backend.close();
    await server.stop();
  }
});
