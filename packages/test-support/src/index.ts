// Test support shared by the tests and the bench: free ports, real Redis servers, clusters and sentinels, key cleanup,
// real proxies as child processes, waiting. Node built-ins and ioredis only (no vitest: see `./vitest`).
export { findFreePort } from './free-port.js';
export { hasBinary, type ProcessProxy, proxyCredentials, startMicrosocks, startTinyproxy } from './process-proxies.js';
export { type RedisClusterProcess, startRedisCluster } from './redis-cluster.js';
export { deleteKeys } from './redis-keys.js';
export { type RedisSentinelProcess, startRedisSentinel } from './redis-sentinel.js';
export { hasRedisServerBinary, pingRedis, type RedisServerProcess, startRedisServer } from './redis-server.js';
export { waitFor } from './wait-for.js';
