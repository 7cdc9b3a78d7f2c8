import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type RedisSentinelProcess, startRedisSentinel } from './redis-sentinel.js';
import { hasRedisServerBinary } from './redis-server.js';

describe.skipIf(!hasRedisServerBinary())('a private Redis Sentinel deployment', { timeout: 60_000 }, () => {
  let deployment: RedisSentinelProcess | undefined;
  afterAll(async () => deployment?.stop());

  it('gives ioredis the master through the sentinels, and the replica follows it', async () => {
    deployment = await startRedisSentinel();
    expect(deployment.sentinels).toHaveLength(3);
    const client = new Redis({ sentinels: [...deployment.sentinels], name: deployment.name });
    const master = new Redis(deployment.master.url);
    const replica = new Redis(deployment.replica.url);
    try {
      await client.set('sentinel-helper-key', 'written through the sentinels');
      expect(await client.get('sentinel-helper-key')).toBe('written through the sentinels');
      expect(await master.get('sentinel-helper-key')).toBe('written through the sentinels');
      let replicated: string | null = null;
      for (let attempt = 0; attempt < 100 && replicated === null; attempt += 1) {
        replicated = await replica.get('sentinel-helper-key');
        if (replicated === null) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(replicated).toBe('written through the sentinels');
    } finally {
      for (const connection of [client, master, replica]) connection.disconnect();
    }
  });
});
