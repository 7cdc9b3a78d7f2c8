import { startRedisServer } from '@relay/test-support';
import { startSilentServer } from '@relay/test-support/servers';
import { describeWithRedis, redisKeySpace } from '@relay/test-support/vitest';
import { Redis, ReplyError } from 'ioredis';
import { expect, it, vi } from 'vitest';
import { RedisConnection, type RedisConnectionErrors } from './redis-connection.js';

// A package's own error classes, as each package passes its own (RELAY_ERR_STORE_*, RELAY_ERR_QUOTA_*).
class ExampleUnavailableError extends Error {}
class ExampleClosedError extends Error {}
const errors: RedisConnectionErrors = {
  unavailable: (message, options) => new ExampleUnavailableError(message, options),
  closed: () => new ExampleClosedError('closed'),
};

/** The rejection of `promise` (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return await promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: Error) => error,
  );
}

describeWithRedis('RedisConnection', () => {
  const { prefix, url } = redisKeySpace('internals-connection');

  it('runs a batch in one pipeline and returns the replies in order', async () => {
    const connection = new RedisConnection(url(), { commandTimeoutMs: 2000, errors });
    try {
      const replies = await connection.batch([
        ['set', `${prefix}a`, 'one'],
        ['get', `${prefix}a`],
        ['incrby', `${prefix}b`, 5],
        ['get', `${prefix}missing`],
      ]);
      expect(replies).toEqual(['OK', 'one', 5, null]);
      expect(await connection.batch([])).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  it("hands a plain command error back as Redis's reply, not as unavailable", async () => {
    const connection = new RedisConnection(url(), { commandTimeoutMs: 2000, errors });
    try {
      await connection.command(['set', `${prefix}text`, 'not a number']);
      const error = await rejectionOf(connection.command(['incr', `${prefix}text`]));
      expect(error).toBeInstanceOf(ReplyError);
      expect(error.message).toMatch(/not an integer/);
    } finally {
      await connection.close();
    }
  });

  it("closes a client it made, leaves a caller's client open, and refuses calls once closed", async () => {
    const owned = new RedisConnection(url(), { commandTimeoutMs: 2000, errors });
    await owned.command(['get', `${prefix}a`]);
    await owned.close();
    await vi.waitFor(() => expect(owned.client.status).toBe('end'));
    expect(await rejectionOf(owned.command(['get', `${prefix}a`]))).toBeInstanceOf(ExampleClosedError);

    const client = new Redis(url());
    const borrowed = new RedisConnection(client, { commandTimeoutMs: 2000, errors });
    try {
      await borrowed.close();
      expect(await client.ping()).toBe('PONG');
      expect(await rejectionOf(borrowed.publish('channel', 'message'))).toBeInstanceOf(ExampleClosedError);
    } finally {
      await client.quit();
    }
  });
});

it("fails at once with the package's unavailable error while its Redis is away", async () => {
  const server = await startRedisServer();
  const connection = new RedisConnection(server.url, { commandTimeoutMs: 500, errors });
  try {
    await connection.command(['set', 'key', 'value']);
    await server.stop();
    const error = await rejectionOf(connection.command(['get', 'key']));
    expect(error).toBeInstanceOf(ExampleUnavailableError);
    expect(error.message).toMatch(/^Redis is unavailable: /);
  } finally {
    await connection.close();
    await server.stop();
  }
});

it('refuses more than maxOfflineQueue commands waiting for a connection, and times the waiting ones out', async () => {
  const silent = await startSilentServer();
  const connection = new RedisConnection(`redis://127.0.0.1:${silent.port}`, {
    commandTimeoutMs: 500,
    maxOfflineQueue: 2,
    errors,
  });
  try {
    const waiting = [connection.command(['get', 'a']), connection.command(['get', 'b'])].map(rejectionOf);
    const refused = await rejectionOf(connection.command(['get', 'c']));
    expect(refused).toBeInstanceOf(ExampleUnavailableError);
    expect(refused.message).toBe('Redis is unavailable: 2 commands already wait for a connection');
    for (const error of await Promise.all(waiting)) expect(error).toBeInstanceOf(ExampleUnavailableError);
  } finally {
    await connection.close();
    await silent.close();
  }
});
