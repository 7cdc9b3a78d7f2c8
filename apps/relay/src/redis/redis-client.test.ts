import { failFastRedisOptions } from '@relay/internals';
import { describe, expect, it } from 'vitest';
import { redisClientPlan } from './redis-client.js';

const options = { commandTimeoutMs: 1000 };

describe('redisClientPlan', () => {
  it.each([
    [
      'one server',
      { url: 'redis://127.0.0.1:6379' },
      { kind: 'standalone', url: 'redis://127.0.0.1:6379', options: { commandTimeout: 1000 } },
    ],
    [
      'one server over TLS with ACL credentials beside the URL',
      { url: 'rediss://redis.internal:6380', username: 'relay', password: 'pw' },
      { kind: 'standalone', options: { username: 'relay', password: 'pw' } },
    ],
    [
      'a cluster from seed URLs, credentials and TLS taken from them',
      { cluster: ['rediss://relay:pw@10.0.0.1:7000', 'rediss://10.0.0.2:7001'] },
      {
        kind: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
        ],
        options: { username: 'relay', password: 'pw', tls: {} },
      },
    ],
    [
      'Sentinel with its group name',
      { sentinels: ['redis://10.0.0.5:26379', 'redis://[::1]:26380'], name: 'relay-main', password: 'pw' },
      {
        kind: 'sentinel',
        options: {
          sentinels: [
            { host: '10.0.0.5', port: 26379 },
            { host: '::1', port: 26380 },
          ],
          name: 'relay-main',
          password: 'pw',
        },
      },
    ],
  ])('%s', (_name, deployment, expected) => {
    expect(redisClientPlan(deployment, options)).toMatchObject(expected);
  });

  it.each([
    ['one server', { url: 'redis://127.0.0.1:6379' }],
    ['a cluster', { cluster: ['redis://10.0.0.1:7000'] }],
    ['Sentinel', { sentinels: ['redis://10.0.0.5:26379'], name: 'relay-main' }],
  ])('%s: fails fast and reconnects as the session store and quota connections do', (_name, deployment) => {
    const { retryStrategy, ...shared } = failFastRedisOptions(2500);
    const { options: planned } = redisClientPlan(deployment, { commandTimeoutMs: 2500 });
    expect(planned).toMatchObject(shared);
    const attempts = [1, 2, 5, 10, 50];
    expect(attempts.map((attempt) => planned.retryStrategy?.(attempt))).toEqual(
      attempts.map((attempt) => retryStrategy?.(attempt)),
    );
  });

  it.each([
    ['nothing', {}, /needs `url`, `cluster` or `sentinels`/],
    ['Sentinel without a name', { sentinels: ['redis://10.0.0.5:26379'] }, /master group `name`/],
    ['a node that is not redis://', { cluster: ['http://10.0.0.1:7000'] }, /redis:\/\/ or rediss:\/\//],
  ])('refuses %s', (_name, deployment, message) => {
    expect(() => redisClientPlan(deployment, options)).toThrow(message);
  });
});
