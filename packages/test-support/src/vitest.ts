// The vitest side of the test support: the run's Redis, as the global setup (`./redis-global-setup`) found it.
export { expectPackageError } from './error-pattern.js';
export { type RedisKeySpace, redisKeySpace } from './redis-key-space.js';
export { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from './test-redis.js';
