/** The stable codes of the errors this package raises, one per class. */
export type ConnectionPoolErrorCode =
  | 'RELAY_ERR_POOL_INVALID_OPTION'
  | 'RELAY_ERR_POOL_CIRCUIT_OPEN'
  | 'RELAY_ERR_POOL_CLOSED'
  | 'RELAY_ERR_POOL_PROXY_AUTH'
  | 'RELAY_ERR_POOL_PROXY_UNREACHABLE'
  | 'RELAY_ERR_POOL_PROXY_TIMEOUT'
  | 'RELAY_ERR_POOL_PROXY_TARGET_UNREACHABLE'
  | 'RELAY_ERR_POOL_PROXY_PROTOCOL'
  | 'RELAY_ERR_POOL_TLS_HANDSHAKE'
  | 'RELAY_ERR_POOL_TARGET_UNREACHABLE'
  | 'RELAY_ERR_POOL_HEALTH_TIMEOUT'
  | 'RELAY_ERR_POOL_HEALTH_STATUS';

/**
 * Every error this package raises extends this class: match with `instanceof` (this class or a subclass), or by
 * `code` where an error has crossed a process boundary. `cause` holds the underlying error where there is one.
 */
export abstract class ConnectionPoolError extends Error {
  abstract override readonly name: string;
  abstract readonly code: ConnectionPoolErrorCode;
}

/** An option failed validation at construction; `option` names it (dotted path, e.g. `connections.max`). */
export class InvalidOptionError extends ConnectionPoolError {
  override readonly name = 'InvalidOptionError' as const;
  readonly code = 'RELAY_ERR_POOL_INVALID_OPTION' as const;
  readonly option: string;

  constructor(option: string, message: string, options?: ErrorOptions) {
    super(`invalid option ${option}: ${message}`, options);
    this.option = option;
  }
}

/** The key's circuit is open: the request was refused before any socket was touched. */
export class CircuitOpenError extends ConnectionPoolError {
  override readonly name = 'CircuitOpenError' as const;
  readonly code = 'RELAY_ERR_POOL_CIRCUIT_OPEN' as const;
  /** The redacted key label (origin, and proxy without credentials). */
  readonly key: string;
  /** When the circuit moves to half-open (ms since the epoch). */
  readonly retryAt: number;

  constructor(key: string, retryAt: number) {
    super(`circuit open for ${key}; next attempt at ${new Date(retryAt).toISOString()}`);
    this.key = key;
    this.retryAt = retryAt;
  }
}

/** The pool is closed (or closing) and hands out nothing more. */
export class PoolClosedError extends ConnectionPoolError {
  override readonly name = 'PoolClosedError' as const;
  readonly code = 'RELAY_ERR_POOL_CLOSED' as const;

  constructor() {
    super('the connection pool is closed');
  }
}

/** Base of the errors a proxy hop produces; `proxy` is the redacted proxy URL. */
export abstract class ProxyError extends ConnectionPoolError {
  readonly proxy: string;

  constructor(proxy: string, message: string, options?: ErrorOptions) {
    super(`${message} (proxy ${proxy})`, options);
    this.proxy = proxy;
  }
}

/** The proxy rejected the credentials (HTTP 407, SOCKS5 authentication failure) or wants some we did not give. */
export class ProxyAuthError extends ProxyError {
  override readonly name = 'ProxyAuthError' as const;
  readonly code = 'RELAY_ERR_POOL_PROXY_AUTH' as const;

  constructor(proxy: string, detail: string, options?: ErrorOptions) {
    super(proxy, `proxy authentication failed: ${detail}`, options);
  }
}

/** No TCP (or TLS, for https:// proxies) connection to the proxy itself could be made. */
export class ProxyUnreachableError extends ProxyError {
  override readonly name = 'ProxyUnreachableError' as const;
  readonly code = 'RELAY_ERR_POOL_PROXY_UNREACHABLE' as const;

  constructor(proxy: string, detail: string, options?: ErrorOptions) {
    super(proxy, `proxy unreachable: ${detail}`, options);
  }
}

