/** Every error this package raises on its own extends this class and carries a stable `RELAY_ERR_*` code. */
export class ConnectionPoolError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option failed validation at construction; `option` names it (dotted path, e.g. `connections.max`). */
export class InvalidOptionError extends ConnectionPoolError {
  readonly option: string;

  constructor(option: string, message: string) {
    super('RELAY_ERR_INVALID_OPTION', `invalid option ${option}: ${message}`);
    this.option = option;
  }
}

/** The key's circuit is open: the request was refused before any socket was touched. */
export class CircuitOpenError extends ConnectionPoolError {
  /** The redacted key label (origin, and proxy without credentials). */
  readonly key: string;
  /** When the circuit moves to half-open (ms since the epoch). */
  readonly retryAt: number;

  constructor(key: string, retryAt: number) {
    super('RELAY_ERR_CIRCUIT_OPEN', `circuit open for ${key}; next attempt at ${new Date(retryAt).toISOString()}`);
    this.key = key;
    this.retryAt = retryAt;
  }
}

/** The pool is closed (or closing) and hands out nothing more. */
export class PoolClosedError extends ConnectionPoolError {
  constructor() {
    super('RELAY_ERR_POOL_CLOSED', 'the connection pool is closed');
  }
}

/** Base of the errors a proxy hop produces; `proxy` is the redacted proxy URL. */
export class ProxyError extends ConnectionPoolError {
  readonly proxy: string;

  constructor(code: string, proxy: string, message: string) {
    super(code, `${message} (proxy ${proxy})`);
    this.proxy = proxy;
  }
}

/** The proxy rejected the credentials (HTTP 407, SOCKS5 authentication failure) or wants some we did not give. */
export class ProxyAuthError extends ProxyError {
  constructor(proxy: string, detail: string) {
    super('RELAY_ERR_PROXY_AUTH', proxy, `proxy authentication failed: ${detail}`);
  }
}

/** No TCP (or TLS, for https:// proxies) connection to the proxy itself could be made. */
export class ProxyUnreachableError extends ProxyError {
  constructor(proxy: string, detail: string) {
    super('RELAY_ERR_PROXY_UNREACHABLE', proxy, `proxy unreachable: ${detail}`);
  }
}

/** The tunnel (proxy connect + handshake + TLS to the target) did not complete within the connect timeout. */
export class ProxyTimeoutError extends ProxyError {
  constructor(proxy: string, timeoutMs: number) {
    super('RELAY_ERR_PROXY_TIMEOUT', proxy, `proxy tunnel not established within ${timeoutMs} ms`);
  }
}

/** The proxy answered, but could not or would not reach the target (SOCKS5 reply 3-5, HTTP 502/503/504...). */
export class ProxyTargetUnreachableError extends ProxyError {
  constructor(proxy: string, detail: string) {
    super('RELAY_ERR_PROXY_TARGET_UNREACHABLE', proxy, `proxy could not reach the target: ${detail}`);
  }
}

/** The proxy spoke something we did not expect (bad handshake, unexpected status, closed mid-handshake). */
export class ProxyProtocolError extends ProxyError {
  constructor(proxy: string, detail: string) {
    super('RELAY_ERR_PROXY_PROTOCOL', proxy, `proxy protocol error: ${detail}`);
  }
}

/** The TLS handshake with the origin failed (certificate, protocol), directly or inside a tunnel. */
export class TlsHandshakeError extends ConnectionPoolError {
  /** The TLS error code Node reported, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  readonly tlsCode: string | undefined;

  constructor(target: string, detail: string, tlsCode: string | undefined) {
    super('RELAY_ERR_TLS_HANDSHAKE', `TLS handshake with ${target} failed: ${detail}`);
    this.tlsCode = tlsCode;
  }
}

/** A direct (un-proxied) connect or probe to the target failed: refused, timed out, reset. */
export class TargetUnreachableError extends ConnectionPoolError {
  /** The underlying system or undici code, e.g. `ECONNREFUSED` or `UND_ERR_CONNECT_TIMEOUT`. */
  readonly causeCode: string | undefined;

  constructor(target: string, detail: string, causeCode: string | undefined) {
    super('RELAY_ERR_TARGET_UNREACHABLE', `cannot connect to ${target}: ${detail}`);
    this.causeCode = causeCode;
  }
}

/** The code of any thrown value: ours, undici's (`UND_ERR_*`), Node's (`ECONNRESET`), else `UNKNOWN`. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  if (error instanceof Error && error.name === 'AbortError') return 'ABORT_ERR';
  return 'UNKNOWN';
}

/** An active health check did not finish within `health.timeout`. */
export class HealthCheckTimeoutError extends ConnectionPoolError {
  constructor(key: string, timeoutMs: number) {
    super('RELAY_ERR_HEALTH_TIMEOUT', `health check of ${key} did not finish within ${timeoutMs} ms`);
  }
}

/** An HTTP health probe got a 5xx answer. */
export class HealthCheckStatusError extends ConnectionPoolError {
  readonly statusCode: number;

  constructor(key: string, statusCode: number) {
    super('RELAY_ERR_HEALTH_STATUS', `health probe of ${key} answered HTTP ${statusCode}`);
    this.statusCode = statusCode;
  }
}
