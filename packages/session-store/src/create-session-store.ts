import { HybridSessionStore } from './backends/hybrid.js';
import { MemorySessionStore } from './backends/memory.js';
import { RedisSessionStore, type RedisSessionStoreOptions } from './backends/redis.js';
import type { RedisSource } from './backends/redis-connection.js';
import { InvalidOptionError } from './errors.js';
import type { SessionStore } from './session-store.js';

/** The relay's session-store config, in the units its config file uses. */
export interface CreateSessionStoreOptions {
  /** Which backend. Default `memory`. */
  store?: 'memory' | 'redis' | 'hybrid';
  /** Redis URL for `redis` and `hybrid` (or pass `redis`). */
  redisUrl?: string;
  /** An ioredis `Redis` or `Cluster` to use instead of `redisUrl` (left open on close). */
  redis?: Exclude<RedisSource, string>;
  /** Session lifetime after its last activity, seconds. Default 3600. */
  ttlSeconds?: number;
  /** Affinity lifetime after its last use, seconds. Default 1800. */
  affinityTtlSeconds?: number;
  /** Hybrid: longest a change waits before it is written to Redis, ms. Default 60 000. */
  syncIntervalMs?: number;
  /** Most sessions held in memory (memory, hybrid). Default 10 000. */
  maxSessions?: number;
  /** Prefix of every Redis key. Default `relay:`. */
  keyPrefix?: string;
  /** Longest a Redis command may take, ms. Default 1000. */
  commandTimeoutMs?: number;
  /** Buckets per find-by index in Redis (see `RedisSessionStoreOptions.indexBuckets`). */
  indexBuckets?: RedisSessionStoreOptions['indexBuckets'];
}

const seconds = (option: string, value: number | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(option, 'a positive number of seconds', value);
  }
  return Math.round(value * 1000);
};

/** Builds the store the relay's config asks for. */
export function createSessionStore(options: CreateSessionStoreOptions = {}): SessionStore {
  const kind = options.store ?? 'memory';
  const ttlMs = seconds('ttlSeconds', options.ttlSeconds);
  const affinityTtlMs = seconds('affinityTtlSeconds', options.affinityTtlSeconds);
  if (kind === 'memory') return new MemorySessionStore({ ttlMs, affinityTtlMs, maxSessions: options.maxSessions });
  if (kind !== 'redis' && kind !== 'hybrid')
    throw new InvalidOptionError('store', "'memory', 'redis' or 'hybrid'", kind);
  const redis = options.redis ?? options.redisUrl;
  if (redis === undefined || redis === '') {
    throw new InvalidOptionError('redisUrl', `a Redis URL (or a redis client) for the ${kind} store`, redis);
  }
  const common = {
    redis,
    ttlMs,
    affinityTtlMs,
    keyPrefix: options.keyPrefix,
    commandTimeoutMs: options.commandTimeoutMs,
    indexBuckets: options.indexBuckets,
  };
  if (kind === 'redis') return new RedisSessionStore(common);
  return new HybridSessionStore({
    ...common,
    syncIntervalMs: options.syncIntervalMs,
    maxSessions: options.maxSessions,
  });
}