/** The tunnel (proxy connect + handshake + TLS to the target) did not complete within the connect timeout. */
export class ProxyTimeoutError extends ProxyError {
  override readonly name = 'ProxyTimeoutError' as const;
  readonly code = 'RELAY_ERR_POOL_PROXY_TIMEOUT' as const;

  constructor(proxy: string, timeoutMs: number, options?: ErrorOptions) {
    super(proxy, `proxy tunnel not established within ${timeoutMs} ms`, options);
  }
}

/** The proxy answered, but could not or would not reach the target (SOCKS5 reply 3-5, HTTP 502/503/504...). */
export class ProxyTargetUnreachableError extends ProxyError {
  override readonly name = 'ProxyTargetUnreachableError' as const;
  readonly code = 'RELAY_ERR_POOL_PROXY_TARGET_UNREACHABLE' as const;

  constructor(proxy: string, detail: string, options?: ErrorOptions) {
    super(proxy, `proxy could not reach the target: ${detail}`, options);
  }
}

/** The proxy spoke something we did not expect (bad handshake, unexpected status, closed mid-handshake). */
export class ProxyProtocolError extends ProxyError {
  override readonly name = 'ProxyProtocolError' as const;
  readonly code = 'RELAY_ERR_POOL_PROXY_PROTOCOL' as const;

  constructor(proxy: string, detail: string, options?: ErrorOptions) {
    super(proxy, `proxy protocol error: ${detail}`, options);
  }
}

/** The TLS handshake with the origin failed (certificate, protocol), directly or inside a tunnel. */
export class TlsHandshakeError extends ConnectionPoolError {
  override readonly name = 'TlsHandshakeError' as const;
  readonly code = 'RELAY_ERR_POOL_TLS_HANDSHAKE' as const;
  /** The TLS error code Node reported, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  readonly tlsCode: string | undefined;

  constructor(target: string, detail: string, tlsCode: string | undefined, options?: ErrorOptions) {
    super(`TLS handshake with ${target} failed: ${detail}`, options);
    this.tlsCode = tlsCode;
  }
}

/** A direct (un-proxied) connect or probe to the target failed: refused, timed out, reset. */
export class TargetUnreachableError extends ConnectionPoolError {
  override readonly name = 'TargetUnreachableError' as const;
  readonly code = 'RELAY_ERR_POOL_TARGET_UNREACHABLE' as const;
  /** The underlying system or undici code, e.g. `ECONNREFUSED` or `UND_ERR_CONNECT_TIMEOUT`. */
  readonly causeCode: string | undefined;

  constructor(target: string, detail: string, causeCode: string | undefined, options?: ErrorOptions) {
    super(`cannot connect to ${target}: ${detail}`, options);
    this.causeCode = causeCode;
  }
}

/** An active health check did not finish within `health.timeout`. */
export class HealthCheckTimeoutError extends ConnectionPoolError {
  override readonly name = 'HealthCheckTimeoutError' as const;
  readonly code = 'RELAY_ERR_POOL_HEALTH_TIMEOUT' as const;

  constructor(key: string, timeoutMs: number) {
    super(`health check of ${key} did not finish within ${timeoutMs} ms`);
  }
}

/** An HTTP health probe got a 5xx answer. */
export class HealthCheckStatusError extends ConnectionPoolError {
  override readonly name = 'HealthCheckStatusError' as const;
  readonly code = 'RELAY_ERR_POOL_HEALTH_STATUS' as const;
  readonly statusCode: number;

  constructor(key: string, statusCode: number) {
    super(`health probe of ${key} answered HTTP ${statusCode}`);
    this.statusCode = statusCode;
  }
}

/** The code of any thrown value: ours, undici's (`UND_ERR_*`), Node's (`ECONNRESET`), else `UNKNOWN`. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  if (error instanceof Error && error.name === 'AbortError') return 'ABORT_ERR';
  return 'UNKNOWN';
}
