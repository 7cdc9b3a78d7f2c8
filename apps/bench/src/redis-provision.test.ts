import { hasRedisServerBinary, pingRedis } from '@relay/test-support';
import { testRedisUrl } from '@relay/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { BenchSetupError } from './errors.js';
import { provisionRedis } from './redis-provision.js';

describe('provisionRedis', () => {
  it.skipIf(!testRedisUrl())('uses REDIS_URL when it answers, and leaves it running', async () => {
    const url = testRedisUrl() as string;
    const redis = await provisionRedis({ environment: { REDIS_URL: url }, hasBinary: () => true });
    expect(redis).toMatchObject({ url, source: 'environment' });
    expect(redis.note).toContain('REDIS_URL');
    await redis.stop();
    expect(await pingRedis(url)).toBe(true);
  });

  it('refuses a REDIS_URL that does not answer, naming it', async () => {
    const url = 'redis://127.0.0.1:1';
    await expect(provisionRedis({ environment: { REDIS_URL: url } })).rejects.toThrow(BenchSetupError);
    await expect(provisionRedis({ environment: { REDIS_URL: url } })).rejects.toThrow(
      /REDIS_URL=redis:\/\/127.0.0.1:1/,
    );
  });

  it.skipIf(!hasRedisServerBinary())('starts a private redis-server without REDIS_URL and stops it', async () => {
    const redis = await provisionRedis({ environment: {} });
    expect(redis.source).toBe('private');
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await pingRedis(redis.url as string)).toBe(true);
    await redis.stop();
    expect(await pingRedis(redis.url as string, 300)).toBe(false);
  });

  it('has no Redis, and says why, when neither REDIS_URL nor a redis-server binary is there', async () => {
    const redis = await provisionRedis({ environment: {}, hasBinary: () => false });
    expect(redis.url).toBeUndefined();
    expect(redis.source).toBe('none');
    expect(redis.note).toMatch(/no redis-server is on PATH.*Redis rows are skipped/);
  });
});
