import { describe, expect, it } from 'vitest';
import { ConnectionPool } from './connection-pool.js';
import { InvalidOptionError } from './errors.js';
import { resolvePoolOptions } from './pool-options.js';

describe('pool options', () => {
  it('applies the documented defaults', () => {
    expect(resolvePoolOptions()).toMatchObject({
      maxDispatchers: 1000,
      connections: { min: 2, max: 100 },
      cleanupInterval: 300_000,
      health: { active: true, interval: 60_000, timeout: 5_000, maxFailures: 3, recoveryTime: 60_000 },
    });
  });

  it.each([
    [{ maxDispatchers: 0 }, 'maxDispatchers'],
    [{ connections: { min: 5, max: 2 } }, 'connections.min'],
    [{ connections: { max: 1.5 } }, 'connections.max'],
    [{ keepAliveTimeout: -1 }, 'keepAliveTimeout'],
    [{ health: { interval: '60s' } }, 'health.interval'],
    [{ health: { recoveryTime: 10_000, maxRecoveryTime: 5_000 } }, 'health.maxRecoveryTime'],
    [{ health: { probe: { path: 'v1/models' } } }, 'health.probe.path'],
    [{ health: { countServerErrors: 'yes' } }, 'health.countServerErrors'],
    [{ connect: 'insecure' }, 'connect'],
    [{ cleanupInterval: 2 ** 31 }, 'cleanupInterval'],
  ])('rejects %j naming %s', (options, option) => {
    expect(() => new ConnectionPool(options as never)).toThrow(InvalidOptionError);
    expect(() => new ConnectionPool(options as never)).toThrow(expect.objectContaining({ option }));
  });
});
