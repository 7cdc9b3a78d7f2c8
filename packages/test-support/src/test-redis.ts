// The run's Redis, as the global setup (`./redis-global-setup`) found it.
import './provided-context.js';
import { randomUUID } from 'node:crypto';
import { describe, inject } from 'vitest';

/** The Redis URL of this run, or undefined when there is none. */
export function testRedisUrl(): string | undefined {
  return inject('redisUrl') || undefined;
}

/** `describe` for suites that need Redis: skipped (loudly, by the global setup) when there is none. */
export const describeWithRedis: typeof describe = describe.skipIf(!inject('redisUrl')) as typeof describe;

/** A key prefix no other test or run can collide with; the global teardown deletes this run's keys. */
export function uniqueKeyPrefix(label: string): string {
  return `relay-test:${inject('redisKeyRun')}:${label}:${randomUUID().slice(0, 8)}:`;
}
