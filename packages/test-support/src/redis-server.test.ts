import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys } from './redis-keys.js';
import { hasRedisServerBinary, pingRedis, type RedisServerProcess, startRedisServer } from './redis-server.js';
import { testRedisUrl } from './vitest.js';

describe('the Redis of the test run', () => {
  it.skipIf(process.env.CI !== 'true')('exists when CI=true', () => {
    expect(testRedisUrl()).toBeTruthy();
  });

  it.skipIf(!testRedisUrl())('answers PING', async () => {
    expect(await pingRedis(testRedisUrl() as string)).toBe(true);
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

describe.skipIf(!hasRedisServerBinary())('deleteKeys', () => {
  let server: RedisServerProcess | undefined;
  afterAll(async () => server?.stop());

  it('deletes the keys of one pattern and leaves every other key', async () => {
    server = await startRedisServer();
    const url = server.url;
    const keys = [
      ...Array.from({ length: 1200 }, (_, index) => `relay-test:run1:s:{${index}}`),
      'relay-test:run2:s:{kept}',
      'unrelated',
    ];
    spawnSync('redis-cli', ['-u', url], {
      input: keys.map((key) => `SET ${key} 1`).join('\n'),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    expect(await deleteKeys(url, 'relay-test:run1:')).toBe(1200);
    const remaining = spawnSync('redis-cli', ['-u', url, '--scan'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean);
    expect(remaining.sort()).toEqual(['relay-test:run2:s:{kept}', 'unrelated']);
  });
});
