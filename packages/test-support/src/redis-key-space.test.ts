import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisKeySpace } from './redis-key-space.js';
import { describeWithRedis, testRedisUrl } from './test-redis.js';

describeWithRedis('redisKeySpace', () => {
  let prefix = '';

  describe('a suite that uses one', () => {
    const space = redisKeySpace('key-space');
    prefix = space.prefix;

    it('has a prefix of this run and an admin client that sees the keys written under it', async () => {
      expect(space.prefix).toMatch(/^relay-test:[^:]+:key-space:[0-9a-f]{8}:$/);
      const writer = new Redis(space.url());
      try {
        await writer.set(`${space.prefix}first`, '1');
        await writer.set(`${space.prefix}second`, '2');
      } finally {
        await writer.quit();
      }
      expect((await space.admin().keys(`${space.prefix}*`)).sort()).toEqual([
        `${space.prefix}first`,
        `${space.prefix}second`,
      ]);
    });
  });

  it("deletes the suite's keys once the suite is done", async () => {
    const client = new Redis(testRedisUrl() as string);
    try {
      expect(await client.keys(`${prefix}*`)).toEqual([]);
    } finally {
      await client.quit();
    }
  });
});
