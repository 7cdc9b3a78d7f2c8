import { expectPackageError } from '@relay/test-support/vitest';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as poolErrors from './errors.js';

const { ConnectionPoolError, ProxyError } = poolErrors;
type ConnectionPoolError = poolErrors.ConnectionPoolError;
type ProxyError = poolErrors.ProxyError;

const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
const proxy = 'http://***@127.0.0.1:8080';

// Each row: the error as the pool builds it and the literal code a user matches on.
const rows: Array<[ConnectionPoolError, string]> = [
  [
    new poolErrors.InvalidOptionError('connections.max', 'expected an integer', { cause }),
    'RELAY_ERR_POOL_INVALID_OPTION',
  ],
  [new poolErrors.CircuitOpenError('https://api.example', 0), 'RELAY_ERR_POOL_CIRCUIT_OPEN'],
  [new poolErrors.PoolClosedError(), 'RELAY_ERR_POOL_CLOSED'],
  [new poolErrors.ProxyAuthError(proxy, 'CONNECT answered HTTP 407', { cause }), 'RELAY_ERR_POOL_PROXY_AUTH'],
  [new poolErrors.ProxyUnreachableError(proxy, 'ECONNREFUSED', { cause }), 'RELAY_ERR_POOL_PROXY_UNREACHABLE'],
  [new poolErrors.ProxyTimeoutError(proxy, 300, { cause }), 'RELAY_ERR_POOL_PROXY_TIMEOUT'],
  [
    new poolErrors.ProxyTargetUnreachableError(proxy, 'SOCKS5 reply HostUnreachable', { cause }),
    'RELAY_ERR_POOL_PROXY_TARGET_UNREACHABLE',
  ],
  [new poolErrors.ProxyProtocolError(proxy, 'bad handshake', { cause }), 'RELAY_ERR_POOL_PROXY_PROTOCOL'],
  [
    new poolErrors.TlsHandshakeError('https://a', 'self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT', { cause }),
    'RELAY_ERR_POOL_TLS_HANDSHAKE',
  ],
  [
    new poolErrors.TargetUnreachableError('https://a', 'refused', 'ECONNREFUSED', { cause }),
    'RELAY_ERR_POOL_TARGET_UNREACHABLE',
  ],
  [new poolErrors.HealthCheckTimeoutError('https://a', 100), 'RELAY_ERR_POOL_HEALTH_TIMEOUT'],
  [new poolErrors.HealthCheckStatusError('https://a', 503), 'RELAY_ERR_POOL_HEALTH_STATUS'],
];

describe('connection pool errors', () => {
  it.each(rows)('%s: literal code and name, instanceof its class, ConnectionPoolError and Error', (error, code) => {
    expectPackageError(error, error.constructor as typeof ConnectionPoolError, ConnectionPoolError, code);
  });

  it.each(rows.filter(([error]) => error instanceof ProxyError))('%s is a ProxyError naming the proxy', (error) => {
    expect((error as ProxyError).proxy).toBe(proxy);
    expect(error.message).toContain(`(proxy ${proxy})`);
  });

  it.each(rows.filter(([error]) => 'cause' in error))('%s keeps its cause', (error) => {
    expect(error.cause).toBe(cause);
  });

  it('covers every error class the module exports', () => {
    const classes = Object.values(poolErrors).filter(
      (value) => typeof value === 'function' && value.prototype instanceof ConnectionPoolError && value !== ProxyError,
    );
    expect(classes.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      rows.map(([error]) => error.constructor).sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('gives every class its own code, all in the RELAY_ERR_POOL_ namespace', () => {
    const codes = rows.map(([error]) => error.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^RELAY_ERR_POOL_[A-Z_]+$/);
  });

  it('names the option of an invalid one', () => {
    expect(new poolErrors.InvalidOptionError('health.timeout', 'expected an integer')).toMatchObject({
      option: 'health.timeout',
      message: 'invalid option health.timeout: expected an integer',
    });
  });

  it('types each code as its literal (a type test, checked by tsc)', () => {
    expectTypeOf(new poolErrors.CircuitOpenError('k', 0).code).toEqualTypeOf<'RELAY_ERR_POOL_CIRCUIT_OPEN'>();
    expectTypeOf(new poolErrors.ProxyAuthError(proxy, 'x').code).toEqualTypeOf<'RELAY_ERR_POOL_PROXY_AUTH'>();
    expectTypeOf<ConnectionPoolError['code']>().toEqualTypeOf<poolErrors.ConnectionPoolErrorCode>();
  });
});
