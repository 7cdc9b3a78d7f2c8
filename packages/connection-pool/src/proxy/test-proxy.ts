import { createDispatcherKey, redactProxyUrl } from '../dispatcher-key.js';
import {
  ConnectionPoolError,
  errorCode,
  ProxyTimeoutError,
  TargetUnreachableError,
  TlsHandshakeError,
} from '../errors.js';
import { type ResolvedPoolOptions, resolvePoolOptions, type TlsOptions } from '../pool-options.js';
import { createSocketConnector, openSocket } from '../socket-connector.js';

/** What `testProxy` found. It never throws. */
export interface ProxyTestResult {
  ok: boolean;
  /** Time to a usable tunnel: TCP to the proxy, handshake, and TLS with the target for https targets, ms. */
  latencyMs: number;
  /** Undefined when ok; else a ConnectionPoolError with a stable code (`RELAY_ERR_POOL_PROXY_AUTH`, ...). */
  error: ConnectionPoolError | undefined;
}

/** Options of the standalone `testProxy`. */
export interface TestProxyOptions {
  /** Bound of each stage (tunnel, TLS), ms. Default 10 000. */
  timeout?: number;
  /** TLS options to the target, e.g. `{ ca }`. */
  connect?: TlsOptions;
  /** TLS options to an https:// proxy. */
  proxyTls?: TlsOptions;
}

function isTlsFailure(code: string): boolean {
  return (
    code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code.includes('SELF_SIGNED')
  );
}

/** Turns whatever a tunnel attempt threw into a typed error that names no credentials. */
function classify(error: unknown, target: string, proxied: string | undefined, timeout: number): ConnectionPoolError {
  if (error instanceof ConnectionPoolError) return error;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (isTlsFailure(code)) return new TlsHandshakeError(target, message, code, { cause: error });
  if (code === 'UND_ERR_CONNECT_TIMEOUT' && proxied) return new ProxyTimeoutError(proxied, timeout, { cause: error });
  return new TargetUnreachableError(target, message, code, { cause: error });
}

/** Tests a route with the resolved options of a pool (used by `ConnectionPool.testProxy`). */
export async function testProxyWith(
  proxy: string | URL,
  target: string | URL,
  options: ResolvedPoolOptions,
): Promise<ProxyTestResult> {
  const started = performance.now();
  const targetLabel = String(target);
  try {
    const key = createDispatcherKey(target, proxy);
    const socket = await openSocket(createSocketConnector(key, options), key.url);
    const latencyMs = performance.now() - started;
    socket.destroy();
    return { ok: true, latencyMs, error: undefined };
  } catch (error) {
    const redacted = proxy === '' ? undefined : redactProxyUrl(proxy);
    return {
      ok: false,
      latencyMs: performance.now() - started,
      error: classify(error, targetLabel, redacted, options.connectTimeout),
    };
  }
}

/**
 * Opens one tunnel through `proxy` to `target` (an origin such as `https://api.anthropic.com`): TCP to the proxy,
 * its handshake (CONNECT or SOCKS5, with auth), then TLS with the target inside the tunnel. Resolves
 * `{ ok, latencyMs, error }` and never throws.
 */
export async function testProxy(
  proxy: string | URL,
  target: string | URL,
  options: TestProxyOptions = {},
): Promise<ProxyTestResult> {
  let resolved: ResolvedPoolOptions;
  try {
    resolved = resolvePoolOptions({
      ...(options.timeout !== undefined ? { connectTimeout: options.timeout } : {}),
      ...(options.connect !== undefined ? { connect: options.connect } : {}),
      ...(options.proxyTls !== undefined ? { proxyTls: options.proxyTls } : {}),
    });
  } catch (error) {
    return { ok: false, latencyMs: 0, error: error as ConnectionPoolError };
  }
  return await testProxyWith(proxy, target, resolved);
}
