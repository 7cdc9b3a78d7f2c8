import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CircuitOpenError,
  ConnectionPoolError,
  type ConnectionPoolErrorCode,
  HealthCheckStatusError,
  HealthCheckTimeoutError,
  InvalidOptionError,
  PoolClosedError,
  ProxyAuthError,
  ProxyError,
  ProxyProtocolError,
  ProxyTargetUnreachableError,
  ProxyTimeoutError,
  ProxyUnreachableError,
  TargetUnreachableError,
  TlsHandshakeError,
} from './errors.js';

const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
const proxy = 'http://***@127.0.0.1:8080';

// Each row: the error as the pool builds it, its class, the literal code and name a user matches on.
const errors: Array<[ConnectionPoolError, abstract new (...args: never[]) => ConnectionPoolError, string]> = [
  [
    new InvalidOptionError('connections.max', 'expected an integer', { cause }),
    InvalidOptionError,
    'RELAY_ERR_POOL_INVALID_OPTION',
  ],
  [new CircuitOpenError('https://api.example', 0), CircuitOpenError, 'RELAY_ERR_POOL_CIRCUIT_OPEN'],
  [new PoolClosedError(), PoolClosedError, 'RELAY_ERR_POOL_CLOSED'],
  [new ProxyAuthError(proxy, 'CONNECT answered HTTP 407', { cause }), ProxyAuthError, 'RELAY_ERR_POOL_PROXY_AUTH'],
  [
    new ProxyUnreachableError(proxy, 'ECONNREFUSED', { cause }),
    ProxyUnreachableError,
    'RELAY_ERR_POOL_PROXY_UNREACHABLE',
  ],
  [new ProxyTimeoutError(proxy, 300, { cause }), ProxyTimeoutError, 'RELAY_ERR_POOL_PROXY_TIMEOUT'],
  [
    new ProxyTargetUnreachableError(proxy, 'SOCKS5 reply HostUnreachable', { cause }),
    ProxyTargetUnreachableError,
    'RELAY_ERR_POOL_PROXY_TARGET_UNREACHABLE',
  ],
  [new ProxyProtocolError(proxy, 'bad handshake', { cause }), ProxyProtocolError, 'RELAY_ERR_POOL_PROXY_PROTOCOL'],
  [
    new TlsHandshakeError('https://a', 'self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT', { cause }),
    TlsHandshakeError,
    'RELAY_ERR_POOL_TLS_HANDSHAKE',
  ],
  [
    new TargetUnreachableError('https://a', 'refused', 'ECONNREFUSED', { cause }),
    TargetUnreachableError,
    'RELAY_ERR_POOL_TARGET_UNREACHABLE',
  ],
  [new HealthCheckTimeoutError('https://a', 100), HealthCheckTimeoutError, 'RELAY_ERR_POOL_HEALTH_TIMEOUT'],
  [new HealthCheckStatusError('https://a', 503), HealthCheckStatusError, 'RELAY_ERR_POOL_HEALTH_STATUS'],
];

describe('connection pool errors', () => {
  it.each(errors)(
    '%s: literal code and name, instanceof its class, ConnectionPoolError and Error',
    (error, type, code) => {
      expect(error).toBeInstanceOf(type);
      expect(error).toBeInstanceOf(ConnectionPoolError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(type.name);
      expect(error.stack?.startsWith(`${type.name}: `)).toBe(true);
    },
  );

  it.each(errors.filter(([error]) => error instanceof ProxyError))('%s is a ProxyError naming the proxy', (error) => {
    expect((error as ProxyError).proxy).toBe(proxy);
    expect(error.message).toContain(`(proxy ${proxy})`);
  });

  it.each(errors.filter(([error]) => 'cause' in error))('%s keeps its cause', (error) => {
    expect(error.cause).toBe(cause);
  });

  it('gives every class its own code, all in the RELAY_ERR_POOL_ namespace', () => {
    const codes = errors.map(([error]) => error.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^RELAY_ERR_POOL_[A-Z_]+$/);
  });

  it('names the option of an invalid one', () => {
    expect(new InvalidOptionError('health.timeout', 'expected an integer')).toMatchObject({
      option: 'health.timeout',
      message: 'invalid option health.timeout: expected an integer',
    });
  });

  it('types each code as its literal (a type test, checked by tsc)', () => {
    expectTypeOf(new CircuitOpenError('k', 0).code).toEqualTypeOf<'RELAY_ERR_POOL_CIRCUIT_OPEN'>();
    expectTypeOf(new ProxyAuthError(proxy, 'x').code).toEqualTypeOf<'RELAY_ERR_POOL_PROXY_AUTH'>();
    expectTypeOf<ConnectionPoolError['code']>().toEqualTypeOf<ConnectionPoolErrorCode>();
  });
});
