import { startRedisServer } from '@relay/test-support';
import { describeWithRedis, redisKeySpace, testRedisUrl } from '@relay/test-support/vitest';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import { QuotaInvalidOptionError, QuotaUnavailableError } from '../errors.js';
import { windowSpan } from '../limits/budget-window.js';
import { quotaBackendTestSuite } from '../testing/quota-backend-test-suite.js';
import { RedisQuotaBackend } from './redis.js';

describeWithRedis('RedisQuotaBackend', () => {
  const { prefix, admin } = redisKeySpace('quota-redis');

  // Each backend its own connection: two of one namespace are two instances racing through Redis.
  quotaBackendTestSuite(
    vitest,
    ({ namespace }) => new RedisQuotaBackend({ redis: testRedisUrl() as string, keyPrefix: `${prefix}${namespace}:` }),
    { name: 'redis', sharesState: true },
  );

  it('keeps every key under its prefix with a hash tag, and each one expiring except total budgets', async () => {
    const keyPrefix = `${prefix}layout:`;
    const backend = new RedisQuotaBackend({ redis: testRedisUrl() as string, keyPrefix });
    const now = Date.now();
    await backend.takeRate('key-1:rpm', { limit: 10, periodMs: 60_000 }, 1);
    await backend.takeBudget('key-1:usd:day', windowSpan('day', now), 100, 10, now);
    await backend.takeBudget('key-1:usd:5h', windowSpan('5h', now), 100, 10, now);
    await backend.holdSlots('key-1:slots', 'holder', 3, 1, 30_000);
    await backend.applyUsage(
      [
        {
          keyId: 'key-1',
          accountId: 'a',
          model: 'm',
          day: '20261201',
          counters: {
            requests: 1,
            incomplete: 0,
            input: 1,
            output: 0,
            cacheRead: 0,
            cacheWrite5m: 0,
            cacheWrite1h: 0,
            costMicroUsd: 3,
          },
        },
      ],
      { writer: 'w', sequence: 1 },
    );
    const keys = (await admin().keys(`${keyPrefix}*`)).sort();
    expect(keys.map((key) => key.slice(keyPrefix.length))).toEqual(
      [
        'r:{key-1:rpm}',
        `b:{key-1:usd:day}:${windowSpan('day', now).id}`,
        'b:{key-1:usd:5h}:5h',
        'c:{key-1:slots}',
        'l:{key-1}:20261201',
      ].sort(),
    );
    for (const key of keys) expect(await admin().pttl(key)).toBeGreaterThan(0);
    expect(await admin().object('ENCODING', `${keyPrefix}l:{key-1}:20261201`)).toBe('listpack');
    await backend.close();
  });

  it('rejects bad options naming the option', () => {
    expect(() => new RedisQuotaBackend({ redis: testRedisUrl() as string, keyPrefix: 'a{b' })).toThrow(
      QuotaInvalidOptionError,
    );
    expect(() => new RedisQuotaBackend({ redis: testRedisUrl() as string, keyPrefix: 'a{b' })).toThrow(/keyPrefix/);
    expect(() => new RedisQuotaBackend({ redis: 42 as unknown as string })).toThrow(/redis/);
    expect(() => new RedisQuotaBackend({ redis: 'redis://x', commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
  });
});

it('fails fast with QuotaUnavailableError while Redis is away', async () => {
  const server = await startRedisServer();
  const backend = new RedisQuotaBackend({ redis: server.url, commandTimeoutMs: 300 });
  try {
    await backend.takeRate('k:rpm', { limit: 1, periodMs: 60_000 }, 1);
    await server.stop();
    await expect(backend.takeRate('k:rpm', { limit: 1, periodMs: 60_000 }, 1)).rejects.toBeInstanceOf(
      QuotaUnavailableError,
    );
  } finally {
    await backend.close();
    await server.stop();
  }
});
