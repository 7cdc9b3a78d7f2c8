import { MemoryQuotaBackend, type QuotaBackend, RedisQuotaBackend } from '@relay/quota';
import type { Cluster, Redis } from 'ioredis';

/**
 * The backend the key limits and the ledger are shared through: with the `memory` store, this process alone
 * (each `--workers` process keeps its own); with `redis` or `hybrid`, the relay's Redis connection, under the
 * sessions' key prefix followed by `q:` (so one prefix holds everything the relay stores).
 */
export function createQuotaBackend(redis: Redis | Cluster | undefined, keyPrefix: string): QuotaBackend {
  return redis ? new RedisQuotaBackend({ redis, keyPrefix: `${keyPrefix}q:` }) : new MemoryQuotaBackend();
}
