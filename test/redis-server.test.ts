import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from './redis.js';
import { hasRedisServerBinary, pingRedis, type RedisServerProcess, startRedisServer } from './redis-server.js';

describe('the Redis of the test run', () => {
  it('answers PING when the run has one, and CI always has one', async () => {
    const url = testRedisUrl();
    if (process.env.CI === 'true') expect(url).toBeTruthy();
    if (url) expect(await pingRedis(url)).toBe(true);
  });

  it('is not reported for a port where nothing listens', async () => {
    expect(await pingRedis('redis://127.0.0.1:1', 300)).toBe(false);
  });
});

describe.skipIf(!hasRedisServerBinary())('a private redis-server', () => {
  let server: RedisServerProcess | undefined;
  afterAll(async () => server?.stop());

  it('starts on a free port, stops for real, and restarts on the same port', async () => {
    server = await startRedisServer();
    expect(await pingRedis(server.url)).toBe(true);
    await server.stop();
    expect(await pingRedis(server.url, 300)).toBe(false);
    await server.restart();
    expect(await pingRedis(server.url)).toBe(true);
  });
});
