import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { InvalidOptionError } from './errors.js';

/** TLS options for connections to origins (`connect`) or to `https://` proxies (`proxyTls`). */
export type TlsOptions = Pick<
  TlsConnectionOptions,
  'ca' | 'cert' | 'key' | 'passphrase' | 'pfx' | 'rejectUnauthorized' | 'servername' | 'ciphers' | 'minVersion'
>;

/** An HTTP request the active health check sends instead of a bare connect + TLS handshake. */
export interface HealthProbeOptions {
  /** Request path, e.g. `/v1/models`. */
  path: string;
  /** Default `HEAD`. */
  method?: string;
  headers?: Record<string, string>;
}

/** Health checks and the circuit breaker, per key. */
export interface HealthOptions {
  /** Run active checks at all. Default `true`. */
  active?: boolean;
  /** Interval of active checks, ms. Default 60 000. */
  interval?: number;
  /** Bound of one active check, ms. Default 5 000. */
  timeout?: number;
  /** Consecutive failures that open the circuit. Default 3. */
  maxFailures?: number;
  /** Time an open circuit waits before half-open, ms; doubles with each re-opening. Default 60 000. */
  recoveryTime?: number;
  /** Cap of the growing recovery time, ms. Default 600 000. */
  maxRecoveryTime?: number;
  /** Count 5xx responses as failures. Default `false` (a 5xx proves the route works). */
  countServerErrors?: boolean;
  /** Send this request as the active check instead of connect + TLS handshake. */
  probe?: HealthProbeOptions;
}

/** Options of `new ConnectionPool(options)`; every field is optional. */
export interface ConnectionPoolOptions {
  /** Most dispatchers kept in the LRU cache. Default 1000. */
  maxDispatchers?: number;
  /** A dispatcher unused this long (ms) is evicted and closed gracefully. Default 600 000 (10 min). */
  dispatcherTtl?: number;
  /** Sockets per dispatcher: `min` kept warm for warmed-up keys, `max` the ceiling. Default 2 and 100. */
  connections?: { min?: number; max?: number };
  /** An idle socket closes after this long (ms); server `Keep-Alive` hints may shorten it. Default 30 000. */
  keepAliveTimeout?: number;
  /** Bound of TCP connect + proxy handshake + TLS, ms. Default 10 000. */
  connectTimeout?: number;
  /** undici's headers timeout (ms until response headers). Default 300 000. */
  headersTimeout?: number;
  /** undici's body timeout (ms between body chunks). Default 300 000. */
  bodyTimeout?: number;
  /** TLS options to origins, e.g. `{ ca }` for a private CA. */
  connect?: TlsOptions;
  /** TLS options to `https://` proxies. */
  proxyTls?: TlsOptions;
  health?: HealthOptions;
  /** Interval of the sweep that drops stale dispatchers and statistics, ms. Default 300 000 (5 min). */
  cleanupInterval?: number;
  /** Latency samples kept per key for the summaries in `stats()`. Default 1024. */
  latencySamples?: number;
}

/** The options with every default applied. */
export interface ResolvedPoolOptions {
  maxDispatchers: number;
  dispatcherTtl: number;
  connections: { min: number; max: number };
  keepAliveTimeout: number;
  connectTimeout: number;
  headersTimeout: number;
  bodyTimeout: number;
  connect: TlsOptions;
  proxyTls: TlsOptions;
  health: Required<Omit<HealthOptions, 'probe'>> & { probe: HealthProbeOptions | undefined };
  cleanupInterval: number;
  latencySamples: number;
}

// setTimeout overflows above 2^31-1 ms and fires at once; refuse such values rather than spin.
const maxTimerDelay = 2_147_483_647;

function integer(value: unknown, option: string, fallback: number, minimum: number, maximum = maxTimerDelay): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
    throw new InvalidOptionError(option, `expected an integer from ${minimum} to ${maximum}, got ${String(value)}`);
  }
  return value;
}

function boolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, `expected a boolean, got ${typeof value}`);
  return value;
}

function object<T extends object>(value: unknown, option: string): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(option, 'expected an object');
  }
  return value as Partial<T>;
}

function probe(value: unknown): HealthProbeOptions | undefined {
  if (value === undefined) return undefined;
  const options = object<HealthProbeOptions>(value, 'health.probe');
  if (typeof options.path !== 'string' || !options.path.startsWith('/')) {
    throw new InvalidOptionError('health.probe.path', 'expected a path starting with /');
  }
  if (options.method !== undefined && (typeof options.method !== 'string' || !/^[A-Z]+$/.test(options.method))) {
    throw new InvalidOptionError('health.probe.method', 'expected an upper-case HTTP method');
  }
  if (options.headers !== undefined) {
    for (const [name, header] of Object.entries(
      object<Record<string, string>>(options.headers, 'health.probe.headers'),
    )) {
      if (typeof header !== 'string') throw new InvalidOptionError(`health.probe.headers.${name}`, 'expected a string');
    }
  }
  return { path: options.path, method: options.method ?? 'HEAD', headers: options.headers ?? {} };
}

/** Validates the options and applies the defaults; throws InvalidOptionError naming the first bad option. */
export function resolvePoolOptions(options: ConnectionPoolOptions = {}): ResolvedPoolOptions {
  const root = object<ConnectionPoolOptions>(options, 'options');
  const connections = object<{ min: number; max: number }>(root.connections, 'connections');
  const health = object<HealthOptions>(root.health, 'health');
  const min = integer(connections.min, 'connections.min', 2, 0, 10_000);
  const max = integer(connections.max, 'connections.max', Math.max(100, min), 1, 10_000);
  if (min > max) throw new InvalidOptionError('connections.min', `must not exceed connections.max (${max})`);
  const recoveryTime = integer(health.recoveryTime, 'health.recoveryTime', 60_000, 1);
  const maxRecoveryTime = integer(health.maxRecoveryTime, 'health.maxRecoveryTime', Math.max(600_000, recoveryTime), 1);
  if (maxRecoveryTime < recoveryTime) {
    throw new InvalidOptionError('health.maxRecoveryTime', `must not be below health.recoveryTime (${recoveryTime})`);
  }
  return {
    maxDispatchers: integer(root.maxDispatchers, 'maxDispatchers', 1000, 1, 1_000_000),
    dispatcherTtl: integer(root.dispatcherTtl, 'dispatcherTtl', 600_000, 1),
    connections: { min, max },
    keepAliveTimeout: integer(root.keepAliveTimeout, 'keepAliveTimeout', 30_000, 1),
    connectTimeout: integer(root.connectTimeout, 'connectTimeout', 10_000, 1),
    headersTimeout: integer(root.headersTimeout, 'headersTimeout', 300_000, 0),
    bodyTimeout: integer(root.bodyTimeout, 'bodyTimeout', 300_000, 0),
    connect: object<TlsOptions>(root.connect, 'connect'),
    proxyTls: object<TlsOptions>(root.proxyTls, 'proxyTls'),
    health: {
      active: boolean(health.active, 'health.active', true),
      interval: integer(health.interval, 'health.interval', 60_000, 1),
      timeout: integer(health.timeout, 'health.timeout', 5_000, 1),
      maxFailures: integer(health.maxFailures, 'health.maxFailures', 3, 1, 1_000_000),
      recoveryTime,
      maxRecoveryTime,
      countServerErrors: boolean(health.countServerErrors, 'health.countServerErrors', false),
      probe: probe(health.probe),
    },
    cleanupInterval: integer(root.cleanupInterval, 'cleanupInterval', 300_000, 1),
    latencySamples: integer(root.latencySamples, 'latencySamples', 1024, 1, 1_000_000),
  };
}
