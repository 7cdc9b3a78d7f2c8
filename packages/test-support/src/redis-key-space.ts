import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { deleteKeys } from './redis-keys.js';
import { testRedisUrl, uniqueKeyPrefix } from './test-redis.js';

/** A suite's own part of the run's Redis. */
export interface RedisKeySpace {
  /** A prefix no other suite or run shares (`uniqueKeyPrefix`): put every key of the suite under it. */
  readonly prefix: string;
  /** The run's Redis URL. */
  url(): string;
  /** A client to look at the keys with, connected before the suite's tests (from `beforeAll` on). */
  admin(): Redis;
}

/**
 * Gives the calling suite (inside `describeWithRedis`) a key prefix of its own and an admin client, and deletes the
 * suite's keys and closes the client after its last test.
 */
export function redisKeySpace(label: string): RedisKeySpace {
  const prefix = uniqueKeyPrefix(label);
  let admin: Redis | undefined;
  beforeAll(() => {
    admin = new Redis(testRedisUrl() as string);
  });
  afterAll(async () => {
    if (!admin) return;
    await deleteKeys(admin, prefix);
    await admin.quit();
  });
  return {
    prefix,
    url: () => testRedisUrl() as string,
    admin: () => {
      if (!admin) throw new Error('the admin client of a redisKeySpace exists from beforeAll on');
      return admin;
    },
  };
}
